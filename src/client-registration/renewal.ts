/**
 * `CredentialRenewal`: keeps a dynamic registration alive (§5.1.3: its secret expires 24 hours
 * after it was issued "but it can be renewed" by a Registration Change with `client_secret`).
 *
 * - It rotates the secret `margin` seconds before it expires, in the background: logins go on
 *   with the old secret meanwhile, and switch to the new one once it is saved (or, if saving
 *   fails, at once anyway: mojeID stopped accepting the old one when it answered).
 * - A login whose token request was refused during the switch is retried by the strategy with
 *   the new secret (`refresh`): the provider authenticates the client before it looks at the
 *   code, so the code is still good.
 * - Failures are retried with exponential back-off and reported to `onRenewalError`, never thrown
 *   at a login. Successes go to `onCredentialsRenewed`.
 * - With a store shared by several instances, the store is read before each renewal and whenever
 *   mojeID refuses the secret, so an instance adopts what another one renewed; a store with a
 *   `lock` (both built-in stores) lets one instance rotate at a time, so two that find the secret
 *   due in the same moment do not each rotate it.
 * - The timer is unref'd, and `close()` stops it: tests and apps exit cleanly.
 */
import { ClientRegistrationError, CredentialStoreError, MojeIdError } from '../errors.js';
import { toMojeIdError } from '../error-mapping.js';
import type { ClientCredentials, CredentialSource } from '../provider.js';
import { readClientRegistration, rotateClientSecret } from './configuration-endpoint.js';
import type { CredentialStore, StoredCredentials } from './credential-store.js';
import type { ClientRegistration, ClientRegistrationOptions, RegistrationAccess } from './types.js';

/** Credentials as far as they are known: from the configuration the secret's expiry may be missing. */
export type KnownCredentials = Partial<StoredCredentials> & { client_id: string };

export interface CredentialsRenewedEvent {
  readonly clientId: string;
  /** When the new secret expires; `undefined` = never. */
  readonly expiresAt: Date | undefined;
  /** Whether the new credentials were saved to the store (a failed save is also reported as an error and retried). */
  readonly saved: boolean;
}

export interface RenewalErrorEvent {
  /** Consecutive failures so far (1 for the first). */
  readonly attempt: number;
  /** When the next attempt is due; `undefined` when none is scheduled. */
  readonly retryAt: Date | undefined;
}

export interface RenewalHooks {
  /** A new secret is in use. The event carries no secret. */
  onCredentialsRenewed?: (event: CredentialsRenewedEvent) => void;
  /** Renewing, or loading or saving the credentials, failed; it is retried. Default: a `console.warn` line. */
  onRenewalError?: (error: MojeIdError, event: RenewalErrorEvent) => void;
}

export interface RenewalRetryOptions {
  /** Milliseconds before the first retry. Default 5000. */
  minDelay?: number;
  /** Longest wait between retries, in milliseconds. Default 300000 (5 minutes). */
  maxDelay?: number;
}

export interface CredentialRenewalOptions extends RenewalHooks {
  /** The issuer the registration belongs to; the registration access token is sent to its origin only. */
  issuer: string;
  /** What the app was configured with (`MOJEID_CLIENT_SECRET` ...). The store's credentials win when newer. */
  configured: KnownCredentials;
  store?: CredentialStore;
  /** Seconds before expiry to renew. */
  margin: number;
  /** Seconds before a request to mojeID is abandoned. */
  timeout: number;
  retry?: RenewalRetryOptions;
  fetch?: typeof fetch;
}

/** setTimeout takes at most a signed 32-bit number of milliseconds (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** `0` (never expires) sorts after every real time. */
const expiryRank = (c: KnownCredentials): number => (c.client_secret_expires_at === 0 ? Infinity : (c.client_secret_expires_at ?? -1));

export class CredentialRenewal implements CredentialSource {
  readonly ready: Promise<void>;
  readonly #options: CredentialRenewalOptions;
  readonly #request: ClientRegistrationOptions;
  readonly #minDelay: number;
  readonly #maxDelay: number;
  #state: KnownCredentials;
  #current: ClientCredentials | undefined;
  #timer: NodeJS.Timeout | undefined;
  #saveTimer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #failures = 0;
  #saveFailures = 0;
  /** Seconds a fresh secret lives, learnt from the last renewal; bounds the margin. */
  #lifetime: number | undefined;
  #closed = false;

  constructor(options: CredentialRenewalOptions) {
    this.#options = options;
    this.#request = { issuer: options.issuer, timeout: options.timeout, ...(options.fetch ? { fetch: options.fetch } : {}) };
    this.#minDelay = options.retry?.minDelay ?? 5_000;
    this.#maxDelay = Math.max(this.#minDelay, options.retry?.maxDelay ?? 300_000);
    this.#state = { ...options.configured };
    this.#current = toClientCredentials(this.#state);
    this.ready = this.#start().catch(() => undefined);
  }

  /** The credentials in use now (the same object until they change). */
  current(): ClientCredentials | undefined {
    return this.#current;
  }

  /** When the secret in use expires; `undefined` when it never does or is not known yet. */
  get expiresAt(): Date | undefined {
    const at = this.#state.client_secret_expires_at;
    return at ? new Date(at * 1000) : undefined;
  }

  /** Waits for a renewal under way, then reads the store: another instance may have renewed. */
  async refresh(): Promise<void> {
    await this.#inFlight?.catch(() => undefined);
    if (this.#options.store) await this.#adoptFromStore();
  }

  /** Renews now (one renewal at a time); rejects when it fails, which is also reported and retried. */
  renewNow(): Promise<void> {
    this.#inFlight ??= this.#renew().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /** Stops the timers; a request under way finishes, nothing new is scheduled. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#saveTimer);
  }

  async #start(): Promise<void> {
    if (this.#options.store) await this.#adoptFromStore();
    this.#schedule();
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const s = this.#state;
    if (this.#closed || !s.registration_access_token || !s.registration_client_uri) return; // a manual registration: nothing to renew
    if (s.client_secret_expires_at === 0) return; // never expires
    let delay = 0; // unknown secret or expiry: find out now
    if (s.client_secret !== undefined && s.client_secret_expires_at !== undefined) delay = (s.client_secret_expires_at - this.#margin()) * 1000 - Date.now();
    this.#setTimer(delay);
  }

  #setTimer(delay: number): void {
    clearTimeout(this.#timer);
    if (this.#closed) return;
    this.#timer = setTimeout(() => void this.renewNow().catch(() => undefined), Math.min(MAX_TIMER_MS, Math.max(0, delay)));
    this.#timer.unref();
  }

  async #renew(): Promise<void> {
    if (!this.#state.registration_access_token || !this.#state.registration_client_uri) {
      // Not a failure to retry: without the registration access token there is nothing to renew with.
      throw new ClientRegistrationError('renewing needs the registration access token (MOJEID_REGISTRATION_ACCESS_TOKEN); a manual registration is never renewed');
    }
    try {
      // Another instance sharing the store may have renewed already.
      if (this.#options.store && (await this.#adoptFromStore()) && !this.#due()) {
        this.#failures = 0;
        this.#schedule();
        return;
      }
      const s = this.#state;
      const access = { registration_client_uri: s.registration_client_uri, registration_access_token: s.registration_access_token };
      if (s.client_secret === undefined || s.client_secret_expires_at === undefined) {
        // Configured without MOJEID_CLIENT_SECRET_EXPIRES_AT: read the registration to learn it.
        // mojeID answers in the registration format (§5.1.3), secret included: that one is current.
        const read = await readClientRegistration(access, this.#request);
        this.#use(this.#merge(read, s.client_secret));
        if (this.#state.client_secret === undefined || this.#due()) {
          await this.#rotateExclusively(access);
          return;
        }
        this.#failures = 0;
        this.#schedule();
        return;
      }
      await this.#rotateExclusively(access);
    } catch (error) {
      this.#failures += 1;
      const delay = Math.min(this.#maxDelay, this.#minDelay * 2 ** (this.#failures - 1));
      this.#report(toMojeIdError(error, 'renewal'), { attempt: this.#failures, retryAt: this.#closed ? undefined : new Date(Date.now() + delay) });
      this.#setTimer(delay);
      throw error;
    }
  }

  /**
   * Rotates while holding the store's renewal lock, when the store has one: instances sharing the
   * store then renew one at a time. While another holds it, this one looks again shortly (the
   * retry delay) and by then normally adopts what the other saved; a holder that died leaves a
   * lock that expires after the time a rotation and a save can take.
   */
  async #rotateExclusively(access: Partial<RegistrationAccess>): Promise<void> {
    const store = this.#options.store;
    if (!store?.lock) {
      await this.#rotate(access);
      return;
    }
    const lock = await store.lock((this.#options.timeout * 2 + 10) * 1000);
    if (!lock) {
      this.#setTimer(this.#minDelay);
      return;
    }
    try {
      // The previous holder may have renewed just now.
      if ((await this.#adoptFromStore()) && !this.#due()) {
        this.#failures = 0;
        this.#schedule();
        return;
      }
      await this.#rotate(access);
    } finally {
      await lock.release();
    }
  }

  async #rotate(access: Partial<RegistrationAccess>): Promise<void> {
    const registration = await rotateClientSecret(access, this.#request);
    const next = this.#merge(registration, undefined);
    const now = Date.now() / 1000;
    if (next.client_secret_expires_at) this.#lifetime = Math.max(1, next.client_secret_expires_at - now);
    const saved = await this.#save(next);
    this.#use(next);
    this.#failures = 0;
    this.#options.onCredentialsRenewed?.({ clientId: next.client_id, expiresAt: this.expiresAt, saved });
    this.#schedule();
  }

  /** Seconds before expiry to renew: the configured margin, but at half a secret's lifetime at the latest (else it would renew in a loop). */
  #margin(): number {
    return this.#lifetime === undefined ? this.#options.margin : Math.min(this.#options.margin, this.#lifetime / 2);
  }

  /** Whether the secret in use is within the margin of its expiry. */
  #due(): boolean {
    const at = this.#state.client_secret_expires_at;
    if (at === undefined) return true;
    return at !== 0 && at - Date.now() / 1000 <= this.#margin();
  }

  /** The registration answer as credentials to keep; what it does not repeat is kept from before. */
  #merge(registration: ClientRegistration, fallbackSecret: string | undefined): KnownCredentials {
    const s = this.#state;
    if (registration.client_id !== s.client_id) {
      throw new ClientRegistrationError(`mojeID answered for client ${registration.client_id}, not the configured ${s.client_id}`);
    }
    const secret = registration.client_secret ?? fallbackSecret;
    return {
      client_id: s.client_id,
      ...(secret !== undefined ? { client_secret: secret, client_secret_expires_at: registration.client_secret_expires_at } : {}),
      registration_access_token: registration.registration_access_token ?? s.registration_access_token,
      registration_client_uri: registration.registration_client_uri ?? s.registration_client_uri,
    } as KnownCredentials;
  }

  #use(next: KnownCredentials): void {
    const secretChanged = next.client_secret !== this.#state.client_secret;
    this.#state = next;
    if (secretChanged) this.#current = toClientCredentials(next);
  }

  /** Saves to the store (if any); a failure is reported and retried in the background. */
  async #save(credentials: KnownCredentials): Promise<boolean> {
    const store = this.#options.store;
    const complete = toStored(credentials);
    if (!store || !complete) return false;
    clearTimeout(this.#saveTimer);
    try {
      await store.save(complete);
      this.#saveFailures = 0;
      return true;
    } catch (error) {
      this.#saveFailures += 1;
      const delay = Math.min(this.#maxDelay, this.#minDelay * 2 ** (this.#saveFailures - 1));
      this.#report(toMojeIdError(error, 'credential-save'), { attempt: this.#saveFailures, retryAt: this.#closed ? undefined : new Date(Date.now() + delay) });
      if (!this.#closed) {
        this.#saveTimer = setTimeout(() => {
          // Only while these are still the credentials in use: a later renewal saves its own.
          if (this.#state.client_secret === complete.client_secret) void this.#save(complete);
        }, delay);
        this.#saveTimer.unref();
      }
      return false;
    }
  }

  /** Adopts the store's credentials when they are for this client and newer; true if adopted. */
  async #adoptFromStore(): Promise<boolean> {
    const store = this.#options.store;
    if (!store) return false;
    let stored: StoredCredentials | undefined;
    try {
      stored = await store.load();
    } catch (error) {
      this.#report(toMojeIdError(error, 'credential-load'), { attempt: 1, retryAt: undefined });
      return false;
    }
    if (!stored) return false;
    const s = this.#state;
    if (stored.client_id !== s.client_id) {
      this.#report(
        new CredentialStoreError(
          `the credential store holds client ${stored.client_id}, not the configured ${s.client_id} (MOJEID_CLIENT_ID); it is ignored, and the next renewal replaces it`,
        ),
        { attempt: 1, retryAt: undefined },
      );
      return false;
    }
    if (stored.client_secret === s.client_secret) {
      // Same secret: only fill in what the configuration lacked (expiry, registration access).
      this.#use({ ...stored, ...definedOnly(s) } as KnownCredentials);
      return false;
    }
    // The later expiry is the later renewal; on a tie the store wins (renewals land there).
    if (s.client_secret !== undefined && expiryRank(stored) < expiryRank(s)) return false;
    this.#use({
      ...stored,
      registration_access_token: stored.registration_access_token ?? s.registration_access_token,
      registration_client_uri: stored.registration_client_uri ?? s.registration_client_uri,
    });
    return true;
  }

  #report(error: MojeIdError, event: RenewalErrorEvent): void {
    if (this.#closed) return; // a request that was under way at close() ended: nobody is listening
    const hook = this.#options.onRenewalError;
    try {
      if (hook) hook(error, event);
      else {
        const next = event.retryAt ? `; next attempt at ${event.retryAt.toISOString()}` : '';
        console.warn(`[mojeid] client credential renewal: ${error.code}: ${error.message}${next}`);
      }
    } catch {
      // A throwing hook must not stop renewal.
    }
  }
}

function definedOnly(credentials: KnownCredentials): KnownCredentials {
  return Object.fromEntries(Object.entries(credentials).filter(([, value]) => value !== undefined)) as KnownCredentials;
}

function toClientCredentials(credentials: KnownCredentials): ClientCredentials | undefined {
  return credentials.client_secret ? { clientId: credentials.client_id, clientSecret: credentials.client_secret } : undefined;
}

function toStored(credentials: KnownCredentials): StoredCredentials | undefined {
  const { client_id, client_secret, client_secret_expires_at, registration_access_token, registration_client_uri } = credentials;
  if (client_secret === undefined || client_secret_expires_at === undefined) return undefined;
  return {
    client_id,
    client_secret,
    client_secret_expires_at,
    ...(registration_access_token ? { registration_access_token } : {}),
    ...(registration_client_uri ? { registration_client_uri } : {}),
  };
}
