/**
 * A session that exists only for a pending login expires with it: a flood of cookieless login
 * starts cannot fill the session store for good. Sessions with the app's own data, and the
 * logged-in session that replaces it, keep the app's cookie settings.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { mojeid, type MojeIdRouterOptions } from '../../src/index.js';
import { TestBrowser } from '../helpers/browser.js';
import { startTestProvider, type TestProvider } from '../helpers/test-provider.js';

let provider: TestProvider;
let server: http.Server | undefined;
let close: (() => void) | undefined;
const others: Array<{ server: http.Server; close: () => void }> = [];

interface App {
  origin: string;
  store: session.MemoryStore;
}

async function startApp(options: Partial<MojeIdRouterOptions> = {}, cookie: session.CookieOptions = {}, store = new session.MemoryStore()): Promise<App> {
  if (server) others.push({ server, close: close ?? (() => undefined) });
  const passport = new Passport();
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));
  server = http.createServer();
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const router = mojeid({
    useEnvironment: false,
    passport,
    logger: { warn: () => undefined },
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    baseUrl: origin,
    ...options,
  } as MojeIdRouterOptions);
  close = () => router.strategy.close();
  const app = express();
  app.use(session({ secret: 'test', resave: false, saveUninitialized: false, store, name: 'sid', cookie }));
  app.use(passport.session());
  app.use(router);
  app.get('/cart', (req, res) => {
    (req.session as unknown as Record<string, unknown>)['cart'] = ['book'];
    res.send('ok');
  });
  server.on('request', app);
  return { origin, store };
}

function sessionCookie(headers: Headers): string | undefined {
  return headers.getSetCookie().find((line) => line.startsWith('sid='));
}

function sessionCount(store: session.MemoryStore): Promise<number> {
  // MemoryStore drops expired sessions when it reads them, as `length` does.
  return new Promise((resolve, reject) => store.length((error, length) => (error ? reject(error) : resolve(length ?? 0))));
}

beforeEach(async () => {
  provider = await startTestProvider();
});

afterEach(async () => {
  for (const other of others.splice(0)) {
    other.close();
    await new Promise<void>((resolve) => other.server.close(() => resolve()));
  }
  close?.();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  await provider.close();
});

describe('a session created only for a pending login', () => {
  it('lives as long as the pending login (pendingLoginTtl), not forever', async () => {
    const app = await startApp();
    const started = await new TestBrowser().get(`${app.origin}/auth/mojeid/login`);
    expect(started.status).toBe(302);
    expect(sessionCookie(started.headers)).toMatch(/; Expires=/);
    const expires = Date.parse(/Expires=([^;]+)/.exec(sessionCookie(started.headers) ?? '')?.[1] ?? '');
    expect(expires - Date.now()).toBeGreaterThan(590_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(600_000);
  });

  it('is dropped by the store once the TTL has passed: a cookieless flood leaves nothing behind', async () => {
    const app = await startApp({ pendingLoginTtl: 1 });
    for (let i = 0; i < 20; i += 1) expect((await new TestBrowser().get(`${app.origin}/auth/mojeid/login`)).status).toBe(302);
    expect(await sessionCount(app.store)).toBe(20);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await sessionCount(app.store)).toBe(0);
  });

  it("keeps an app's own shorter lifetime", async () => {
    const app = await startApp({}, { maxAge: 60_000 });
    const started = await new TestBrowser().get(`${app.origin}/auth/mojeid/login`);
    const expires = Date.parse(/Expires=([^;]+)/.exec(sessionCookie(started.headers) ?? '')?.[1] ?? '');
    expect(expires - Date.now()).toBeLessThanOrEqual(60_000);
    expect(expires - Date.now()).toBeGreaterThan(50_000);
  });

  it("gets the app's cookie settings back when the login succeeds (the session is regenerated)", async () => {
    const app = await startApp();
    const browser = new TestBrowser();
    const started = await browser.get(`${app.origin}/auth/mojeid/login`);
    expect(sessionCookie(started.headers)).toMatch(/Expires=/);
    const answered = await browser.get(started.location as string);
    const done = await browser.get(answered.location as string);
    expect(done.status).toBe(303);
    // express-session's default cookie: a browser-session cookie, no expiry.
    expect(sessionCookie(done.headers)).toBeDefined();
    expect(sessionCookie(done.headers)).not.toMatch(/Expires=|Max-Age=/i);
    const stored = await new Promise<session.SessionData | null | undefined>((resolve) => app.store.all((_e, all) => resolve(Object.values(all ?? {})[0])));
    expect(stored?.cookie.expires ?? null).toBeNull();
  });
});

describe("a session holding the app's own data", () => {
  it('keeps its lifetime when a login starts in it', async () => {
    const app = await startApp({ pendingLoginTtl: 1 });
    const browser = new TestBrowser();
    expect(sessionCookie((await browser.get(`${app.origin}/cart`)).headers)).not.toMatch(/Expires=/);
    const started = await browser.get(`${app.origin}/auth/mojeid/login`);
    expect(started.status).toBe(302);
    expect(sessionCookie(started.headers) ?? '').not.toMatch(/Expires=/);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await sessionCount(app.store)).toBe(1);
  });
});

describe('a session first used for a login, then by the app', () => {
  const EIGHT_HOURS = 8 * 3600_000;
  const expiresIn = (headers: Headers): number => Date.parse(/Expires=([^;]+)/.exec(sessionCookie(headers) ?? '')?.[1] ?? '') - Date.now();
  const stored = (store: session.MemoryStore): Promise<Record<string, unknown> & { cookie: session.Cookie }> =>
    new Promise((resolve) => store.all((_e, all) => resolve(Object.values(all ?? {})[0] as unknown as Record<string, unknown> & { cookie: session.Cookie })));

  it(`gets the app's browser-session cookie back once the app stores its own data (login start, then a cart)`, async () => {
    const app = await startApp();
    const browser = new TestBrowser();
    expect(sessionCookie((await browser.get(`${app.origin}/auth/mojeid/login`)).headers)).toMatch(/Expires=/);
    const cart = await browser.get(`${app.origin}/cart`);
    // The browser is told: a cookie without Expires, as the app configured.
    expect(sessionCookie(cart.headers)).toBeDefined();
    expect(sessionCookie(cart.headers)).not.toMatch(/Expires=|Max-Age=/i);
    expect(sessionCookie(cart.headers)).toMatch(/^sid=s%3A[^;]+; Path=\/; HttpOnly$/);
    expect(browser.cookie(app.origin, 'sid')).toBe(/^sid=([^;]+)/.exec(sessionCookie(cart.headers) ?? '')?.[1]);
    const kept = await stored(app.store);
    expect(kept['cart']).toEqual(['book']);
    expect(kept.cookie.originalMaxAge ?? null).toBeNull();
    expect(kept.cookie.expires ?? null).toBeNull();
    expect(Object.keys(kept).filter((key) => key === 'mojeid:appMaxAge')).toEqual([]);
  });

  it(`gets the app's 8-hour lifetime back, in the cookie and the store, and keeps it on the next login start (login start, then a cart)`, async () => {
    const app = await startApp({}, { maxAge: EIGHT_HOURS });
    const browser = new TestBrowser();
    expect(expiresIn((await browser.get(`${app.origin}/auth/mojeid/login`)).headers)).toBeLessThanOrEqual(600_000);
    expect(expiresIn((await browser.get(`${app.origin}/cart`)).headers)).toBeGreaterThan(EIGHT_HOURS - 60_000);
    expect((await stored(app.store)).cookie.originalMaxAge).toBe(EIGHT_HOURS);
    expect(expiresIn((await browser.get(`${app.origin}/auth/mojeid/login`)).headers)).toBeGreaterThan(EIGHT_HOURS - 60_000);
    expect((await stored(app.store)).cookie.originalMaxAge).toBe(EIGHT_HOURS);
  });

  it(`gets the app's lifetime back on another instance that never started a login (two instances, one store)`, async () => {
    const a = await startApp({}, { maxAge: EIGHT_HOURS });
    // Instance B: its own MemoryStore object over the same sessions, as two processes share Redis.
    const storeB = new session.MemoryStore();
    (storeB as unknown as { sessions: unknown }).sessions = (a.store as unknown as { sessions: unknown }).sessions;
    const b = await startApp({}, { maxAge: EIGHT_HOURS }, storeB);
    const browser = new TestBrowser();
    await new TestBrowser().get(`${b.origin}/auth/mojeid`); // B has served a request, but started no login
    expect(expiresIn((await browser.get(`${a.origin}/auth/mojeid/login`)).headers)).toBeLessThanOrEqual(600_000);
    browser.setCookie(b.origin, 'sid', browser.cookie(a.origin, 'sid') as string);
    expect(expiresIn((await browser.get(`${b.origin}/cart`)).headers)).toBeGreaterThan(EIGHT_HOURS - 60_000);
    expect((await stored(storeB)).cookie.originalMaxAge).toBe(EIGHT_HOURS);
  });

  it(`keeps the app's 8-hour lifetime when the cart comes first (a cart, then login start)`, async () => {
    const app = await startApp({}, { maxAge: EIGHT_HOURS });
    const browser = new TestBrowser();
    expect(expiresIn((await browser.get(`${app.origin}/cart`)).headers)).toBeGreaterThan(EIGHT_HOURS - 60_000);
    expect(expiresIn((await browser.get(`${app.origin}/auth/mojeid/login`)).headers)).toBeGreaterThan(EIGHT_HOURS - 60_000);
    expect((await stored(app.store)).cookie.originalMaxAge).toBe(EIGHT_HOURS);
  });
});
