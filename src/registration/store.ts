/**
 * Where issued `registration_nonce`s wait for mojeID's notification (§6.1, §6.2), and which
 * status notifications were already handled (§6.3 repeats them every five minutes for six hours).
 *
 * One small interface, so an app can keep this in its own database; two implementations here:
 * `MemoryRegistrationStore` (the default, one process) and `RedisRegistrationStore` (several
 * instances, `./redis-store.ts`).
 *
 * Both keep at most one live nonce per local user (a new start replaces that user's previous one)
 * and, when full, refuse new starts instead of dropping other users' pending ones: with eviction,
 * one user starting account creation in a loop would cancel everybody else's (the nonce of a
 * form being filled in at mojeID would be unknown when its `REGISTERED` arrives, §6.2).
 */
import { MojeIdError } from '../errors.js';

export type RegistrationVariant = 'registration' | 'transfer';

/** An account creation the app started and mojeID has not confirmed yet. */
export interface PendingRegistration {
  /** The unguessable transaction id sent to mojeID (§6.1). */
  readonly registrationNonce: string;
  /** The app's identifier of the local user the new mojeID account belongs to. */
  readonly localUser: string;
  readonly variant: RegistrationVariant;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  /** Epoch milliseconds; after it the nonce is unknown. */
  readonly expiresAt: number;
}

/**
 * `save` refused a new account-creation start because the store holds as many pending ones as it
 * may. Answered like any store failure: 503 `registration_unavailable`; nobody else's pending
 * account creation was dropped to make room.
 */
export class RegistrationStoreFullError extends MojeIdError {
  /** The limit that was reached. */
  readonly limit: number;

  constructor(limit: number) {
    super('registration_unavailable', `the registration store holds ${limit} pending account creations, its limit; new ones are refused until some are completed or expire`, { status: 503 });
    this.limit = limit;
  }
}

export interface RegistrationStore {
  /**
   * Keeps a freshly issued nonce until `registration.expiresAt`. Replaces the same local user's
   * earlier pending nonce, if any (one live nonce per user). Throws `RegistrationStoreFullError`
   * rather than evicting other users' entries when full.
   */
  save(registration: PendingRegistration): Promise<void>;
  /**
   * Removes and returns the pending registration, or `undefined` when the nonce is unknown,
   * expired or already consumed. Must be atomic: of two concurrent calls with the same nonce
   * (on two instances) at most one gets the registration.
   */
  consume(registrationNonce: string): Promise<PendingRegistration | undefined>;
  /**
   * Records that the notification identified by `key` is being handled; `true` the first time,
   * `false` while an earlier record lives (at most `ttlSeconds`). Atomic like `consume`.
   */
  markDelivered(key: string, ttlSeconds: number): Promise<boolean>;
  /** Removes the record of `markDelivered`, so a retry of a failed delivery counts as first. */
  forgetDelivered(key: string): Promise<void>;
}

export function isPendingRegistration(value: unknown): value is PendingRegistration {
  const v = value as Partial<PendingRegistration> | null;
  return (
    !!v &&
    typeof v === 'object' &&
    typeof v.registrationNonce === 'string' &&
    typeof v.localUser === 'string' &&
    (v.variant === 'registration' || v.variant === 'transfer') &&
    typeof v.createdAt === 'number' &&
    typeof v.expiresAt === 'number'
  );
}

export interface MemoryRegistrationStoreOptions {
  /**
   * Most pending registrations kept (one per local user); when reached, new starts are refused
   * with `RegistrationStoreFullError` (503) until some complete or expire, so a flood of starts
   * can neither exhaust memory nor cancel other users' account creations. Delivery records are
   * capped at the same number separately (oldest dropped: losing one only makes a repeated status
   * change look new). Default 10 000.
   */
  maxEntries?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * For one process (the default). Everything is lost on restart, and a second instance does not
 * see the first one's nonces: use `RedisRegistrationStore` (or your own) for several instances.
 * No timers: expired entries are swept on writes, so the store never keeps a process alive.
 */
export class MemoryRegistrationStore implements RegistrationStore {
  readonly #pending = new Map<string, PendingRegistration>();
  /** Local user to their live nonce. */
  readonly #byUser = new Map<string, string>();
  /** Key to epoch-ms expiry. */
  readonly #delivered = new Map<string, number>();
  readonly #max: number;
  readonly #now: () => number;
  #writes = 0;

  constructor(options: MemoryRegistrationStoreOptions = {}) {
    this.#max = options.maxEntries ?? 10_000;
    if (!Number.isInteger(this.#max) || this.#max <= 0) throw new TypeError('MemoryRegistrationStore: maxEntries must be a whole number greater than 0');
    this.#now = options.now ?? Date.now;
  }

  /** Pending registrations currently kept (expired ones included until the next sweep). */
  get size(): number {
    return this.#pending.size;
  }

  async save(registration: PendingRegistration): Promise<void> {
    if (!isPendingRegistration(registration)) throw new TypeError('MemoryRegistrationStore.save: not a PendingRegistration');
    this.#writes += 1;
    if (this.#writes % 100 === 0 || this.#pending.size >= this.#max) this.#sweep();
    const previous = this.#byUser.get(registration.localUser);
    if (previous !== undefined && this.#pending.has(previous)) {
      // The same user again (another tab, a second try): their older form stops counting.
      this.#pending.delete(previous);
    } else if (this.#pending.size >= this.#max) {
      throw new RegistrationStoreFullError(this.#max);
    }
    this.#pending.set(registration.registrationNonce, Object.freeze({ ...registration }));
    this.#byUser.set(registration.localUser, registration.registrationNonce);
  }

  async consume(registrationNonce: string): Promise<PendingRegistration | undefined> {
    // get + delete in one synchronous step: nothing can interleave within a process.
    const registration = this.#pending.get(registrationNonce);
    if (!registration) return undefined;
    this.#pending.delete(registrationNonce);
    if (this.#byUser.get(registration.localUser) === registrationNonce) this.#byUser.delete(registration.localUser);
    return registration.expiresAt > this.#now() ? registration : undefined;
  }

  async markDelivered(key: string, ttlSeconds: number): Promise<boolean> {
    const now = this.#now();
    const existing = this.#delivered.get(key);
    if (existing !== undefined && existing > now) return false;
    this.#delivered.delete(key);
    this.#delivered.set(key, now + ttlSeconds * 1000);
    for (const k of this.#delivered.keys()) {
      if (this.#delivered.size <= this.#max) break;
      this.#delivered.delete(k);
    }
    return true;
  }

  async forgetDelivered(key: string): Promise<void> {
    this.#delivered.delete(key);
  }

  #sweep(): void {
    const now = this.#now();
    for (const [nonce, registration] of this.#pending) {
      if (registration.expiresAt > now) continue;
      this.#pending.delete(nonce);
      if (this.#byUser.get(registration.localUser) === nonce) this.#byUser.delete(registration.localUser);
    }
    for (const [key, expiresAt] of this.#delivered) if (expiresAt <= now) this.#delivered.delete(key);
  }
}
