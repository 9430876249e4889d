/**
 * Every failure the library reports is a `MojeIdError` with a stable `code`, meant for programs
 * (branch on `err.code`, never on the message). Messages are for developers and logs: they never
 * contain tokens, secrets or personal data. What a person sees comes from `views/messages.ts`,
 * keyed by the same code.
 */

export type MojeIdErrorCode =
  | 'invalid_configuration'
  | 'session_missing'
  | 'provider_unavailable'
  | 'access_denied'
  | 'login_required'
  | 'unauthorized_client'
  | 'provider_error'
  | 'invalid_callback'
  | 'bad_request'
  | 'state_mismatch'
  | 'token_validation_failed'
  | 'userinfo_failed'
  | 'insufficient_assurance'
  | 'missing_required_claims'
  | 'account_not_accepted'
  | 'csrf_failed'
  | 'passport_misconfigured'
  | 'login_refused'
  | 'verify_failed'
  | 'internal_error'
  | 'registration_refused'
  | 'registration_unavailable'
  | 'notification_refused'
  | 'client_registration_failed'
  | 'registration_change_refused'
  | 'credential_store_failed'
  | 'refresh_token_invalid'
  | 'sealed_token_invalid'
  | 'openid2_id_invalid'
  | 'session_store_failed';

export interface MojeIdErrorOptions {
  /** HTTP status the library's own pages answer with. */
  status?: number;
  cause?: unknown;
  /** The provider's OAuth `error` value as received: outside text, kept out of the message. */
  providerError?: string;
  /** The provider's `error_description` as received (at most 200 characters): outside text too. */
  providerDescription?: string;
}

export class MojeIdError extends Error {
  readonly code: MojeIdErrorCode;
  readonly status: number;
  /**
   * What the provider (or whoever sent the callback: anyone can get a valid `state` by starting a
   * login) said, as received. Never part of `message`, which is the library's own text, so a log
   * line cannot be forged through it; loggers print these as separate, quoted fields.
   */
  readonly providerError: string | undefined;
  readonly providerDescription: string | undefined;

  constructor(code: MojeIdErrorCode, message: string, options: MojeIdErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status ?? 400;
    this.providerError = options.providerError;
    this.providerDescription = options.providerDescription?.slice(0, 200);
  }
}

export interface ConfigurationIssue {
  /** The option name, e.g. `clientId`. */
  readonly option: string;
  /** The environment variable that sets it, e.g. `MOJEID_CLIENT_ID`. */
  readonly variable: string;
  /** What is wrong and what is expected, without echoing secret values. */
  readonly message: string;
}

/** Thrown at start-up; lists every problem at once so one restart fixes them all. */
export class ConfigurationError extends MojeIdError {
  readonly issues: readonly ConfigurationIssue[];

  constructor(issues: readonly ConfigurationIssue[]) {
    const lines = issues.map((i) => `  - ${i.variable} (option ${i.option}): ${i.message}`);
    super('invalid_configuration', `mojeID configuration is invalid:\n${lines.join('\n')}`, { status: 500 });
    this.issues = issues;
  }
}

/** mojeID (or the configured issuer) could not be reached or answered nonsense; retried later. */
export class ProviderUnavailableError extends MojeIdError {
  constructor(message: string, cause?: unknown) {
    super('provider_unavailable', message, { status: 503, cause });
  }
}

/**
 * The provider answered the authorization request with an error (Appendix 6.6 and OIDC Core
 * §3.1.2.6). `providerError` is the OAuth `error` value as received.
 */
export class AuthorizationError extends MojeIdError {
  declare readonly providerError: string;

  constructor(code: MojeIdErrorCode, providerError: string, message: string, cause?: unknown, providerDescription?: string) {
    super(code, message, { status: code === 'unauthorized_client' ? 502 : 401, cause, providerError, ...(providerDescription === undefined ? {} : { providerDescription }) });
  }
}

/** The callback request itself is unusable: malformed, unknown or reused state, replay. */
export class CallbackError extends MojeIdError {
  constructor(code: 'invalid_callback' | 'state_mismatch', message: string, cause?: unknown, provider: { providerError?: string; providerDescription?: string } = {}) {
    super(code, message, { status: 400, cause, ...provider });
  }
}

/**
 * Why a callback's `state` matched no pending login, as far as the request can tell:
 * - `no_state`: the callback carries no `state` at all;
 * - `no_session_cookie`: the browser sent no session cookie, so it never kept the one set when the
 *   login started (a `secure` cookie over http, `SameSite=Strict`, another host name, another
 *   browser, or a session that expired with the login);
 * - `session_not_found`: a session cookie came back but the session store has no session for it
 *   (store emptied or not shared, a restart with MemoryStore, a changed session secret);
 * - `expired`: the login was started longer ago than `pendingLoginTtl`;
 * - `already_used`: this session finished (or failed) that login already: the callback was loaded
 *   again (back button, reload);
 * - `not_in_session`: the session is there but never started that login (another browser or
 *   profile, or the session was replaced since, e.g. by logging out).
 */
export type StateMismatchReason = 'no_state' | 'no_session_cookie' | 'session_not_found' | 'expired' | 'already_used' | 'not_in_session';

/**
 * `state_mismatch` with the reason and what to change. `hint` is for the developer (logs, and the
 * error page outside production): it names settings, never request data.
 */
export class StateMismatchError extends CallbackError {
  readonly reason: StateMismatchReason;
  readonly hint: string;

  constructor(reason: StateMismatchReason, message: string, hint: string) {
    super('state_mismatch', `${message}. ${hint}`);
    this.reason = reason;
    this.hint = hint;
  }
}

/**
 * The app's Passport wiring cannot keep a login: no `serializeUser`/`deserializeUser`, no
 * `passport.session()`, or a `deserializeUser` that finds nobody for the user just logged in.
 * The message names the missing piece; a person sees only that the login is not set up.
 */
export class PassportSetupError extends MojeIdError {
  readonly missing: 'serializeUser' | 'deserializeUser' | 'passport.session()' | 'deserialized user';

  constructor(missing: PassportSetupError['missing'], message: string) {
    super('passport_misconfigured', message, { status: 500 });
    this.missing = missing;
  }
}

/** A token or UserInfo response failed validation: never trust any of its content. */
export class ResponseValidationError extends MojeIdError {
  constructor(code: 'token_validation_failed' | 'userinfo_failed', message: string, cause?: unknown, provider: { providerError?: string; providerDescription?: string } = {}) {
    super(code, message, { status: 502, cause, ...provider });
  }
}

/**
 * §5.1.12, §4.3.1: the ID token's `acr` does not reach the eIDAS level or the login method the
 * app asked for (docs/assurance.md).
 */
export class AssuranceLevelError extends MojeIdError {
  /** The `acr` value requested (the weakest that would have done). */
  readonly requested: string;
  readonly received: string | undefined;

  constructor(requested: string, received: string | undefined, requirement = requested) {
    super(
      'insufficient_assurance',
      `the ID token's acr (${received === undefined ? 'absent' : JSON.stringify(received)}) does not satisfy the required ${requirement} (${requested})`,
      { status: 403 },
    );
    this.requested = requested;
    this.received = received;
  }
}

/** Appendix 7 point 4: the user withheld data the app marked essential. */
export class MissingClaimsError extends MojeIdError {
  readonly claims: readonly string[];

  constructor(claims: readonly string[]) {
    super('missing_required_claims', `required claims were not released: ${claims.join(', ')}`, { status: 403 });
    this.claims = claims;
  }
}

export type AccountRequirement = 'validated' | 'adult' | 'nia';

/** login-response-processing.txt: the app accepts only validated / adult / NIA-verified accounts. */
export class AccountNotAcceptedError extends MojeIdError {
  readonly unmet: readonly AccountRequirement[];

  constructor(unmet: readonly AccountRequirement[]) {
    super('account_not_accepted', `the mojeID account does not meet: ${unmet.join(', ')}`, { status: 403 });
    this.unmet = unmet;
  }
}

/**
 * §5.1.3: mojeID refused or could not process a client registration request (registration,
 * reading, changing or rotating the secret). `providerError` is the OAuth `error` it answered
 * (Appendix 6.6), when it answered one; the message adds what to check.
 */
export class ClientRegistrationError extends MojeIdError {
  /** The HTTP status mojeID answered with, when it answered. */
  readonly httpStatus: number | undefined;

  constructor(message: string, details: { providerError?: string; providerDescription?: string; httpStatus?: number; cause?: unknown } = {}) {
    const { httpStatus, cause, ...provider } = details;
    super('client_registration_failed', message, { status: 502, cause, ...provider });
    this.httpStatus = httpStatus;
  }
}

/** §5.1.3: `redirect_uris` and `client_id` of a registration cannot change; refused before sending. */
export class RegistrationChangeRefusedError extends MojeIdError {
  readonly fields: readonly string[];

  constructor(fields: readonly string[], message: string) {
    super('registration_change_refused', message, { status: 400 });
    this.fields = fields;
  }
}

/** A credential store could not load or save the client credentials, or holds something else. */
export class CredentialStoreError extends MojeIdError {
  constructor(message: string, cause?: unknown) {
    super('credential_store_failed', message, { status: 500, cause });
  }
}

/**
 * Account creation (§6.1) could not start: the app gave no local user (not logged in, already
 * linked), or asked for the transfer variant when it is off or without a contact id.
 */
export class RegistrationRefusedError extends MojeIdError {
  constructor(message: string, status = 403) {
    super('registration_refused', message, { status });
  }
}

/**
 * Why a registration notification (§6.2, §6.3) was refused. Only decisions about the content are
 * answered `mode:reject` (`rejected_by_app`, and `unknown_nonce` when the nonce was already used
 * for another `sub`); every other refusal is a plain-text status outside the key-value format, so
 * mojeID sends the message to the next `assertion_uris` address (§6.3): the first three 403 (the
 * sender is not proven to be mojeID), `body_too_large` 413, `malformed` and `unknown_status` 400,
 * an unknown `unknown_nonce` 404, `temporary_failure` 500 (the store or the app's hook failed).
 */
export type NotificationRefusal =
  | 'certificate_missing'
  | 'certificate_invalid'
  | 'untrusted_proxy_header'
  | 'body_too_large'
  | 'malformed'
  | 'unknown_status'
  | 'unknown_nonce'
  | 'rejected_by_app'
  | 'temporary_failure';

/** Reported to `onError` for every refused notification; never shown to a person. */
export class RegistrationNotificationError extends MojeIdError {
  readonly refusal: NotificationRefusal;

  constructor(refusal: NotificationRefusal, message: string, status: number) {
    super('notification_refused', message, { status });
    this.refusal = refusal;
  }
}

/**
 * Offline access (docs/offline-access.md): mojeID refused a stored refresh token (`invalid_grant`:
 * revoked by the user in their mojeID profile, expired, already rotated away, or issued to another
 * client), or the token it answered with belongs to another `sub`. The token is of no further use:
 * delete it, and unlink or ask the user to log in again.
 */
export class RefreshTokenError extends MojeIdError {
  constructor(message: string, provider: { providerError?: string; providerDescription?: string } = {}, cause?: unknown) {
    super('refresh_token_invalid', message, { status: 401, cause, ...provider });
  }
}

/**
 * `openSealedToken` could not open a sealed token: a wrong or rotated key, a changed or truncated
 * value, or a format this version does not know. Never says which, as a padding oracle would.
 */
export class SealedTokenError extends MojeIdError {
  constructor(message: string) {
    super('sealed_token_invalid', message, { status: 500 });
  }
}

/**
 * Why an `openid2_id` was not used to link an OpenID 2.0 account (OpenID 2.0 to OpenID Connect
 * Migration 1.0 §5-§6, docs/migrating-from-openid2.md):
 * - `not_in_id_token`: it came in UserInfo only, which is not signed by mojeID for this login;
 * - `mismatch`: the ID token and UserInfo name different identifiers;
 * - `not_a_url`: not an absolute http(s) URL, or one with credentials;
 * - `foreign_host`: a host mojeID is not authoritative for.
 */
export type OpenId2Refusal = 'not_in_id_token' | 'mismatch' | 'not_a_url' | 'foreign_host';

/** The login carried an `openid2_id` that may not be linked to a local account; nothing was linked. */
export class OpenId2MigrationError extends MojeIdError {
  readonly refusal: OpenId2Refusal;

  constructor(refusal: OpenId2Refusal, message: string) {
    super('openid2_id_invalid', message, { status: 403 });
    this.refusal = refusal;
  }
}

export function isMojeIdError(value: unknown): value is MojeIdError {
  return value instanceof MojeIdError;
}
