/**
 * mojeID claims: the Appendix 1 (§9.1) catalogue as data, the types derived from it, the
 * normaliser and the generated reference document.
 *
 * @module
 */
export {
  CLAIM_CATALOGUE,
  CLAIM_NAMES,
  FULL_ACCESS_FLAGS,
  claimDefinition,
  isMojeIdClaimName,
  type ClaimDefinition,
  type ClaimValueType,
  type MojeIdClaimName,
  type StandardScope,
} from './catalogue.js';
export type { MojeIdAddress, MojeIdClaims, RawMojeIdClaims } from './types.js';
export { normaliseClaims, type ClaimProblem, type NormalisationResult } from './normalise.js';
export { renderClaimsReference } from './document.js';
