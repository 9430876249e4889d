/**
 * In-memory storage for oidc-provider's models, one store per running simulator.
 *
 * oidc-provider's own development adapter keeps one store per process (two simulators in one
 * test run would share sessions) and warns on start; this one is owned by its simulator and
 * disappears with it.
 *
 * @module
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  /** Epoch milliseconds; `undefined` for records without expiry (clients). */
  expiresAt: number | undefined;
}

/** Expired records are swept every this many writes, so a long-running simulator stays small. */
const SWEEP_EVERY = 200;

export class MemoryStore {
  readonly #entries = new Map<string, Entry>();
  readonly #sessionsByUid = new Map<string, string>();
  readonly #byUserCode = new Map<string, string>();
  /** `${model}:${grantId}` to the keys of that model's records issued under the grant. */
  readonly #byGrant = new Map<string, Set<string>>();
  #writes = 0;

  /** Write a record synchronously (used to register clients without awaiting). */
  put(model: string, id: string, payload: AdapterPayload, expiresIn?: number): void {
    const key = `${model}:${id}`;
    this.#entries.set(key, { payload, expiresAt: typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : undefined });
    if (model === 'Session' && typeof payload.uid === 'string') this.#sessionsByUid.set(payload.uid, id);
    if (typeof payload.userCode === 'string') this.#byUserCode.set(payload.userCode, id);
    if (typeof payload.grantId === 'string') {
      const grantKey = `${model}:${payload.grantId}`;
      const members = this.#byGrant.get(grantKey) ?? new Set<string>();
      members.add(key);
      this.#byGrant.set(grantKey, members);
    }
    this.#writes += 1;
    if (this.#writes % SWEEP_EVERY === 0) this.#sweep();
  }

  /** Read a record synchronously. */
  get(model: string, id: string): AdapterPayload | undefined {
    return this.#get(`${model}:${id}`);
  }

  #get(key: string): AdapterPayload | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  #sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.#entries.delete(key);
    }
    for (const [grantKey, members] of this.#byGrant) {
      for (const key of members) if (!this.#entries.has(key)) members.delete(key);
      if (members.size === 0) this.#byGrant.delete(grantKey);
    }
  }

  /**
   * Deletes every grant of `accountId` with the tokens and codes issued under it, as when the
   * user withdraws a service's access in their mojeID profile. Returns how many grants.
   */
  revokeGrantsOf(accountId: string): number {
    const grants: string[] = [];
    for (const [key, entry] of this.#entries) {
      if (key.startsWith('Grant:') && entry.payload.accountId === accountId) grants.push(key.slice('Grant:'.length));
    }
    for (const grantId of grants) {
      this.#entries.delete(`Grant:${grantId}`);
      for (const model of ['AccessToken', 'RefreshToken', 'AuthorizationCode']) {
        const grantKey = `${model}:${grantId}`;
        for (const key of this.#byGrant.get(grantKey) ?? []) this.#entries.delete(key);
        this.#byGrant.delete(grantKey);
      }
    }
    return grants.length;
  }

  /** The adapter oidc-provider instantiates per model name (`configuration.adapter`). */
  adapterFor(model: string): Adapter {
    const keyOf = (id: string): string => `${model}:${id}`;
    return {
      upsert: async (id, payload, expiresIn) => this.put(model, id, payload, expiresIn),
      find: async (id) => this.#get(keyOf(id)),
      findByUid: async (uid) => {
        const id = this.#sessionsByUid.get(uid);
        return id === undefined ? undefined : this.#get(keyOf(id));
      },
      findByUserCode: async (userCode) => {
        const id = this.#byUserCode.get(userCode);
        return id === undefined ? undefined : this.#get(keyOf(id));
      },
      consume: async (id) => {
        const payload = this.#get(keyOf(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      destroy: async (id) => {
        this.#entries.delete(keyOf(id));
      },
      // Only this model's records: oidc-provider calls it per token model (AccessToken, ...).
      revokeByGrantId: async (grantId) => {
        const grantKey = keyOf(grantId);
        for (const key of this.#byGrant.get(grantKey) ?? []) this.#entries.delete(key);
        this.#byGrant.delete(grantKey);
      },
    };
  }
}
