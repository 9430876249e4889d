/**
 * One place that turns openid-client / network failures into `MojeIdError`s with stable codes.
 * Appendix 6.6 names the JSON errors mojeID returns; RFC 6749 §4.1.2.1 and OIDC Core §3.1.2.6
 * the ones an authorization response may carry.
 */
import * as oidc from 'openid-client';
import {
  AuthorizationError,
  CallbackError,
  MojeIdError,
  ProviderUnavailableError,
  type MojeIdErrorCode,
  ResponseValidationError,
} from './errors.js';
import { describeCause, ResponseTooLargeError } from './provider.js';

const LOGIN_REQUIRED = new Set(['login_required', 'interaction_required', 'consent_required', 'account_selection_required']);

/** The error and its `cause` chain: openid-client wraps low-level failures. */
function* causes(error: unknown): Generator<unknown> {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 5; depth += 1) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

function isNetworkFailure(error: unknown): boolean {
  for (const e of causes(error)) {
    const { name, code, message } = e as { name?: unknown; code?: unknown; message?: unknown };
    if (name === 'AbortError' || name === 'TimeoutError' || code === 'OAUTH_TIMEOUT' || code === 'OAUTH_ABORT') return true;
    // undici reports refused connections, resets and DNS failures as `TypeError: fetch failed`.
    if (name === 'TypeError' && typeof message === 'string' && /fetch failed/i.test(message)) return true;
  }
  return false;
}

/**
 * The cause kept on a reported error, without what mojeID sent: the library underneath attaches
 * the UserInfo body or the ID token's claims (birth date, ID-card number, bank account…) to its
 * errors' `cause`, and a reported error travels to `onError`, error trackers and logs (Appendix 7
 * point 4, data minimisation). Errors down the chain are copied with name, message, code and stack;
 * plain-object causes, where that data sits, are left out.
 */
function withoutResponseData(error: unknown, depth = 0): Error | undefined {
  if (!(error instanceof Error)) return undefined;
  const inner = depth < 5 ? withoutResponseData(error.cause, depth + 1) : undefined;
  const copy = new Error(error.message, inner ? { cause: inner } : undefined);
  copy.name = error.name;
  const { code } = error as { code?: unknown };
  if (typeof code === 'string') Object.assign(copy, { code });
  if (error.stack !== undefined) copy.stack = error.stack;
  return copy;
}

function tooLarge(error: unknown): ResponseTooLargeError | undefined {
  for (const e of causes(error)) if (e instanceof ResponseTooLargeError) return e;
  return undefined;
}

/**
 * An `error` parameter on the callback: the user declined, or the provider refused the request.
 * Anyone can send one with a valid `state` (by starting a login), so `error` and
 * `error_description` go into fields of the error, never into its message.
 */
export function mapAuthorizationResponseError(error: string, description: string | undefined): AuthorizationError {
  const make = (code: MojeIdErrorCode, message: string): AuthorizationError => new AuthorizationError(code, error, message, undefined, description);
  if (error === 'access_denied') return make('access_denied', 'the user declined the login at mojeID');
  if (LOGIN_REQUIRED.has(error)) return make('login_required', 'mojeID cannot log the user in without interaction');
  if (error === 'unauthorized_client' || error === 'invalid_client') {
    return make('unauthorized_client', 'mojeID refused the client; check MOJEID_CLIENT_ID and the environment (test vs production)');
  }
  return make('provider_error', 'mojeID answered the authorization request with an error (see providerError)');
}

/** Failures of the token request and ID token validation. */
export function mapCodeGrantError(error: unknown): MojeIdError {
  if (error instanceof MojeIdError) return error;
  if (error instanceof oidc.AuthorizationResponseError) {
    return mapAuthorizationResponseError(error.error, error.error_description);
  }
  if (error instanceof oidc.WWWAuthenticateChallengeError) {
    // A 401 with a WWW-Authenticate challenge instead of a JSON body: the client credentials.
    const challenge = error.cause[0]?.parameters.error ?? `HTTP ${error.status}`;
    return new AuthorizationError(
      'unauthorized_client',
      challenge,
      `the token endpoint refused the client credentials (HTTP ${error.status} with a challenge); check MOJEID_CLIENT_ID, MOJEID_CLIENT_SECRET, MOJEID_TOKEN_AUTH_METHOD (it must match the registration) and MOJEID_ENV`,
    );
  }
  if (error instanceof oidc.ResponseBodyError) {
    // The token endpoint's own words stay in fields, like the authorization response's.
    const provider = { providerError: error.error, ...(error.error_description ? { providerDescription: error.error_description } : {}) };
    if (error.error === 'invalid_client' || error.error === 'unauthorized_client') {
      // Appendix 6.6 and field notes: wrong client_id/secret, the wrong token endpoint auth method,
      // or credentials of the test instance used against production (or the other way round).
      return new AuthorizationError(
        'unauthorized_client',
        error.error,
        `the token endpoint refused the client credentials (${error.error}); check MOJEID_CLIENT_ID, MOJEID_CLIENT_SECRET, MOJEID_TOKEN_AUTH_METHOD (it must match the registration) and MOJEID_ENV`,
        undefined,
        provider.providerDescription,
      );
    }
    if (error.error === 'invalid_grant') {
      return new CallbackError('invalid_callback', 'the authorization code was refused (invalid_grant): already used, expired, or issued to another client', undefined, provider);
    }
    return new ResponseValidationError('token_validation_failed', 'the token endpoint answered with an error (see providerError)', undefined, provider);
  }
  const large = tooLarge(error);
  if (large) return new ResponseValidationError('token_validation_failed', large.message);
  if (isNetworkFailure(error)) return new ProviderUnavailableError(`mojeID did not answer in time: ${describeCause(error)}`, withoutResponseData(error));
  return new ResponseValidationError('token_validation_failed', `the response from mojeID failed validation: ${describeCause(error)}`, withoutResponseData(error));
}

/**
 * The token endpoint refused the client credentials (Appendix 6.6 `unauthorized_client`, RFC 6749
 * `invalid_client`, or a 401 challenge): what a renewed secret (§5.1.3) would cure.
 */
export function isClientAuthenticationFailure(error: unknown): boolean {
  if (error instanceof oidc.ResponseBodyError) return error.error === 'invalid_client' || error.error === 'unauthorized_client';
  return error instanceof oidc.WWWAuthenticateChallengeError && error.status === 401;
}

/** Failures of the UserInfo request and its `sub` check. */
export function mapUserInfoError(error: unknown): MojeIdError {
  if (error instanceof MojeIdError) return error;
  const large = tooLarge(error);
  if (large) return new ResponseValidationError('userinfo_failed', large.message);
  if (isNetworkFailure(error)) return new ProviderUnavailableError(`mojeID's UserInfo endpoint did not answer in time: ${describeCause(error)}`, withoutResponseData(error));
  if (error instanceof oidc.WWWAuthenticateChallengeError) {
    return new ResponseValidationError('userinfo_failed', `the UserInfo endpoint refused the access token (HTTP ${error.status})`);
  }
  if (error instanceof oidc.ResponseBodyError) {
    return new ResponseValidationError('userinfo_failed', 'the UserInfo endpoint answered with an error (see providerError)', undefined, { providerError: error.error });
  }
  return new ResponseValidationError('userinfo_failed', `the UserInfo response failed validation: ${describeCause(error)}`, withoutResponseData(error));
}
