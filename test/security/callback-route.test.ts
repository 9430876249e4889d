/**
 * Which step a request is comes from its route, never from its query: a login route opened with
 * `?code=…&state=…` used to finish the login there, and the login route's handler, expecting a
 * redirect, turned the success into a 500 whose error carried the profile and its tokens.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { MojeIdStrategy } from '../../src/index.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { startTestProvider, type TestProvider } from '../helpers/test-provider.js';

const SUB = 'Usr-callback-route-1';

/** Every string and key reachable from `value`: own properties (enumerable or not) and `cause`s. */
function reachable(value: unknown, seen = new Set<unknown>(), out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) return out;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key === 'string') out.push(key);
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor && 'value' in descriptor) reachable(descriptor.value, seen, out);
  }
  return out;
}

function expectNoTokenOrClaim(errors: readonly unknown[]): void {
  for (const found of reachable(errors)) {
    expect(found).not.toMatch(/^(profile|tokens|accessToken|idToken|refreshToken|claims|raw)$/);
    expect(found).not.toMatch(/eyJ[\w-]+\.[\w-]+\./); // a JWT
    expect(found).not.toContain(SUB);
  }
}

let provider: TestProvider;
beforeEach(async () => {
  provider = await startTestProvider({ sub: SUB });
});
afterEach(async () => {
  await provider.close();
});

describe('the routers of mojeid()', () => {
  let app: TestApp;
  afterEach(async () => {
    await app?.close();
  });

  it('starts a new login when the login route carries a real code and state, and no error carries a token or claim', async () => {
    app = await startApp({ issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret });
    const browser = new TestBrowser();
    const started = await browser.get(`${app.origin}/auth/mojeid/login`);
    const answered = await browser.get(started.location as string);
    const callback = new URL(answered.location as string);
    expect(callback.searchParams.get('code')).toBeTruthy();

    const onLogin = await browser.get(`${app.origin}/auth/mojeid/login${callback.search}`);
    expect(onLogin.status).toBe(302);
    expect(new URL(onLogin.location as string).origin).toBe(provider.origin);
    expect((await browser.get(`${app.origin}/me`)).status).toBe(401);
    expectNoTokenOrClaim(app.errors);
    expect(app.errors).toEqual([]);

    // The code was not spent on the login route: the real callback still finishes the login.
    const finished = await browser.get(callback);
    expect(finished.status).toBe(303);
    expect((await browser.get(`${app.origin}/me`)).status).toBe(200);
  });

  it('finishes a login on the callback route under a variant path Express routes to it (/CALLBACK/)', async () => {
    app = await startApp({ issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret });
    const browser = new TestBrowser();
    const started = await browser.get(`${app.origin}/auth/mojeid/login`);
    const answered = await browser.get(started.location as string);
    const finished = await browser.get(`${app.origin}/auth/mojeid/CALLBACK/${new URL(answered.location as string).search}`);
    expect(finished.status).toBe(303);
    expect((await browser.get(`${app.origin}/me`)).status).toBe(200);
  });
});

describe('the strategy on routes of the app (quick-start, "Using the strategy without the routers")', () => {
  let origin: string;
  let server: http.Server;
  let strategy: MojeIdStrategy;
  const sockets = new Set<Socket>();

  beforeEach(async () => {
    server = http.createServer();
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const passport = new Passport();
    passport.serializeUser((user, done) => done(null, user));
    passport.deserializeUser((user: Express.User, done) => done(null, user));
    strategy = new MojeIdStrategy(
      { useEnvironment: false, issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, baseUrl: origin, scope: 'openid email' },
      (profile, done) => done(null, { id: profile.id }),
    );
    passport.use(strategy);
    const app = express();
    app.use(session({ secret: 'test-session-secret', resave: false, saveUninitialized: false }));
    app.use(passport.session());
    app.get('/login', passport.authenticate('mojeid'));
    app.get('/auth/mojeid/callback', passport.authenticate('mojeid', { failureRedirect: '/login-failed' }), (_req, res) => res.redirect('/'));
    app.get('/me', (req, res) => void (req.isAuthenticated() ? res.json(req.user) : res.status(401).end()));
    server.on('request', app);
  });

  afterEach(async () => {
    strategy.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('keeps working: a login through /login and /auth/mojeid/callback', async () => {
    const browser = new TestBrowser();
    const started = await browser.get(`${origin}/login`);
    expect(new URL(started.location as string).origin).toBe(provider.origin);
    const answered = await browser.get(started.location as string);
    const finished = await browser.get(answered.location as string);
    expect(finished.location).toBe(`${origin}/`);
    expect(JSON.parse((await browser.get(`${origin}/me`)).body)).toEqual({ id: SUB });
  });

  it('starts a login on /login even with ?code=…&state=…, and treats /auth/mojeid/callback/ without parameters as a callback', async () => {
    const browser = new TestBrowser();
    const onLogin = await browser.get(`${origin}/login?code=x&state=y`);
    expect(new URL(onLogin.location as string).origin).toBe(provider.origin);
    // A bare callback under a variant path Express routes to the callback: refused, no new login.
    const bare = await browser.get(`${origin}/auth/mojeid/callback/`);
    expect(bare.location).toBe(`${origin}/login-failed`);
  });
});
