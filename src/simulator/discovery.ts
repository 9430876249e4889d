/**
 * The discovery document and WebFinger answer, shaped like mojeID's.
 *
 * oidc-provider writes the document; this turns it into what mojeID publishes (field notes and
 * the test instance's document in `discovery/`): no `code_challenge_methods_supported`, no
 * `end_session_endpoint` (logout is the page of ch. 7), no
 * `authorization_response_iss_parameter_supported` (the callback still carries `iss`, as
 * mojeID's pyoidc adds it), and the Appendix 1 (§9.1) claims in `claims_supported`.
 *
 * @module
 */
import { claimsSupported } from './claims.js';

/** Keys mojeID does not advertise, although oidc-provider does (field notes). */
const NOT_ADVERTISED = [
  'code_challenge_methods_supported',
  'end_session_endpoint',
  'authorization_response_iss_parameter_supported',
  // Features mojeID does not have (they are off in the simulator as well).
  'dpop_signing_alg_values_supported',
  'pushed_authorization_request_endpoint',
  'require_pushed_authorization_requests',
] as const;

/** Rewrite oidc-provider's discovery document into mojeID's shape. */
export function mojeidDiscoveryDocument(document: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...document };
  for (const key of NOT_ADVERTISED) delete out[key];
  out['claims_supported'] = claimsSupported();
  // The test instance's document carries pyoidc's `"version": "3.0"`.
  out['version'] = '3.0';
  return out;
}

/** WebFinger link relation for an OpenID Connect issuer (OIDC Discovery §2), as in §5.1.5. */
export const ISSUER_REL = 'http://openid.net/specs/connect/1.0/issuer';

/**
 * The WebFinger answer of §5.1.5: whatever account is asked about, the issuer is mojeID's.
 * Returns `undefined` when `resource` is missing (a 400 for the caller).
 */
export function webfingerResponse(resource: unknown, issuer: string): Record<string, unknown> | undefined {
  if (typeof resource !== 'string' || resource.length === 0) return undefined;
  return { subject: resource, links: [{ rel: ISSUER_REL, href: issuer }] };
}
