/**
 * `RedisCredentialStore`: the credentials under one Redis key, for apps running on several
 * instances: when one instance renews the secret (§5.1.3), the others find the new one there (the
 * strategy looks when mojeID refuses the secret it has, and before every renewal of its own).
 *
 * It needs nothing but a client with ioredis's generic `call(command, ...args)`, so the library
 * does not depend on a Redis package; node-redis is adapted with
 * `{ call: (c, ...a) => client.sendCommand([c, ...a.map(String)]) }`. The value holds the client
 * secret and the registration access token: protect the Redis as you protect other secrets.
 */
import { randomBytes } from 'node:crypto';
import { CredentialStoreError } from '../errors.js';
import { describeCause } from '../describe-cause.js';
import { parseStoredCredentials, serialiseCredentials, type CredentialStore, type CredentialStoreLock, type StoredCredentials } from './credential-store.js';

/** What the store needs of a Redis client (ioredis has it). */
export interface RedisCallClient {
  call(command: string, ...args: Array<string | number>): Promise<unknown>;
}

export interface RedisCredentialStoreOptions {
  client: RedisCallClient;
  /** Default `mojeid:client-credentials`. Use one key per client and environment. */
  key?: string;
}

export class RedisCredentialStore implements CredentialStore {
  readonly #client: RedisCallClient;
  readonly key: string;

  constructor(options: RedisCredentialStoreOptions) {
    if (!options?.client || typeof options.client.call !== 'function') {
      throw new TypeError('RedisCredentialStore: `client` must be an ioredis client (or an object with call(command, ...args))');
    }
    this.#client = options.client;
    this.key = options.key ?? 'mojeid:client-credentials';
  }

  async load(): Promise<StoredCredentials | undefined> {
    let value: unknown;
    try {
      value = await this.#client.call('GET', this.key);
    } catch (cause) {
      throw new CredentialStoreError(`cannot read the Redis key ${this.key}: ${describeCause(cause)}`, cause);
    }
    if (value === null || value === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.isBuffer(value) ? value.toString('utf8') : String(value));
    } catch {
      parsed = undefined;
    }
    return parseStoredCredentials(parsed, `the Redis key ${this.key}`);
  }

  async save(credentials: StoredCredentials): Promise<void> {
    try {
      await this.#client.call('SET', this.key, serialiseCredentials(credentials));
    } catch (cause) {
      throw new CredentialStoreError(`cannot write the Redis key ${this.key}: ${describeCause(cause)}`, cause);
    }
  }

  /** `SET <key>:lock <token> NX PX ttl`; released only by the holder of the token (compare and delete). */
  async lock(ttlMs: number): Promise<CredentialStoreLock | undefined> {
    const lockKey = `${this.key}:lock`;
    const token = randomBytes(16).toString('base64url');
    let answer: unknown;
    try {
      answer = await this.#client.call('SET', lockKey, token, 'NX', 'PX', Math.max(1, Math.ceil(ttlMs)));
    } catch (cause) {
      throw new CredentialStoreError(`cannot take the renewal lock ${lockKey}: ${describeCause(cause)}`, cause);
    }
    if (answer === null || answer === undefined) return undefined;
    const client = this.#client;
    return {
      async release() {
        try {
          await client.call('EVAL', RELEASE_SCRIPT, 1, lockKey, token);
        } catch {
          // It expires by itself.
        }
      },
    };
  }
}

const RELEASE_SCRIPT = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
