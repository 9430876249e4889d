/**
 * `RedisRegistrationStore` against a real Redis: nonces under hashed keys, consumed once, one live
 * nonce per local user, and a full store that refuses new starts instead of evicting other users'
 * pending account creations, also when instances race each other (the save is one Lua script).
 *
 * Needs Redis at REDIS_URL (default redis://127.0.0.1:6379); without it these tests FAIL.
 */
import type { Redis } from 'ioredis';
import { RedisRegistrationStore, type PendingRegistration } from '../../src/index.js';
import { RegistrationStoreFullError } from '../../src/registration/store.js';
import { REDIS_URL, connectRedis, deleteKeys, testPrefix } from './redis-helpers.js';

let redis: Redis;
let prefix: string;
let closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  redis = await connectRedis();
});

afterAll(async () => {
  await redis?.quit();
});

beforeEach(() => {
  prefix = testPrefix();
});

afterEach(async () => {
  for (const close of closers) await close();
  closers = [];
  if (redis) await deleteKeys(redis, prefix);
});

/** Stores as instances would have them: separate connections, one prefix, one limit. */
async function stores(count: number, maxPending?: number) {
  const opened = await Promise.all(
    Array.from({ length: count }, () => RedisRegistrationStore.connect(REDIS_URL, { keyPrefix: prefix, connectTimeout: 3000, ...(maxPending !== undefined ? { maxPending } : {}) })),
  );
  closers.push(...opened.map((s) => () => s.close()));
  return opened;
}

function pending(nonce: string, localUser: string): PendingRegistration {
  return { registrationNonce: nonce, localUser, variant: 'registration', createdAt: Date.now(), expiresAt: Date.now() + 60_000 };
}

it('stores a registration under hashed, prefixed keys and gives it out once', async () => {
  const [store] = await stores(1);
  await store!.save(pending('nonce-1', 'user-1'));
  const keys = await redis.keys(`${prefix}*`);
  expect(keys.length).toBeGreaterThan(0);
  for (const key of keys) {
    expect(key).not.toContain('nonce-1');
    expect(key).not.toContain('user-1');
  }
  expect(await store!.consume('nonce-1')).toMatchObject({ registrationNonce: 'nonce-1', localUser: 'user-1' });
  expect(await store!.consume('nonce-1')).toBeUndefined();
});

it('does not trust a record that is not a registration, or belongs to another nonce', async () => {
  const [store] = await stores(1);
  await store!.save(pending('nonce-1', 'user-1'));
  const [key] = await redis.keys(`${prefix}registration:*`);
  await redis.set(key as string, JSON.stringify(pending('other', 'user-1')));
  expect(await store!.consume('nonce-1')).toBeUndefined();
  await store!.save(pending('nonce-1', 'user-1'));
  await redis.set(key as string, '{not json');
  expect(await store!.consume('nonce-1')).toBeUndefined();
});

it('keeps one live nonce per local user across instances: a new start replaces the previous one', async () => {
  const [a, b] = await stores(2);
  await a!.save(pending('alice-1', 'alice'));
  await a!.save(pending('bob-1', 'bob'));
  await b!.save(pending('alice-2', 'alice'));
  expect(await a!.consume('alice-1')).toBeUndefined();
  expect(await a!.consume('alice-2')).toMatchObject({ localUser: 'alice' });
  expect(await b!.consume('bob-1')).toMatchObject({ localUser: 'bob' });
});

it('refuses new starts when full, keeps everybody else’s, and makes room when one is consumed', async () => {
  const [a, b] = await stores(2, 3);
  await a!.save(pending('a-1', 'alice'));
  await b!.save(pending('b-1', 'bob'));
  await a!.save(pending('c-1', 'carol'));
  const refused = b!.save(pending('m-1', 'mallory'));
  await expect(refused).rejects.toBeInstanceOf(RegistrationStoreFullError);
  await expect(refused).rejects.toMatchObject({ code: 'registration_unavailable', status: 503, limit: 3 });
  await b!.save(pending('a-2', 'alice'));
  expect(await b!.consume('b-1')).toMatchObject({ localUser: 'bob' });
  await a!.save(pending('m-1', 'mallory'));
  for (const [nonce, user] of [['c-1', 'carol'], ['a-2', 'alice'], ['m-1', 'mallory']] as const) {
    expect(await a!.consume(nonce)).toMatchObject({ localUser: user });
  }
});

it('one user starting over and over, on two instances at once, cancels nobody else’s account creation', async () => {
  const [a, b] = await stores(2, 5);
  await a!.save(pending('victim', 'bob'));
  await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a! : b!).save(pending(`flood-${i}`, 'mallory'))));
  expect(await redis.zcard(`${prefix}registrations`)).toBe(2);
  expect(await b!.consume('victim')).toMatchObject({ localUser: 'bob' });
});

it('never exceeds the limit when instances race to save for different users', async () => {
  const [a, b] = await stores(2, 5);
  const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => (i % 2 ? a! : b!).save(pending(`n-${i}`, `user-${i}`))));
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
  for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(RegistrationStoreFullError);
  expect(await redis.zcard(`${prefix}registrations`)).toBe(5);
});
