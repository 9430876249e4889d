/**
 * `RedisRegistrationStore` without a Redis server: the commands it sends (read by a small fake
 * with Redis's semantics for them) and its failure when Redis is unreachable. The real thing, on
 * two instances, is tested in test/system/redis-shared-store.test.ts.
 */
import { RedisRegistrationStore, type RedisCommandClient } from '../../src/index.js';

/** SET … PX … [NX], EVAL of the consume script, DEL: enough of Redis for the store. */
class FakeRedis implements RedisCommandClient {
  readonly data = new Map<string, string>();
  readonly commands: string[] = [];
  async call(command: string, ...args: Array<string | number>): Promise<unknown> {
    this.commands.push(command);
    if (command === 'SET') {
      const [key, value, , , nx] = args.map(String);
      if (nx === 'NX' && this.data.has(key as string)) return null;
      this.data.set(key as string, value as string);
      return 'OK';
    }
    if (command === 'EVAL') {
      const key = String(args[2]);
      const value = this.data.get(key) ?? null;
      this.data.delete(key);
      return value;
    }
    if (command === 'DEL') return this.data.delete(String(args[0])) ? 1 : 0;
    throw new Error(`unexpected ${command}`);
  }
}

const registration = { registrationNonce: 'nonce-1', localUser: 'u1', variant: 'registration' as const, createdAt: Date.now(), expiresAt: Date.now() + 60_000 };

it('stores a registration under a hashed, prefixed key and consumes it with one script call', async () => {
  const redis = new FakeRedis();
  const store = new RedisRegistrationStore({ client: redis, keyPrefix: 'shop:' });
  await store.save(registration);
  const [key] = [...redis.data.keys()];
  expect(key).toMatch(/^shop:registration:[A-Za-z0-9_-]{43}$/);
  expect(key).not.toContain('nonce-1');
  expect(await store.consume('nonce-1')).toEqual(registration);
  expect(await store.consume('nonce-1')).toBeUndefined();
  expect(redis.commands).toEqual(['SET', 'EVAL', 'EVAL']);
});

it('does not trust a record that is not a registration, or belongs to another nonce', async () => {
  const redis = new FakeRedis();
  const store = new RedisRegistrationStore({ client: redis });
  await store.save(registration);
  const [key] = [...redis.data.keys()];
  redis.data.set(key as string, JSON.stringify({ ...registration, registrationNonce: 'other' }));
  expect(await store.consume('nonce-1')).toBeUndefined();
  await store.save(registration);
  redis.data.set(key as string, '{not json');
  expect(await store.consume('nonce-1')).toBeUndefined();
});

it('marks deliveries with SET NX, and forgets them with DEL', async () => {
  const store = new RedisRegistrationStore({ client: new FakeRedis() });
  expect(await store.markDelivered('sub\nVALIDATED', 60)).toBe(true);
  expect(await store.markDelivered('sub\nVALIDATED', 60)).toBe(false);
  await store.forgetDelivered('sub\nVALIDATED');
  expect(await store.markDelivered('sub\nVALIDATED', 60)).toBe(true);
});

it('fails clearly, without the password, when Redis is not reachable', async () => {
  await expect(RedisRegistrationStore.connect('redis://:hunter2@127.0.0.1:1', { connectTimeout: 1000 })).rejects.toThrow(
    /^Redis is not reachable at redis:\/\/:\*\*\*@127\.0\.0\.1:1: .*ECONNREFUSED/,
  );
});

it('wants a client with call()', () => {
  expect(() => new RedisRegistrationStore({ client: {} as RedisCommandClient })).toThrow(TypeError);
});
