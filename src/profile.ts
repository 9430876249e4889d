/**
 * The identity handed to the app's `verify` callback: Passport's usual profile fields (so code
 * written for other strategies reads it), plus everything mojeID-specific: the normalised claims
 * catalogue (Appendix 1), the raw ID token and UserInfo claims, the eIDAS level and the tokens.
 */
import type { AssuranceLevel } from './assurance.js';
import { assuranceLevelOf, loginMethodOf, type LoginMethod } from './assurance.js';
import type { ClaimProblem } from './claims/normalise.js';
import type { MojeIdClaims } from './claims/types.js';

export interface MojeIdTokens {
  readonly accessToken: string;
  readonly idToken: string;
  readonly tokenType: string;
  readonly expiresIn: number | undefined;
  readonly refreshToken: string | undefined;
  readonly scope: string | undefined;
}

export interface MojeIdProfile {
  readonly provider: 'mojeid';
  /** The `sub` claim: mojeID's stable identifier of the user for this client. Link accounts by it. */
  readonly id: string;
  readonly displayName: string | undefined;
  readonly name: { readonly givenName?: string; readonly familyName?: string };
  readonly emails: ReadonlyArray<{ readonly value: string; readonly verified?: boolean }>;
  readonly phoneNumbers: ReadonlyArray<{ readonly value: string; readonly verified?: boolean }>;
  /** ID token and UserInfo claims merged and normalised ("true" -> true, address strings -> objects). */
  readonly claims: MojeIdClaims;
  /** Values that could not be normalised were dropped; this says which and why (no values). */
  readonly claimProblems: readonly ClaimProblem[];
  readonly raw: {
    readonly idToken: Readonly<Record<string, unknown>>;
    readonly userinfo: Readonly<Record<string, unknown>> | undefined;
  };
  readonly issuer: string;
  readonly acr: string | undefined;
  /** The eIDAS level the `acr` proves (§5.1.12), if any. */
  readonly assuranceLevel: AssuranceLevel | undefined;
  readonly amr: readonly string[] | undefined;
  /** The login method the `acr` proves (`pwd`, `mod-pr`, `phr` in production; docs/assurance.md), if any. */
  readonly loginMethod: LoginMethod | undefined;
  /** Seconds since the epoch of the user's last active authentication at mojeID. */
  readonly authTime: number | undefined;
  readonly tokens: MojeIdTokens;
}

/** ID token claims that describe the token, not the person; never merged into `claims`. */
const PROTOCOL_CLAIMS = new Set(['iss', 'aud', 'exp', 'iat', 'nbf', 'nonce', 'azp', 'at_hash', 'c_hash', 's_hash', 'auth_time', 'acr', 'amr', 'sid', 'jti']);

/** UserInfo is fetched later than the ID token was minted, so its values win on conflict. */
export function mergeClaims(idToken: Readonly<Record<string, unknown>>, userinfo: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  const merged: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(idToken)) if (!PROTOCOL_CLAIMS.has(key)) merged[key] = value;
  for (const [key, value] of Object.entries(userinfo ?? {})) if (!PROTOCOL_CLAIMS.has(key) && key !== 'sub') merged[key] = value;
  merged['sub'] = idToken['sub'];
  return merged;
}

export function buildProfile(input: {
  claims: MojeIdClaims;
  claimProblems: readonly ClaimProblem[];
  idToken: Readonly<Record<string, unknown>>;
  userinfo: Readonly<Record<string, unknown>> | undefined;
  tokens: MojeIdTokens;
}): MojeIdProfile {
  const { claims, idToken } = input;
  const emails = typeof claims.email === 'string' ? [{ value: claims.email, ...(typeof claims.email_verified === 'boolean' ? { verified: claims.email_verified } : {}) }] : [];
  const phoneNumbers =
    typeof claims.phone_number === 'string'
      ? [{ value: claims.phone_number, ...(typeof claims.phone_number_verified === 'boolean' ? { verified: claims.phone_number_verified } : {}) }]
      : [];
  const joinedName = [claims.given_name, claims.family_name].filter((s): s is string => typeof s === 'string' && s !== '').join(' ');
  const amr = Array.isArray(idToken['amr']) ? idToken['amr'].filter((v): v is string => typeof v === 'string') : undefined;
  return Object.freeze({
    provider: 'mojeid',
    id: claims.sub,
    displayName: claims.name ?? (joinedName || claims.nickname || undefined),
    name: {
      ...(claims.given_name !== undefined ? { givenName: claims.given_name } : {}),
      ...(claims.family_name !== undefined ? { familyName: claims.family_name } : {}),
    },
    emails,
    phoneNumbers,
    claims,
    claimProblems: input.claimProblems,
    raw: { idToken, userinfo: input.userinfo },
    issuer: String(idToken['iss']),
    acr: typeof idToken['acr'] === 'string' ? idToken['acr'] : undefined,
    assuranceLevel: assuranceLevelOf(idToken['acr']),
    loginMethod: loginMethodOf(idToken['acr']),
    amr,
    authTime: typeof idToken['auth_time'] === 'number' ? idToken['auth_time'] : undefined,
    tokens: input.tokens,
  });
}
