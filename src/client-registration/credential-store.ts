/**
 * Where renewed client credentials are kept (§5.1.3: a dynamic registration's secret changes every
 * time it is renewed), so a restart, or another instance of the app, uses the current secret.
 * `FileCredentialStore` is the default; `RedisCredentialStore` serves several instances; apps may
 * implement the interface for their own database.
 */
import { CredentialStoreError } from '../errors.js';
import type { ClientRegistration } from './types.js';
import type { StoredCredentials } from '../credential-store-contract.js';

export type { CredentialStore, CredentialStoreLock, StoredCredentials } from '../credential-store-contract.js';

// The default file is the configuration's (its schema documents it); re-exported here, where the
// stores and the public API have always taken it from.
export { DEFAULT_CREDENTIALS_FILE } from '../config-schema.js';

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** Checks stored data; `CredentialStoreError` naming `where` when it is not credentials. */
export function parseStoredCredentials(value: unknown, where: string): StoredCredentials {
  const record = (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {}) as Record<string, unknown>;
  const expiresAt = record['client_secret_expires_at'];
  const ok =
    isText(record['client_id']) &&
    isText(record['client_secret']) &&
    typeof expiresAt === 'number' &&
    Number.isInteger(expiresAt) &&
    expiresAt >= 0 &&
    (record['registration_access_token'] === undefined || isText(record['registration_access_token'])) &&
    (record['registration_client_uri'] === undefined || isText(record['registration_client_uri']));
  if (!ok) {
    throw new CredentialStoreError(
      `${where} does not hold mojeID client credentials: expected a JSON object with client_id, client_secret, client_secret_expires_at (and registration_access_token, registration_client_uri)`,
    );
  }
  return {
    client_id: record['client_id'] as string,
    client_secret: record['client_secret'] as string,
    client_secret_expires_at: expiresAt,
    ...(isText(record['registration_access_token']) ? { registration_access_token: record['registration_access_token'] } : {}),
    ...(isText(record['registration_client_uri']) ? { registration_client_uri: record['registration_client_uri'] } : {}),
  };
}

/** What to keep of a registration answer that issued a secret (registering, rotating). */
export function storedCredentialsOf(registration: ClientRegistration): StoredCredentials {
  if (!registration.client_secret) throw new CredentialStoreError(`the registration of ${registration.client_id} carries no client_secret to keep`);
  return {
    client_id: registration.client_id,
    client_secret: registration.client_secret,
    client_secret_expires_at: registration.client_secret_expires_at,
    ...(registration.registration_access_token ? { registration_access_token: registration.registration_access_token } : {}),
    ...(registration.registration_client_uri ? { registration_client_uri: registration.registration_client_uri } : {}),
  };
}

/** The JSON a store writes: exactly the five members, in a fixed order. */
export function serialiseCredentials(credentials: StoredCredentials): string {
  const { client_id, client_secret, client_secret_expires_at, registration_access_token, registration_client_uri } = credentials;
  return JSON.stringify({ client_id, client_secret, client_secret_expires_at, registration_access_token, registration_client_uri }, null, 2);
}
