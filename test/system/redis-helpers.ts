/**
 * Redis for the system tests: REDIS_URL (default redis://127.0.0.1:6379). Unreachable Redis
 * FAILS the tests with a message saying what to do; they never skip. Every test gets its own key
 * prefix and removes its keys afterwards, so tests can share one Redis with anything else.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisRegistrationStore } from '../../src/index.js';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A plain client for the test's own inspection and clean-up; throws a clear error when Redis is down. */
export async function connectRedis(): Promise<Redis> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => null });
  let lastError: Error | undefined;
  client.on('error', (error: Error) => (lastError = error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw new Error(
      `Redis is not reachable at ${REDIS_URL} (${(lastError ?? (error as Error)).message}). These tests need a running Redis: ` +
        'apt-get install redis-server && redis-server --daemonize yes --bind 127.0.0.1 --port 6379 (or set REDIS_URL). .ci/run does this.',
    );
  }
  return client;
}

export function testPrefix(): string {
  return `mojeid-test:${randomUUID()}:`;
}

/** Stores as two app instances would have them: separate connections, one prefix. */
export async function storesFor(prefix: string, count: number): Promise<Array<RedisRegistrationStore & { close(): Promise<void> }>> {
  return Promise.all(Array.from({ length: count }, () => RedisRegistrationStore.connect(REDIS_URL, { keyPrefix: prefix, connectTimeout: 3000 })));
}

export async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
