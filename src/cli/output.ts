/**
 * How the CLI shows a registration. Secrets (`client_secret`, `registration_access_token`) appear
 * only in the variables `register` and `rotate-secret` print, because the user asked for them there;
 * everywhere else they are hidden.
 */
import { clientSecretExpiresAt } from '../client-registration/expiry.js';
import type { ClientRegistration } from '../client-registration/types.js';
import type { Target } from './context.js';

export const HIDDEN = '(hidden)';

/** "2025-01-01T12:00:00.000Z (in 23 h 59 min)", "never (manual registration)", "... (expired 5 min ago)". */
export function expiryText(registration: Pick<ClientRegistration, 'client_secret_expires_at'>, now: number = Date.now()): string {
  const at = clientSecretExpiresAt(registration);
  if (!at) return 'never';
  const seconds = Math.round((at.getTime() - now) / 1000);
  const span = (s: number): string => {
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h ? `${h} h ${m} min` : m ? `${m} min` : `${s} s`;
  };
  return `${at.toISOString()} (${seconds > 0 ? `in ${span(seconds)}` : `expired ${span(-seconds)} ago`})`;
}

/** The `MOJEID_*` variables an app needs for this registration, secrets included. */
export function registrationVariables(target: Target, registration: ClientRegistration): Array<[string, string]> {
  const variables: Array<[string, string]> = [
    [target.selector[0], target.selector[1]],
    ['MOJEID_CLIENT_ID', registration.client_id],
  ];
  if (registration.client_secret) variables.push(['MOJEID_CLIENT_SECRET', registration.client_secret]);
  if (registration.token_endpoint_auth_method) variables.push(['MOJEID_TOKEN_AUTH_METHOD', registration.token_endpoint_auth_method]);
  variables.push(['MOJEID_CLIENT_SECRET_EXPIRES_AT', String(registration.client_secret_expires_at)]);
  if (registration.registration_access_token) variables.push(['MOJEID_REGISTRATION_ACCESS_TOKEN', registration.registration_access_token]);
  if (registration.registration_client_uri) variables.push(['MOJEID_REGISTRATION_CLIENT_URI', registration.registration_client_uri]);
  return variables;
}

/** The registration as JSON with the secrets hidden. */
export function withoutSecrets(registration: ClientRegistration): Record<string, unknown> {
  const { other, ...named } = registration;
  const json: Record<string, unknown> = { ...named, ...other };
  for (const key of ['client_secret', 'registration_access_token']) if (json[key] !== undefined) json[key] = HIDDEN;
  for (const [key, value] of Object.entries(json)) if (value === undefined) delete json[key];
  return json;
}

/** Lines for people: one member per line, secrets hidden, the expiry spelt out. */
export function describeRegistration(registration: ClientRegistration, now: number = Date.now()): string {
  const json = withoutSecrets(registration);
  const width = Math.max(...Object.keys(json).map((key) => key.length));
  const lines = Object.entries(json).map(([key, value]) => {
    const text = key === 'client_secret_expires_at' ? `${String(value)} = ${expiryText(registration, now)}` : typeof value === 'string' ? value : JSON.stringify(value);
    return `${key.padEnd(width)}  ${text}`;
  });
  return lines.join('\n');
}
