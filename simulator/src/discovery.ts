/**
 * The discovery document and WebFinger answer, shaped like mojeID's.
 *
 * oidc-provider writes the document; this turns it into what mojeID publishes. Both modes drop
 * what mojeID does not advertise (field notes): `code_challenge_methods_supported` (PKCE is still
 * accepted), `end_session_endpoint` (logout is the page of ch. 7) and
 * `authorization_response_iss_parameter_supported` (the callback still carries `iss`, as mojeID's
 * pyoidc adds it).
 *
 * The simulator's modes, where production (discovery document of October 2024, field notes) and
 * the manual 3.1.4 differ:
 *
 * | | `'production'` (default) | `'manual'` |
 * |---|---|---|
 * | `acr_values_supported` | `""`, `pwd`, `mod-pr`, `phr`, `http://eidas.europa.eu/LoA/substantial`, `…/LoA/high` | §5.1.12: `http://eidas.europa.eu/oidc/assurance_level/substantial`, `…/high` |
 * | `acr` in the ID token | a requested value of the list above (`acr.ts`) | a requested value of the list above |
 * | `claims_supported` | production's names: Appendix 1 with `mojeid_url_twiter` for `mojeid_url_twitter`, plus `preferred_username`, `picture`, `mojeid_username`, ship2/ship3 … | Appendix 1 (§9.1) |
 * | claims withheld at the consent page | `null` ("without a value", login-response-processing) | left out |
 *
 * Everything else is the same in both modes and as close to production's document as
 * oidc-provider allows; `test/simulator/discovery-production.test.ts` lists, key by key, where it
 * cannot be and why.
 *
 * @module
 */
import { ACR_VALUES_SUPPORTED } from './acr.js';
import { claimsSupported } from './claims.js';
import type { SimulatorMode } from './types.js';

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

/**
 * The order production lists values in, for lists oidc-provider writes in an order of its own.
 * Only the order changes: a value production lacks stays, after the known ones.
 */
const PRODUCTION_ORDER: Readonly<Record<string, readonly string[]>> = {
  scopes_supported: ['address', 'phone', 'openid2', 'email', 'offline_access', 'openid', 'profile'],
  response_modes_supported: ['query', 'fragment', 'form_post'],
  token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'client_secret_jwt', 'private_key_jwt'],
};

/** Production lists signing algorithms by family (RS, ES, HS, PS), then by hash size. */
const ALGORITHM_ORDER = ['RS', 'ES', 'HS', 'PS'];

function algorithmRank(alg: string): number {
  const family = ALGORITHM_ORDER.indexOf(alg.slice(0, 2));
  const size = Number(alg.slice(2));
  return family === -1 || !Number.isInteger(size) ? Number.MAX_SAFE_INTEGER : family * 1000 + size;
}

function ordered(values: readonly string[], rank: (value: string) => number): string[] {
  return values
    .map((value, index) => ({ value, index, rank: rank(value) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((entry) => entry.value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** Rewrite oidc-provider's discovery document into mojeID's shape for the simulator's mode. */
export function mojeidDiscoveryDocument(document: Record<string, unknown>, mode: SimulatorMode = 'production'): Record<string, unknown> {
  const out: Record<string, unknown> = { ...document };
  for (const key of NOT_ADVERTISED) delete out[key];
  out['claims_supported'] = claimsSupported(mode);
  out['acr_values_supported'] = [...ACR_VALUES_SUPPORTED[mode]];
  for (const [key, order] of Object.entries(PRODUCTION_ORDER)) {
    const values = out[key];
    if (isStringList(values)) out[key] = ordered(values, (v) => (order.includes(v) ? order.indexOf(v) : order.length));
  }
  for (const [key, values] of Object.entries(out)) {
    if (key.endsWith('_signing_alg_values_supported') && isStringList(values)) out[key] = ordered(values, algorithmRank);
  }
  // oidc-provider hands aggregated and distributed claims through (`_claim_names`,
  // `_claim_sources`) but advertises only `normal`; production lists all three.
  out['claim_types_supported'] = ['normal', 'aggregated', 'distributed'];
  // Production advertises the methods for revocation and introspection without publishing either
  // endpoint; they are its token endpoint's, so the simulator copies those.
  for (const endpoint of ['revocation', 'introspection']) {
    out[`${endpoint}_endpoint_auth_methods_supported`] = out['token_endpoint_auth_methods_supported'];
    out[`${endpoint}_endpoint_auth_signing_alg_values_supported`] = out['token_endpoint_auth_signing_alg_values_supported'];
  }
  // What production says it lacks; true of the simulator as well (logout is the page of ch. 7,
  // `request_uri` is not supported).
  out['require_request_uri_registration'] = false;
  out['frontchannel_logout_supported'] = false;
  out['frontchannel_logout_session_supported'] = false;
  out['backchannel_logout_supported'] = false;
  out['backchannel_logout_session_supported'] = false;
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
