/**
 * Turns mojeID's registration answer (§5.1.3: registering, reading, changing and rotating all
 * answer in the same format) into a typed `ClientRegistration`, refusing answers that lack what
 * every later step depends on.
 */
import { ClientRegistrationError } from '../errors.js';
import type { ClientRegistration } from './types.js';

const NAMED = [
  'client_id',
  'client_secret',
  'client_secret_expires_at',
  'client_id_issued_at',
  'registration_access_token',
  'registration_client_uri',
  'redirect_uris',
  'token_endpoint_auth_method',
  'client_name',
  'logo_uri',
  'client_uri',
  'policy_uri',
  'assertion_uris',
  'application_type',
  'subject_type',
] as const;

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const texts = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : undefined;
const seconds = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined);

export function parseClientRegistration(body: unknown, what: string): ClientRegistration {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ClientRegistrationError(`${what}: mojeID's answer is not a JSON object`);
  }
  const record = body as Record<string, unknown>;
  const clientId = text(record['client_id']);
  if (!clientId) throw new ClientRegistrationError(`${what}: mojeID's answer has no client_id`);
  const clientSecret = text(record['client_secret']);
  const expiresAt = record['client_secret_expires_at'];
  if (expiresAt !== undefined && seconds(expiresAt) === undefined) {
    throw new ClientRegistrationError(`${what}: mojeID's answer has an unusable client_secret_expires_at (expected epoch seconds or 0)`);
  }
  const other = Object.fromEntries(Object.entries(record).filter(([key]) => !(NAMED as readonly string[]).includes(key)));
  return {
    client_id: clientId,
    client_secret: clientSecret,
    // RFC 7591 §3.2.1 requires it whenever a secret is issued; absent means nothing says it expires.
    client_secret_expires_at: seconds(expiresAt) ?? 0,
    client_id_issued_at: seconds(record['client_id_issued_at']),
    registration_access_token: text(record['registration_access_token']),
    registration_client_uri: text(record['registration_client_uri']),
    // The manual's curl example sends a single string; answers carry a list.
    redirect_uris: texts(record['redirect_uris']) ?? [],
    token_endpoint_auth_method: text(record['token_endpoint_auth_method']),
    client_name: text(record['client_name']),
    logo_uri: text(record['logo_uri']),
    client_uri: text(record['client_uri']),
    policy_uri: text(record['policy_uri']),
    assertion_uris: texts(record['assertion_uris']),
    application_type: text(record['application_type']),
    subject_type: text(record['subject_type']),
    other,
  };
}
