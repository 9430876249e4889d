/**
 * The contract of a credential store: what an app implements to keep renewed client credentials
 * in its own database (§5.1.3). A leaf, so the configuration can accept a store as an option
 * without depending on the stores or on client registration.
 */

/** The five values of a registration answer that logging in and renewing need. */
export interface StoredCredentials {
  client_id: string;
  /** Secret. */
  client_secret: string;
  /** Epoch seconds; `0` = never expires. */
  client_secret_expires_at: number;
  /** Secret. Absent for a manual registration, which is never renewed. */
  registration_access_token?: string;
  registration_client_uri?: string;
}

export interface CredentialStore {
  /** The saved credentials, or `undefined` when nothing is saved yet. Rejects when the store fails. */
  load(): Promise<StoredCredentials | undefined>;
  /** Replaces the saved credentials; resolves once they are durable. */
  save(credentials: StoredCredentials): Promise<void>;
  /**
   * Optional: takes the renewal lock for `ttlMs` milliseconds, or resolves `undefined` while another
   * holder has it. Instances sharing the store renew one at a time with it: without it, two that
   * find the secret due at the same moment each rotate it (the later rotation wins, and the other
   * instance's fresh secret is dead at once). A lock that is not released expires by itself.
   */
  lock?(ttlMs: number): Promise<CredentialStoreLock | undefined>;
}

/** A held renewal lock. */
export interface CredentialStoreLock {
  /** Gives the lock up, if it is still this holder's. Never rejects. */
  release(): Promise<void>;
}
