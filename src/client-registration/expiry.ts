/**
 * When a client secret stops working, from `client_secret_expires_at` (RFC 7591 §3.2.1: epoch
 * seconds, `0` = never). Dynamic registrations at mojeID expire 24 hours after they are made or
 * renewed (§5.1.3); manual ones never.
 */

export interface SecretExpiry {
  readonly client_secret_expires_at: number;
}

/** The moment the secret expires, or `undefined` when it never does. */
export function clientSecretExpiresAt(registration: SecretExpiry): Date | undefined {
  return registration.client_secret_expires_at === 0 ? undefined : new Date(registration.client_secret_expires_at * 1000);
}

/** Seconds until the secret expires (negative once it has), `Infinity` when it never does. */
export function clientSecretExpiresIn(registration: SecretExpiry, now: number = Date.now()): number {
  return registration.client_secret_expires_at === 0 ? Infinity : registration.client_secret_expires_at - now / 1000;
}

export function isClientSecretExpired(registration: SecretExpiry, now: number = Date.now()): boolean {
  return clientSecretExpiresIn(registration, now) <= 0;
}

/** True when the secret expires within `marginSeconds` (or already has): time to renew. */
export function clientSecretNeedsRenewal(registration: SecretExpiry, marginSeconds: number, now: number = Date.now()): boolean {
  return clientSecretExpiresIn(registration, now) <= marginSeconds;
}
