/**
 * The library's session contract against a real store: connect-redis on the Redis at REDIS_URL,
 * the simulator as mojeID. A session that exists only for a pending login gets the pending
 * login's lifetime as its key's expiry (`TTL sess:<id>` ≈ pendingLoginTtl, 600 s by default), so a
 * flood of cookieless login starts cannot fill Redis for good; a session holding the app's data
 * (a cart) or a logged-in user keeps the app's lifetime, whichever came first.
 *
 * Needs Redis at REDIS_URL (default redis://127.0.0.1:6379); without it these tests FAIL.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RedisStore } from 'connect-redis';
import express from 'express';
import session from 'express-session';
import type { Redis } from 'ioredis';
import { Passport } from 'passport';
import { createClient } from 'redis';
import { mojeid, type MojeIdRouterOptions } from '../../src/index.js';
import { loginThroughSimulator, startSimulator, type RunningSimulator } from 'mojeid-simulator';
import { Client } from '../example-app/harness.js';
import { REDIS_URL, connectRedis, deleteKeys, testPrefix } from './redis-helpers.js';

const EIGHT_HOURS = 8 * 3600;

let redis: Redis;
let simulator: RunningSimulator;
let prefix: string;
let closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  redis = await connectRedis();
  simulator = await startSimulator({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await simulator?.close();
  await redis?.quit();
});

beforeEach(() => {
  prefix = testPrefix();
});

afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers = [];
  await deleteKeys(redis, prefix);
});

/** An app as an app would be written: connect-redis sessions, Passport, `mojeid()`, and a cart. */
async function startApp(options: Partial<MojeIdRouterOptions> = {}, cookie: session.CookieOptions = { maxAge: EIGHT_HOURS * 1000 }): Promise<{ url(path: string): string }> {
  const client = createClient({ url: REDIS_URL });
  client.on('error', () => undefined);
  await client.connect();
  closers.push(() => client.close());
  const passport = new Passport();
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = `session-ttl-${prefix}`;
  simulator.addClient({ client_id: clientId, client_secret: 'session-ttl-secret', redirect_uris: [`${origin}/auth/mojeid/callback`] });
  const router = mojeid({
    useEnvironment: false,
    passport,
    logger: { warn: () => undefined },
    issuer: simulator.issuer,
    clientId,
    clientSecret: 'session-ttl-secret',
    baseUrl: origin,
    ...options,
  } as MojeIdRouterOptions);
  closers.push(async () => router.strategy.close());
  const app = express();
  app.use(session({ store: new RedisStore({ client, prefix: `${prefix}sess:` }), secret: 'session-ttl-test-secret', resave: false, saveUninitialized: false, name: 'sid', cookie }));
  app.use(passport.session());
  app.use(router);
  app.get('/cart', (req, res) => {
    (req.session as unknown as Record<string, unknown>)['cart'] = ['book'];
    res.send('ok');
  });
  server.on('request', app);
  return { url: (path) => new URL(path, origin).href };
}

/** The TTL of the one session key in Redis, in seconds. */
async function sessionTtl(): Promise<number> {
  const keys = await redis.keys(`${prefix}sess:*`);
  expect(keys).toHaveLength(1);
  return redis.ttl(keys[0] as string);
}

async function startLogin(app: { url(path: string): string }, browser: Client): Promise<URL> {
  const start = await browser.get(app.url('/auth/mojeid/login'));
  expect(start.status).toBe(302);
  return new URL(start.location as string);
}

describe('the session contract with connect-redis', () => {
  it('gives a session made only for a pending login the login’s lifetime: TTL ≈ 600 s', async () => {
    const app = await startApp();
    await startLogin(app, new Client());
    const ttl = await sessionTtl();
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  it('keeps that lifetime when a later request only touches the session (connect-redis EXPIRE)', async () => {
    const app = await startApp();
    const browser = new Client();
    await startLogin(app, browser);
    expect((await browser.get(app.url('/elsewhere'))).status).toBe(404);
    const ttl = await sessionTtl();
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  it('follows pendingLoginTtl, and does so without a cookie maxAge too', async () => {
    const app = await startApp({ pendingLoginTtl: 300 }, {});
    await startLogin(app, new Client());
    const ttl = await sessionTtl();
    expect(ttl).toBeGreaterThan(290);
    expect(ttl).toBeLessThanOrEqual(300);
  });

  it('keeps the app’s lifetime for a cart made before the login started', async () => {
    const app = await startApp();
    const browser = new Client();
    await browser.get(app.url('/cart'));
    expect(await sessionTtl()).toBeGreaterThan(EIGHT_HOURS - 10);
    await startLogin(app, browser);
    expect(await sessionTtl()).toBeGreaterThan(EIGHT_HOURS - 10);
  });

  it('gives the app’s lifetime back when a cart is made after the login started', async () => {
    const app = await startApp();
    const browser = new Client();
    await startLogin(app, browser);
    expect(await sessionTtl()).toBeLessThanOrEqual(600);
    await browser.get(app.url('/cart'));
    expect(await sessionTtl()).toBeGreaterThan(EIGHT_HOURS - 10);
  });

  it('gives a logged-in session the app’s lifetime, and keeps it through another login start', async () => {
    const app = await startApp();
    const browser = new Client();
    const callback = await loginThroughSimulator(await startLogin(app, browser), { account: 'partial' });
    const done = await browser.get(app.url(`${callback.pathname}${callback.search}`));
    expect(done.status).toBe(303);
    // Logging in regenerated the session: the pending-only one is gone, one key is left.
    expect(await sessionTtl()).toBeGreaterThan(EIGHT_HOURS - 10);
    await startLogin(app, browser);
    expect(await sessionTtl()).toBeGreaterThan(EIGHT_HOURS - 10);
  });

  it('keeps no key for good after a flood of cookieless login starts', async () => {
    const app = await startApp({}, {});
    for (let i = 0; i < 20; i += 1) await startLogin(app, new Client());
    const keys = await redis.keys(`${prefix}sess:*`);
    expect(keys).toHaveLength(20);
    const ttls = await Promise.all(keys.map((key) => redis.ttl(key)));
    // -1 would be a key without expiry: connect-redis's own default without maxAge is a day.
    expect(ttls.every((ttl) => ttl > 0 && ttl <= 600)).toBe(true);
  });
});
