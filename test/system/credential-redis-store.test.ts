/**
 * `RedisCredentialStore` with a real Redis (Debian's `redis-server`, started here on a Unix socket
 * in a temporary directory) and ioredis: two app instances share renewed credentials (§5.1.3).
 * Fails, never skips, when redis-server is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { CredentialRenewal, RedisCredentialStore, registerClient, type CredentialsRenewedEvent } from '../../src/index.js';
import { startSimulator, type RunningSimulator } from 'mojeid-simulator';

let redis: ChildProcess;
let client: Redis;
let socket: string;
let sim: RunningSimulator;

beforeAll(async () => {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'mojeid-redis-'));
  socket = path.join(directory, 'redis.sock');
  redis = spawn('redis-server', ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  redis.on('error', (error) => {
    throw new Error(`redis-server could not start (apt-get install redis-server): ${error.message}`);
  });
  const deadline = Date.now() + 10_000;
  while (!existsSync(socket)) {
    if (Date.now() > deadline) throw new Error('redis-server did not create its socket within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  client = new Redis({ path: socket, lazyConnect: false, maxRetriesPerRequest: 1 });
  sim = await startSimulator();
});

afterAll(async () => {
  client?.disconnect();
  redis?.kill();
  await sim?.close();
});

it('stores credentials under one key, and a second instance adopts what the first renewed', async () => {
  const registration = await registerClient({ redirect_uris: ['http://127.0.0.1:1/cb'] }, { issuer: sim.issuer });
  const configured = {
    client_id: registration.client_id,
    client_secret: registration.client_secret as string,
    client_secret_expires_at: registration.client_secret_expires_at,
    registration_access_token: registration.registration_access_token as string,
    registration_client_uri: registration.registration_client_uri as string,
  };
  const store = new RedisCredentialStore({ client, key: `test:${registration.client_id}` });
  expect(await store.load()).toBeUndefined();

  const renewed: CredentialsRenewedEvent[] = [];
  const first = new CredentialRenewal({ issuer: sim.issuer, configured, store, margin: 60, timeout: 5, onCredentialsRenewed: (e) => void renewed.push(e) });
  const second = new CredentialRenewal({ issuer: sim.issuer, configured, store, margin: 60, timeout: 5 });
  try {
    await Promise.all([first.ready, second.ready]);
    await first.renewNow();
    expect(renewed).toHaveLength(1);
    const stored = await store.load();
    expect(stored?.client_secret).toBe(first.current()?.clientSecret);
    expect(JSON.parse((await client.get(`test:${registration.client_id}`)) as string)).toMatchObject({ client_id: registration.client_id });

    // The second instance still has the old secret until mojeID refuses it; then it looks in Redis.
    expect(second.current()?.clientSecret).toBe(registration.client_secret);
    await second.refresh();
    expect(second.current()?.clientSecret).toBe(first.current()?.clientSecret);
  } finally {
    first.close();
    second.close();
  }
});

it('keeps one renewal lock holder at a time; only the holder releases it, and it expires by itself', async () => {
  const store = new RedisCredentialStore({ client, key: 'test:lock-semantics' });
  const secondClient = new Redis({ path: socket, maxRetriesPerRequest: 1 });
  const other = new RedisCredentialStore({ client: secondClient, key: 'test:lock-semantics' });
  try {
    const first = await store.lock(60_000);
    expect(first).toBeDefined();
    expect(await other.lock(60_000)).toBeUndefined();
    await first?.release();
    const second = await other.lock(60_000);
    expect(second).toBeDefined();
    // A release by a former holder does not free the current holder's lock.
    await first?.release();
    expect(await store.lock(60_000)).toBeUndefined();
    await second?.release();
    const short = await store.lock(50);
    expect(short).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await other.lock(60_000)).toBeDefined();
  } finally {
    await client.call('DEL', 'test:lock-semantics:lock');
    secondClient.disconnect();
  }
});
