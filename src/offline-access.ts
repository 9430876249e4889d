/**
 * Offline access (docs/offline-access.md): with a refresh token from a login that asked for
 * `offline_access` (manual ch. 3 "Refresh Token": "receive data from the UserInfo Endpoint even
 * without the user's presence"), the app reads the user's current claims later, e.g. to keep a
 * verified address up to date.
 *
 * Through the strategy's `ProviderClient`, so discovery, timeouts, proxy agents, the response size
 * cap and renewed client secrets (§5.1.3) apply as they do to logins.
 */
import * as oidc from 'openid-client';
import { normaliseClaims, type ClaimProblem } from './claims/normalise.js';
import type { MojeIdClaims } from './claims/types.js';
import { isClientAuthenticationFailure, toMojeIdError } from './error-mapping.js';
import { RefreshTokenError } from './errors.js';
import { mergeClaims } from './profile.js';
import type { MojeIdStrategy } from './strategy.js';

/** A strategy, or anything that carries one (the router `mojeid()` returns). */
export type StrategySource = MojeIdStrategy | { readonly strategy: MojeIdStrategy };

export interface RefreshClaimsInput {
  /** The refresh token kept from the login (opened with `openSealedToken` when stored sealed). */
  readonly refreshToken: string;
  /** The user's `sub` (`profile.id` at the login): UserInfo must answer for this user. */
  readonly sub: string;
}

export interface RefreshedClaims {
  readonly sub: string;
  /** UserInfo now, normalised like a login's `profile.claims`. */
  readonly claims: MojeIdClaims;
  readonly claimProblems: readonly ClaimProblem[];
  /** UserInfo as received. */
  readonly userinfo: Readonly<Record<string, unknown>>;
  /**
   * The refresh token to keep from now on: the new one when mojeID rotated it (the old one is
   * then dead, and using it again may end the whole grant), else the one passed in.
   */
  readonly refreshToken: string;
  /** Whether `refreshToken` is a new token that must replace the stored one. */
  readonly rotated: boolean;
  readonly scope: string | undefined;
}

const MAX_REFRESH_TOKEN_LENGTH = 4096;

function strategyOf(source: StrategySource): MojeIdStrategy {
  const strategy = 'provider' in source ? source : source.strategy;
  if (!strategy || typeof (strategy as { provider?: unknown }).provider !== 'object') {
    throw new TypeError('expected a MojeIdStrategy or the router mojeid() returns');
  }
  return strategy;
}

function isSubjectMismatch(error: unknown): boolean {
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  return code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED' && (cause as { attribute?: unknown } | undefined)?.attribute === 'sub';
}

/**
 * Exchanges a stored refresh token (RFC 6749 §6) and reads UserInfo with the new access token.
 * Throws `RefreshTokenError` (`refresh_token_invalid`) when the token is dead, `provider_unavailable`
 * when mojeID cannot be reached (keep the token and try later), `unauthorized_client` when the
 * client credentials are refused, `userinfo_failed` / `token_validation_failed` for bad answers.
 */
export async function refreshMojeIdClaims(source: StrategySource, input: RefreshClaimsInput): Promise<RefreshedClaims> {
  const strategy = strategyOf(source);
  const { refreshToken, sub } = input;
  if (typeof sub !== 'string' || sub === '') throw new TypeError('refreshMojeIdClaims: sub must be the user\'s mojeID sub (profile.id)');
  if (typeof refreshToken !== 'string' || refreshToken === '' || refreshToken.length > MAX_REFRESH_TOKEN_LENGTH) {
    throw new RefreshTokenError('not a refresh token (empty or far too long); nothing was sent to mojeID');
  }
  let configuration = await strategy.provider.configuration();
  let tokens: Awaited<ReturnType<typeof oidc.refreshTokenGrant>>;
  try {
    tokens = await oidc.refreshTokenGrant(configuration, refreshToken);
  } catch (cause) {
    // §5.1.3: a secret renewed meanwhile (here or on another instance); the provider checks the
    // client before the token, so the token is unused and one retry with the new secret is safe.
    const renewed = isClientAuthenticationFailure(cause) ? await strategy.provider.configurationAfterClientRefusal(configuration) : undefined;
    if (!renewed) throw toMojeIdError(cause, 'refresh');
    configuration = renewed;
    try {
      tokens = await oidc.refreshTokenGrant(configuration, refreshToken);
    } catch (retryCause) {
      throw toMojeIdError(retryCause, 'refresh');
    }
  }
  // pyoidc may or may not send a new ID token with a refresh; openid-client has validated one
  // that came (signature, iss, aud, exp). It must be about the same user (OIDC Core §12.2).
  const idToken = tokens.claims();
  if (idToken && idToken.sub !== sub) {
    throw new RefreshTokenError('the refresh token belongs to another mojeID user than the sub it was stored with');
  }
  let userinfo: Record<string, unknown>;
  try {
    userinfo = { ...(await oidc.fetchUserInfo(configuration, tokens.access_token, sub)) };
  } catch (cause) {
    // A refresh token of another user answers UserInfo for that user: openid-client's sub check.
    if (isSubjectMismatch(cause)) throw new RefreshTokenError('the refresh token belongs to another mojeID user than the sub it was stored with', {}, cause);
    throw toMojeIdError(cause, 'userinfo');
  }
  const { claims, problems } = normaliseClaims(mergeClaims({ ...(idToken ?? {}), sub }, userinfo));
  const next = tokens.refresh_token ?? refreshToken;
  return Object.freeze({
    sub,
    claims,
    claimProblems: problems,
    userinfo: Object.freeze(userinfo),
    refreshToken: next,
    rotated: next !== refreshToken,
    scope: tokens.scope,
  });
}

/** What `revokeMojeIdRefreshToken` did. */
export type RevocationOutcome = 'revoked' | 'not_supported';

/**
 * RFC 7009 revocation, when mojeID's discovery names a `revocation_endpoint`. Production's does
 * not (2024-10: it lists revocation auth methods, but no endpoint), and then nothing is sent:
 * `not_supported`. Either way the app deletes its copy; the user ends the service's access in
 * their mojeID profile (docs/offline-access.md).
 */
export async function revokeMojeIdRefreshToken(source: StrategySource, refreshToken: string): Promise<RevocationOutcome> {
  const strategy = strategyOf(source);
  const configuration = await strategy.provider.configuration();
  if (typeof configuration.serverMetadata().revocation_endpoint !== 'string') return 'not_supported';
  try {
    await oidc.tokenRevocation(configuration, refreshToken, { token_type_hint: 'refresh_token' });
  } catch (cause) {
    throw toMojeIdError(cause, 'token');
  }
  return 'revoked';
}
