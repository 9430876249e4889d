/**
 * mojeID's configuration endpoint (`registration_client_uri`, §5.1.3 "Information about
 * Registration" and "Registration Change"), authenticated with the registration access token:
 * - GET reads the registration;
 * - POST changes it: mojeID's own way, not RFC 7592's PUT. The body has the registration
 *   request's format; `redirect_uris` and `client_id` cannot change; a `client_secret` member
 *   (the manual sends `null`) makes mojeID generate a new secret and return it. That is also how a
 *   dynamic registration is renewed before its 24 hours run out.
 */
import { ClientRegistrationError, RegistrationChangeRefusedError } from '../errors.js';
import { registrationClientUrl, requestJson } from './http.js';
import { assertValidMetadata, changeBody } from './metadata.js';
import { parseClientRegistration } from './parse.js';
import type { ClientMetadataChanges, ClientRegistration, ClientRegistrationOptions, RegistrationAccess } from './types.js';

/** What §5.1.3 does not let a Registration Change touch. */
const UNCHANGEABLE = ['redirect_uris', 'client_id'] as const;
/** Decided by mojeID, or `rotateClientSecret`'s job. */
const NOT_SET_BY_CHANGES = ['client_secret', 'client_secret_expires_at', 'client_id_issued_at', 'registration_access_token', 'registration_client_uri'] as const;

function accessOf(access: Partial<RegistrationAccess>): RegistrationAccess {
  if (!access.registration_client_uri || !access.registration_access_token) {
    throw new ClientRegistrationError(
      'reading or changing a registration needs its registration_client_uri and registration_access_token (MOJEID_REGISTRATION_CLIENT_URI, MOJEID_REGISTRATION_ACCESS_TOKEN), both from the registration answer; a manual registration has neither and is changed in the consumer admin (§5.1.3)',
    );
  }
  return { registration_client_uri: access.registration_client_uri, registration_access_token: access.registration_access_token };
}

/** The client id the configuration endpoint is for, when its URL says (`?client_id=...`). */
function clientIdOf(url: URL): string | undefined {
  return url.searchParams.get('client_id') ?? undefined;
}

async function call(
  access: Partial<RegistrationAccess>,
  body: Record<string, unknown> | undefined,
  what: string,
  options: ClientRegistrationOptions,
): Promise<ClientRegistration> {
  const { registration_client_uri: uri, registration_access_token: token } = accessOf(access);
  const url = registrationClientUrl(uri, options);
  const answer = await requestJson(url, { method: body === undefined ? 'GET' : 'POST', bearer: token, ...(body === undefined ? {} : { body }), what }, options);
  const registration = parseClientRegistration(answer.body, what);
  const expected = clientIdOf(url);
  if (expected !== undefined && registration.client_id !== expected) {
    throw new ClientRegistrationError(`${what}: mojeID answered for client ${registration.client_id}, not ${expected}`);
  }
  // The answers need not repeat how they were reached; keep the caller's so the result can be used again.
  return {
    ...registration,
    registration_client_uri: registration.registration_client_uri ?? uri,
    registration_access_token: registration.registration_access_token ?? token,
  };
}

/**
 * §5.1.3 "Information about Registration": the registration as mojeID has it now. `access` may be
 * a `ClientRegistration` (the answer of `registerClient`) or stored credentials.
 */
export function readClientRegistration(access: Partial<RegistrationAccess>, options: ClientRegistrationOptions = {}): Promise<ClientRegistration> {
  return call(access, undefined, 'reading the registration', options);
}

/**
 * §5.1.3 "Registration Change": changes the given members and keeps the others. Refuses, before
 * sending anything, to change `redirect_uris` or `client_id` (mojeID does not allow it: register
 * a new client) and to set the secret or other values mojeID decides (`rotateClientSecret` gets a
 * new secret).
 */
export async function updateClientRegistration(
  access: Partial<RegistrationAccess>,
  changes: ClientMetadataChanges,
  options: ClientRegistrationOptions = {},
): Promise<ClientRegistration> {
  const given = Object.keys(changes).filter((key) => (changes as Record<string, unknown>)[key] !== undefined);
  const unchangeable = given.filter((key) => (UNCHANGEABLE as readonly string[]).includes(key));
  if (unchangeable.length) {
    throw new RegistrationChangeRefusedError(
      unchangeable,
      `${unchangeable.join(' and ')} cannot be changed after registration (§5.1.3): register a new client with the new redirect URIs (a manual registration is edited in the consumer admin)`,
    );
  }
  const decided = given.filter((key) => (NOT_SET_BY_CHANGES as readonly string[]).includes(key));
  if (decided.length) {
    throw new RegistrationChangeRefusedError(
      decided,
      `${decided.join(', ')} cannot be set by a registration change: mojeID decides ${decided.length > 1 ? 'them' : 'it'}; use rotateClientSecret() for a new client_secret`,
    );
  }
  const body = changeBody(changes);
  assertValidMetadata(body, false);
  if (Object.keys(body).length === 0) throw new RegistrationChangeRefusedError([], 'nothing to change: give at least one member (client_name, logo_uri, client_uri, policy_uri, assertion_uris, ...)');
  return call(access, body, 'changing the registration', options);
}

/**
 * §5.1.3: `{"client_secret": null}` makes mojeID generate a new secret, valid for a new lifetime
 * (24 hours for a dynamic registration). The old secret stops working: put the new one in use at
 * once. `changes` may change other members in the same request, as the manual's example does.
 */
export async function rotateClientSecret(
  access: Partial<RegistrationAccess>,
  options: ClientRegistrationOptions = {},
  changes: ClientMetadataChanges = {},
): Promise<ClientRegistration> {
  const extra = changeBody(changes);
  for (const key of [...UNCHANGEABLE, ...NOT_SET_BY_CHANGES]) {
    if (key in extra) throw new RegistrationChangeRefusedError([key], `${key} cannot be set when rotating the secret (§5.1.3)`);
  }
  assertValidMetadata(extra, false);
  const registration = await call(access, { ...extra, client_secret: null }, 'rotating the client secret', options);
  if (!registration.client_secret) throw new ClientRegistrationError("rotating the client secret: mojeID's answer has no client_secret");
  return registration;
}
