/**
 * The one error map: whatever went wrong, and wherever, becomes a `MojeIdError` with a stable code
 * here, through `toMojeIdError(error, context)`, and nowhere else. The context says where it
 * happened, because the same low-level failure means different things in different places (a
 * timeout at the token endpoint is `provider_unavailable`, a throw in the app's verify callback
 * `verify_failed`, a store that throws during renewal `credential_store_failed`). Appendix 6.6
 * names the JSON errors mojeID returns; RFC 6749 §4.1.2.1 and OIDC Core §3.1.2.6 the ones an
 * authorization response may carry.
 */
import * as oidc from 'openid-client';
import { ResponseTooLargeError } from './bounded-fetch.js';
import { describeCause } from './describe-cause.js';
import {
  AuthorizationError,
  CallbackError,
  ClientRegistrationError,
  CredentialStoreError,
  MojeIdError,
  ProviderUnavailableError,
  type MojeIdErrorCode,
  RefreshTokenError,
  ResponseValidationError,
} from './errors.js';

/**
 * Where a failure happened:
 * - `token`: a request to the token or revocation endpoint, or the ID token's validation;
 * - `refresh`: a refresh-token grant (offline access), where `invalid_grant` means the token is dead;
 * - `userinfo`: the UserInfo request and its `sub` check;
 * - `login`, `callback`: starting or finishing a login (the strategy and its routes);
 * - `logout`, `register`, `prefill`, `page`: the library's other routes and pages;
 * - `verify`, `registration-data`, `openid2-lookup`: a callback of the app's own failed
 *   (`verify`, `registrationData`, `findUserByOpenId2Id`);
 * - `session-store`: express-session's store failed before the library's routes ran;
 * - `renewal`: renewing a dynamic registration's secret (§5.1.3);
 * - `credential-load`, `credential-save`: a credential store's `load` or `save`.
 */
export type ErrorContext =
  | 'token'
  | 'refresh'
  | 'userinfo'
  | RequestContext
  | 'verify'
  | 'registration-data'
  | 'openid2-lookup'
  | 'session-store'
  | 'renewal'
  | 'credential-load'
  | 'credential-save';

/** The library's routes: where a request it handles can fail. */
export type RequestContext = 'login' | 'callback' | 'logout' | 'register' | 'prefill' | 'page';

/** The app's callbacks, as their failure is described (their own error is the `cause`). */
const APP_CALLBACKS = {
  verify: 'the verify callback reported an error',
  'registration-data': 'registrationData threw',
  'openid2-lookup': 'findUserByOpenId2Id reported an error',
} as const;

/**
 * `error` as a `MojeIdError` with the code it means in `context`. A `MojeIdError` is returned as
 * it is: it was given its code where it was made, with more to go on than here.
 */
export function toMojeIdError(error: unknown, context: ErrorContext): MojeIdError {
  if (error instanceof MojeIdError) return error;
  switch (context) {
    case 'token':
      return codeGrantError(error);
    case 'refresh':
      return refreshError(error);
    case 'userinfo':
      return userInfoError(error);
    case 'verify':
    case 'registration-data':
    case 'openid2-lookup':
      return new MojeIdError('verify_failed', APP_CALLBACKS[context], { status: 500, cause: error });
    case 'session-store':
      return new MojeIdError('session_store_failed', 'the session store did not answer while a mojeID request was handled; nothing was stored', {
        status: 503,
        ...(error instanceof Error ? { cause: error } : {}),
      });
    case 'renewal':
      return new ClientRegistrationError(`renewal failed: ${describeCause(error)}`, { cause: error });
    case 'credential-load':
      return new CredentialStoreError(`loading the client credentials failed: ${describeCause(error)}`, error);
    case 'credential-save':
      return new CredentialStoreError(`saving the client credentials failed: ${describeCause(error)}`, error);
    default:
      return requestError(error, context);
  }
}

/**
 * A failure while the library handled a request. Body-parser and other middleware errors carry a
 * 4xx status: the request was malformed (`invalid_callback` on the callback, where the browser
 * brings what the provider sent; `bad_request` elsewhere). Anything else is the library's (or the
 * machine's) fault: `internal_error`.
 */
function requestError(error: unknown, context: RequestContext): MojeIdError {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new MojeIdError(context === 'callback' ? 'invalid_callback' : 'bad_request', 'malformed request', { status });
  }
  // Only an Error as the cause: anything else reaching here may be an outcome object (a profile,
  // tokens) that must not travel to onError or a log.
  return new MojeIdError('internal_error', 'unexpected error while handling a mojeID request', { status: 500, ...(error instanceof Error ? { cause: error } : {}) });
}

/**
 * Failures that mean "not logged in" (Passport's `fail`: the app's failure redirect or handler),
 * as opposed to faults of the setup or the machine (Passport's `error`: `next(err)`).
 */
export function isAuthenticationFailure(error: MojeIdError): boolean {
  return !FAULTS.has(error.code);
}

const FAULTS: ReadonlySet<MojeIdErrorCode> = new Set<MojeIdErrorCode>([
  'provider_unavailable',
  'session_missing',
  'session_store_failed',
  'invalid_configuration',
  'verify_failed',
  'internal_error',
]);

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
function codeGrantError(error: unknown): MojeIdError {
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
function userInfoError(error: unknown): MojeIdError {
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

/** The token endpoint's refusal of a refresh token, and the code grant's mapping for everything else. */
function refreshError(error: unknown): MojeIdError {
  if (error instanceof oidc.ResponseBodyError && error.error === 'invalid_grant') {
    // RFC 6749 §5.2: invalid, expired, revoked, or issued to another client. Nothing tells these
    // apart, and each means the same to the app: this token will never work again.
    return new RefreshTokenError('mojeID refused the refresh token (invalid_grant): revoked by the user, expired, already rotated away, or issued to another client', {
      providerError: error.error,
      ...(error.error_description ? { providerDescription: error.error_description } : {}),
    });
  }
  return codeGrantError(error);
}
