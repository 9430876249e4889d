/**
 * From an account's claims to the claims the simulator may release, and which claims a request
 * asks for. The claim names, scopes and "Only for full access" marks come from the Appendix 1
 * (§9.1) catalogue in `src/claims/catalogue.ts`.
 *
 * @module
 */
import { CLAIM_CATALOGUE, type ClaimDefinition } from 'passport-mojeid-oidc';
import type { SimulatorAccount, SimulatorMode } from './types.js';

const CATALOGUE: readonly ClaimDefinition[] = CLAIM_CATALOGUE;

/**
 * Scopes mojeID supports: `openid` plus the groups of §5.1.6 (`profile`, `email`, `phone`,
 * `address`), `openid2` for the OpenID 2.0 migration identifier (§5.3.2) and `offline_access`
 * (advertised in the test instance's discovery document).
 */
export const SCOPES = ['openid', 'profile', 'email', 'phone', 'address', 'openid2', 'offline_access'] as const;

/** Claims Appendix 1 (§9.1) marks "Only for full access". */
const FULL_ACCESS_ONLY: ReadonlySet<string> = new Set(CATALOGUE.filter((d) => d.fullAccessOnly).map((d) => d.name));

/** Names that must never be copied as own keys onto a plain object. */
const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * oidc-provider's `claims` configuration: each scope with the claims it releases, and every
 * `mojeid_*` claim on its own (`null`), requestable only through the `claims` parameter (§5.1.6).
 * `acr`, `auth_time`, `sid` and `iss` are oidc-provider's defaults and stay. `amr` rides with
 * `openid`, so every ID token says how the account logged in (RFC 8176; see `acr.ts`).
 */
export function providerClaimsConfiguration(): Record<string, string[] | null> {
  const config: Record<string, string[] | null> = { openid: ['sub', 'amr'], acr: null, auth_time: null, sid: null, iss: null };
  for (const definition of CATALOGUE) {
    if (definition.scope) {
      const members = config[definition.scope] ?? [];
      members.push(definition.name);
      config[definition.scope] = members;
    } else {
      config[definition.name] = null;
    }
  }
  return config;
}

/**
 * `claims_supported` for discovery, in catalogue order. Production: `sub` and the names its
 * discovery document lists, which are Appendix 1's except `mojeid_url_twitter`, spelled
 * `mojeid_url_twiter` there, plus the catalogue's undocumented claims (field notes). Manual: `sub`
 * and Appendix 1 (§9.1) alone.
 */
export function claimsSupported(mode: SimulatorMode): string[] {
  const names = CATALOGUE.filter((d) => (mode === 'manual' ? d.documented : d.name !== 'mojeid_url_twitter')).map((d) => d.name);
  return ['sub', ...names];
}

/**
 * Everything the account may hand over to a client: all its claims and its `sub`, without the
 * full-access-only ones for clients that lack full access (Appendix 1 (§9.1), ch. 8).
 * oidc-provider then masks this by the granted scopes, requested claims and withheld claims.
 */
export function releasableClaims(account: SimulatorAccount, sub: string, fullAccess: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(account.claims)) {
    if (UNSAFE_KEYS.has(name)) continue;
    if (!fullAccess && FULL_ACCESS_ONLY.has(name)) continue;
    out[name] = value;
  }
  out['sub'] = sub;
  return out;
}

/**
 * Production mode: the claims the user withheld at the consent page, present as `null`, as mojeID
 * returns data the user did not release "without a value" (login-response-processing). The
 * claims are granted so oidc-provider lets them through; only their values are dropped.
 */
export function withWithheldAsNull(claims: Record<string, unknown>, withheld: readonly string[]): Record<string, unknown> {
  const out = { ...claims };
  for (const name of withheld) if (!UNSAFE_KEYS.has(name) && name !== 'sub') out[name] = null;
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Claim names under `userinfo` and `id_token` of a `claims` request parameter (§5.1.6). */
function namesInClaimsParameter(claims: unknown): Set<string> {
  const names = new Set<string>();
  let parsed: unknown = claims;
  if (typeof claims === 'string') {
    try {
      parsed = JSON.parse(claims);
    } catch {
      return names;
    }
  }
  if (!isRecord(parsed)) return names;
  for (const container of ['userinfo', 'id_token']) {
    const members = parsed[container];
    if (isRecord(members)) for (const name of Object.keys(members)) names.add(name);
  }
  return names;
}

/**
 * The catalogued claims a request asks for, through its scopes or its `claims` parameter, in
 * Appendix 1 order: what the consent page lists. Full-access-only claims are left out for a
 * client without full access, since they are never released to it.
 */
export function requestedClaims(scope: unknown, claims: unknown, fullAccess: boolean): ClaimDefinition[] {
  const scopes = new Set(typeof scope === 'string' ? scope.split(' ') : []);
  const named = namesInClaimsParameter(claims);
  return CATALOGUE.filter(
    (d) => ((d.scope !== undefined && scopes.has(d.scope)) || named.has(d.name)) && (fullAccess || !d.fullAccessOnly),
  );
}

/** A claim value as text for the consent page. */
export function displayValue(value: unknown): string {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
