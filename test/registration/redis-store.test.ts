/**
 * `RedisRegistrationStore` without a Redis server: the delivery records' commands (read by a small
 * fake with Redis's semantics for them), its options and its failure when Redis is unreachable.
 * Saving and consuming nonces are Lua scripts, tested against a real Redis only:
 * test/system/redis-registration-store.test.ts and test/system/redis-shared-store.test.ts.
 */
import { RedisRegistrationStore, type RedisCommandClient } from '../../src/index.js';

/** SET … PX … [NX] and DEL: enough of Redis for the delivery records. */
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
    if (command === 'DEL') return this.data.delete(String(args[0])) ? 1 : 0;
    throw new Error(`unexpected ${command}`);
  }
}

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

it('wants a client with call(), and a positive whole maxPending', () => {
  expect(() => new RedisRegistrationStore({ client: {} as RedisCommandClient })).toThrow(TypeError);
  expect(() => new RedisRegistrationStore({ client: new FakeRedis(), maxPending: 0 })).toThrow(/maxPending/);
  expect(() => new RedisRegistrationStore({ client: new FakeRedis(), maxPending: 1.5 })).toThrow(/maxPending/);
});
