/**
 * `RedisRegistrationStore`: the registration store for apps running on several instances. The
 * account-creation form may be made on one instance and mojeID's notification land on another
 * (§6.2 sends it to any of the `assertion_uris`, and again to the next one when an answer is
 * lost, §6.3), so the nonces must be shared, and consuming one must be atomic across instances:
 * a Lua script that reads and deletes in one step (Redis runs a script without interleaving), and
 * `SET … NX` for delivery records.
 *
 * ioredis is an optional peer dependency: `connect()` imports it only when called, and the store
 * itself needs nothing but an object with ioredis's `call(command, ...args)`, so any client can be
 * adapted (node-redis: `{ call: (c, ...a) => client.sendCommand([c, ...a.map(String)]) }`).
 */
import { createHash } from 'node:crypto';
import { RegistrationStoreFullError, isPendingRegistration, type PendingRegistration, type RegistrationStore } from './store.js';

/** What the store needs of a Redis client: ioredis's generic command call. */
export interface RedisCommandClient {
  call(command: string, ...args: Array<string | number>): Promise<unknown>;
}

export interface RedisRegistrationStoreOptions {
  client: RedisCommandClient;
  /** Prefix of every key, so several apps (or tests) can share one Redis. Default `mojeid:`. */
  keyPrefix?: string;
  /**
   * Most pending registrations kept across all instances (one per local user); when reached, new
   * starts are refused with `RegistrationStoreFullError` (503) instead of evicting others'.
   * Default 10 000, like `MemoryRegistrationStore`'s `maxEntries`.
   */
  maxPending?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export interface RedisConnectOptions {
  keyPrefix?: string;
  maxPending?: number;
  /** Milliseconds to wait for the first connection before giving up. Default 5000. */
  connectTimeout?: number;
}

/**
 * Reads and deletes in one step: of two concurrent consumers only one gets the value. KEYS: the
 * pending key, the index of pending keys.
 */
const CONSUME_SCRIPT = `local value = redis.call('GET', KEYS[1])
if value then redis.call('DEL', KEYS[1]) end
redis.call('ZREM', KEYS[2], KEYS[1])
return value`;

/**
 * Saves a nonce in one step, so that instances racing cannot exceed the limit or keep two live
 * nonces for one user. KEYS: the new pending key, the user's key (naming their live pending key),
 * the index (a sorted set of pending keys scored by expiry). ARGV: the record, its lifetime in
 * ms, now, the limit, its expiry. The user's previous pending key is read from their key (so not
 * declared in KEYS: a single Redis, or a cluster with the prefix as a hash tag, \`{shop}:\`).
 */
const SAVE_SCRIPT = `redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[3])
local previous = redis.call('GET', KEYS[2])
if previous and previous ~= KEYS[1] and redis.call('EXISTS', previous) == 1 then
  redis.call('DEL', previous)
  redis.call('ZREM', KEYS[3], previous)
elseif redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[4]) then
  return 'FULL'
end
if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 'EXISTS' end
redis.call('SET', KEYS[2], KEYS[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[5], KEYS[1])
return 'OK'`;

/**
 * Keys carry a hash of the nonce, not the nonce: whoever can list keys (`SCAN`, `MONITOR`, a
 * slow log) does not learn a nonce that would link a mojeID account to someone else's account.
 */
function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

export class RedisRegistrationStore implements RegistrationStore {
  readonly #client: RedisCommandClient;
  readonly #prefix: string;
  readonly #max: number;
  readonly #now: () => number;

  constructor(options: RedisRegistrationStoreOptions) {
    if (!options?.client || typeof options.client.call !== 'function') {
      throw new TypeError('RedisRegistrationStore: `client` must be an ioredis client (or an object with call(command, ...args))');
    }
    this.#client = options.client;
    this.#prefix = options.keyPrefix ?? 'mojeid:';
    this.#max = options.maxPending ?? 10_000;
    if (!Number.isInteger(this.#max) || this.#max <= 0) throw new TypeError('RedisRegistrationStore: maxPending must be a whole number greater than 0');
    this.#now = options.now ?? Date.now;
  }

  /**
   * Connects to `url` with ioredis (imported only now) and fails within `connectTimeout` when
   * Redis is not reachable. `close()` disconnects.
   */
  static async connect(url: string, options: RedisConnectOptions = {}): Promise<RedisRegistrationStore & { close(): Promise<void> }> {
    let Redis: typeof import('ioredis').Redis;
    try {
      ({ Redis } = await import('ioredis'));
    } catch (cause) {
      throw new Error('RedisRegistrationStore.connect needs the ioredis package (v5): npm install ioredis', { cause });
    }
    const timeout = options.connectTimeout ?? 5000;
    const client = new Redis(url, { lazyConnect: true, connectTimeout: timeout, maxRetriesPerRequest: 2, enableOfflineQueue: false });
    // Without a listener ioredis prints every reconnection error; the first one is reported.
    let firstError: Error | undefined;
    client.on('error', (error: Error) => (firstError ??= error));
    try {
      await client.connect();
    } catch (cause) {
      client.disconnect();
      throw new Error(`Redis is not reachable at ${redactUrl(url)}: ${(firstError ?? (cause as Error)).message}`, { cause });
    }
    const store = new RedisRegistrationStore({
      client,
      ...(options.keyPrefix !== undefined ? { keyPrefix: options.keyPrefix } : {}),
      ...(options.maxPending !== undefined ? { maxPending: options.maxPending } : {}),
    });
    return Object.assign(store, {
      async close(): Promise<void> {
        await client.quit().catch(() => client.disconnect());
      },
    });
  }

  #pendingKey(nonce: string): string {
    return `${this.#prefix}registration:${digest(nonce)}`;
  }

  #userKey(localUser: string): string {
    return `${this.#prefix}registration-user:${digest(localUser)}`;
  }

  #indexKey(): string {
    return `${this.#prefix}registrations`;
  }

  #deliveredKey(key: string): string {
    return `${this.#prefix}delivered:${digest(key)}`;
  }

  async save(registration: PendingRegistration): Promise<void> {
    if (!isPendingRegistration(registration)) throw new TypeError('RedisRegistrationStore.save: not a PendingRegistration');
    const now = this.#now();
    const ttl = Math.max(1, Math.ceil(registration.expiresAt - now));
    const answer = await this.#client.call(
      'EVAL',
      SAVE_SCRIPT,
      3,
      this.#pendingKey(registration.registrationNonce),
      this.#userKey(registration.localUser),
      this.#indexKey(),
      JSON.stringify(registration),
      ttl,
      now,
      this.#max,
      now + ttl,
    );
    if (answer === 'FULL') throw new RegistrationStoreFullError(this.#max);
    if (answer !== 'OK') throw new Error('RedisRegistrationStore.save: this registration_nonce is already stored');
  }

  async consume(registrationNonce: string): Promise<PendingRegistration | undefined> {
    const value = await this.#client.call('EVAL', CONSUME_SCRIPT, 2, this.#pendingKey(registrationNonce), this.#indexKey());
    if (typeof value !== 'string' && !Buffer.isBuffer(value)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value.toString());
    } catch {
      return undefined;
    }
    // A record that is not ours (tampered, or another app's under the same prefix) is not trusted.
    if (!isPendingRegistration(parsed) || parsed.registrationNonce !== registrationNonce) return undefined;
    return parsed.expiresAt > this.#now() ? parsed : undefined;
  }

  async markDelivered(key: string, ttlSeconds: number): Promise<boolean> {
    const answer = await this.#client.call('SET', this.#deliveredKey(key), '1', 'PX', Math.max(1, Math.round(ttlSeconds * 1000)), 'NX');
    return answer === 'OK';
  }

  async forgetDelivered(key: string): Promise<void> {
    await this.#client.call('DEL', this.#deliveredKey(key));
  }
}

/** The URL without its password, for error messages. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return '(unparseable URL)';
  }
}
