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

function tooLarge(error: unknown): ResponseTooLargeError | undefined {
  for (const e of causes(error)) if (e instanceof ResponseTooLargeError) return e;
  return undefined;
}

/** An `error` parameter on the callback: the user declined, or the provider refused the request. */
export function mapAuthorizationResponseError(error: string, description: string | undefined): AuthorizationError {
  const detail = description ? `${error}: ${description.slice(0, 200)}` : error;
  if (error === 'access_denied') return new AuthorizationError('access_denied', error, `the user declined the login at mojeID (${detail})`);
  if (LOGIN_REQUIRED.has(error)) return new AuthorizationError('login_required', error, `mojeID cannot log the user in without interaction (${detail})`);
  if (error === 'unauthorized_client' || error === 'invalid_client') {
    return new AuthorizationError('unauthorized_client', error, `mojeID refused the client (${detail}); check MOJEID_CLIENT_ID and the environment (test vs production)`);
  }
  return new AuthorizationError('provider_error', error, `mojeID answered the authorization request with an error (${detail})`);
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
      `the token endpoint refused the client credentials (${challenge}); check MOJEID_CLIENT_ID, MOJEID_CLIENT_SECRET, MOJEID_TOKEN_AUTH_METHOD (it must match the registration) and MOJEID_ENV`,
    );
  }
  if (error instanceof oidc.ResponseBodyError) {
    const detail = error.error_description ? `${error.error}: ${error.error_description.slice(0, 200)}` : error.error;
    if (error.error === 'invalid_client' || error.error === 'unauthorized_client') {
      // Appendix 6.6 and field notes: wrong client_id/secret, the wrong token endpoint auth method,
      // or credentials of the test instance used against production (or the other way round).
      return new AuthorizationError(
        'unauthorized_client',
        error.error,
        `the token endpoint refused the client credentials (${detail}); check MOJEID_CLIENT_ID, MOJEID_CLIENT_SECRET, MOJEID_TOKEN_AUTH_METHOD (it must match the registration) and MOJEID_ENV`,
      );
    }
    if (error.error === 'invalid_grant') {
      return new CallbackError('invalid_callback', `the authorization code was refused (${detail}): already used, expired, or issued to another client`);
    }
    return new ResponseValidationError('token_validation_failed', `the token endpoint answered with an error (${detail})`);
  }
  const large = tooLarge(error);
  if (large) return new ResponseValidationError('token_validation_failed', large.message);
  if (isNetworkFailure(error)) return new ProviderUnavailableError(`mojeID did not answer in time: ${describeCause(error)}`, error);
  return new ResponseValidationError('token_validation_failed', `the response from mojeID failed validation: ${describeCause(error)}`, error);
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
  if (isNetworkFailure(error)) return new ProviderUnavailableError(`mojeID's UserInfo endpoint did not answer in time: ${describeCause(error)}`, error);
  if (error instanceof oidc.WWWAuthenticateChallengeError) {
    return new ResponseValidationError('userinfo_failed', `the UserInfo endpoint refused the access token (HTTP ${error.status})`);
  }
  if (error instanceof oidc.ResponseBodyError) {
    return new ResponseValidationError('userinfo_failed', `the UserInfo endpoint answered with an error (${error.error})`);
  }
  return new ResponseValidationError('userinfo_failed', `the UserInfo response failed validation: ${describeCause(error)}`, error);
}
