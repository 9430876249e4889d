/**
 * Offline access against the real simulator, through a real Express app and openid-client: the
 * login asks for `offline_access` with `prompt=consent` (field notes), verify gets the refresh
 * token, `refreshMojeIdClaims` reads fresh UserInfo and hands back the rotated token, and every
 * dead token (rotated away, revoked, garbage, another client's) is `refresh_token_invalid`.
 */
import { loginThroughSimulator, startSimulator, type RunningSimulator } from 'mojeid-simulator';
import { startApp, type TestApp } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import {
  defaultUser,
  mojeid,
  refreshMojeIdClaims,
  resolveConfig,
  revokeMojeIdRefreshToken,
  RefreshTokenError,
  ConfigurationError,
  type MojeIdAuthenticateOptions,
  type MojeIdProfile,
  type MojeIdRouterOptions,
  type VerifyCallback,
} from '../../src/index.js';
import { combineLoginOptions } from '../../src/login-options.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';

const CLIENT = { client_id: 'offlineClnt1', client_secret: 'offline-secret-for-tests-only' };
const OTHER = { client_id: 'otherClient1', client_secret: 'other-secret-for-tests-only' };

let simulator: RunningSimulator;
const apps: TestApp[] = [];

async function appFor(client: { client_id: string; client_secret: string }, profiles: MojeIdProfile[], options: MojeIdRouterOptions = {}): Promise<TestApp> {
  const app = await startApp({
    issuer: simulator.issuer,
    clientId: client.client_id,
    clientSecret: client.client_secret,
    scope: 'openid email',
    verify: (profile: MojeIdProfile, done: VerifyCallback) => {
      profiles.push(profile);
      done(null, defaultUser(profile) as Express.User);
    },
    ...options,
  } as MojeIdRouterOptions);
  apps.push(app);
  simulator.addClient({ ...client, redirect_uris: [`${app.origin}/auth/mojeid/callback`] });
  return app;
}

async function login(app: TestApp, account = 'partial'): Promise<{ browser: TestBrowser; authorization: URL }> {
  const browser = new TestBrowser();
  const started = await browser.get(`${app.origin}/auth/mojeid/login`);
  expect(started.status).toBe(302);
  const authorization = new URL(started.location as string);
  const callback = await loginThroughSimulator(authorization, { account });
  const done = await browser.get(callback);
  expect(done.status).toBe(303);
  return { browser, authorization };
}

beforeEach(async () => {
  simulator = await startSimulator();
});

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  await simulator.close();
});

describe('a login with offlineAccess', () => {
  it('asks for offline_access with prompt=consent, and verify gets a refresh token the session never sees', async () => {
    const profiles: MojeIdProfile[] = [];
    const app = await appFor(CLIENT, profiles, { offlineAccess: true, prompt: 'login' });
    const { browser, authorization } = await login(app);
    expect(authorization.searchParams.get('scope')?.split(' ')).toEqual(['openid', 'email', 'offline_access']);
    expect(authorization.searchParams.get('prompt')).toBe('login consent');
    expect(profiles[0]?.tokens.refreshToken).toEqual(expect.any(String));
    const me = await browser.get(`${app.origin}/me`);
    expect(me.status).toBe(200);
    expect(me.body).not.toContain(profiles[0]?.tokens.refreshToken as string);
    expect(me.body).not.toMatch(/refresh/i);
  });

  it('without it, asks for neither and gets no refresh token', async () => {
    const profiles: MojeIdProfile[] = [];
    const app = await appFor(CLIENT, profiles);
    const { authorization } = await login(app);
    expect(authorization.searchParams.get('scope')).toBe('openid email');
    expect(authorization.searchParams.has('prompt')).toBe(false);
    expect(profiles[0]?.tokens.refreshToken).toBeUndefined();
  });
});

describe('offlineAccess per request', () => {
  it("passport.authenticate('mojeid', { offlineAccess: true }) on an app's own route asks for it on that login only", async () => {
    const profiles: MojeIdProfile[] = [];
    const passport = new Passport();
    passport.serializeUser((user, done) => done(null, user));
    passport.deserializeUser((user: Express.User, done) => done(null, user));
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const router = mojeid({
      useEnvironment: false,
      passport,
      issuer: simulator.issuer,
      clientId: CLIENT.client_id,
      clientSecret: CLIENT.client_secret,
      baseUrl: origin,
      verify: (profile: MojeIdProfile, done: VerifyCallback) => {
        profiles.push(profile);
        done(null, defaultUser(profile) as Express.User);
      },
    });
    simulator.addClient({ ...CLIENT, redirect_uris: [`${origin}/auth/mojeid/callback`] });
    const app = express();
    app.use(session({ secret: 'test-session-secret', resave: false, saveUninitialized: false }));
    app.use(passport.session());
    app.use(router);
    const withRefreshToken: MojeIdAuthenticateOptions = { offlineAccess: true };
    app.get('/settings/address-sync', passport.authenticate('mojeid', withRefreshToken));
    server.on('request', app);
    try {
      const browser = new TestBrowser();
      const plain = new URL((await browser.get(`${origin}/auth/mojeid/login`)).location as string);
      expect(plain.searchParams.get('scope')).toBe('openid');
      const started = await browser.get(`${origin}/settings/address-sync`);
      expect(started.status).toBe(302);
      const authorization = new URL(started.location as string);
      expect(authorization.searchParams.get('scope')).toBe('openid offline_access');
      expect(authorization.searchParams.get('prompt')).toBe('consent');
      expect((await browser.get(await loginThroughSimulator(authorization, { account: 'partial' }))).status).toBe(303);
      expect(profiles[0]?.tokens.refreshToken).toEqual(expect.any(String));
    } finally {
      router.strategy.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('refreshMojeIdClaims', () => {
  it('reads the claims as they are now and returns the rotated token; the rotated-away one is dead', async () => {
    const profiles: MojeIdProfile[] = [];
    const app = await appFor(CLIENT, profiles, { offlineAccess: true });
    await login(app);
    const profile = profiles[0] as MojeIdProfile;
    const first = profile.tokens.refreshToken as string;
    expect(profile.claims.email).toBe('petra.svobodova@example.cz');

    simulator.updateClaims('partial', { email: 'petra.nova@example.cz' });
    const refreshed = await refreshMojeIdClaims(app.router, { refreshToken: first, sub: profile.id });
    expect(refreshed.sub).toBe(profile.id);
    expect(refreshed.claims.email).toBe('petra.nova@example.cz');
    expect(refreshed.rotated).toBe(true);
    expect(refreshed.refreshToken).not.toBe(first);

    // The stored token moves on; a second refresh with it works and rotates again.
    const again = await refreshMojeIdClaims(app.router.strategy, { refreshToken: refreshed.refreshToken, sub: profile.id });
    expect(again.refreshToken).not.toBe(refreshed.refreshToken);

    const stale = refreshMojeIdClaims(app.router, { refreshToken: first, sub: profile.id });
    await expect(stale).rejects.toBeInstanceOf(RefreshTokenError);
    await expect(stale).rejects.toMatchObject({ code: 'refresh_token_invalid', providerError: 'invalid_grant' });
  });

  it('refuses a token the user revoked at mojeID, and the app keeps nothing new', async () => {
    const profiles: MojeIdProfile[] = [];
    const app = await appFor(CLIENT, profiles, { offlineAccess: true });
    await login(app);
    const profile = profiles[0] as MojeIdProfile;
    // A tiny store as an app keeps it: replaced only by a successful refresh.
    const store = new Map([[profile.id, profile.tokens.refreshToken as string]]);
    expect(simulator.revokeGrants('partial')).toBeGreaterThan(0);
    const attempt = refreshMojeIdClaims(app.router, { refreshToken: store.get(profile.id) as string, sub: profile.id }).then((r) => store.set(profile.id, r.refreshToken));
    await expect(attempt).rejects.toMatchObject({ code: 'refresh_token_invalid' });
    expect(store.get(profile.id)).toBe(profile.tokens.refreshToken);
  });

  it('refuses garbage and an empty token', async () => {
    const app = await appFor(CLIENT, [], { offlineAccess: true });
    await expect(refreshMojeIdClaims(app.router, { refreshToken: 'not-a-refresh-token', sub: 'abc' })).rejects.toMatchObject({ code: 'refresh_token_invalid' });
    await expect(refreshMojeIdClaims(app.router, { refreshToken: '', sub: 'abc' })).rejects.toMatchObject({ code: 'refresh_token_invalid' });
  });

  it("refuses another client's refresh token", async () => {
    const otherProfiles: MojeIdProfile[] = [];
    const ours = await appFor(CLIENT, [], { offlineAccess: true });
    const theirs = await appFor(OTHER, otherProfiles, { offlineAccess: true });
    await login(theirs);
    const foreign = otherProfiles[0] as MojeIdProfile;
    await expect(refreshMojeIdClaims(ours.router, { refreshToken: foreign.tokens.refreshToken as string, sub: foreign.id })).rejects.toMatchObject({
      code: 'refresh_token_invalid',
    });
    // Still good for its own client: the refusal did not touch it.
    await expect(refreshMojeIdClaims(theirs.router, { refreshToken: foreign.tokens.refreshToken as string, sub: foreign.id })).resolves.toMatchObject({ sub: foreign.id });
  });

  it("refuses a token stored with another user's sub", async () => {
    const profiles: MojeIdProfile[] = [];
    const app = await appFor(CLIENT, profiles, { offlineAccess: true });
    await login(app);
    await expect(refreshMojeIdClaims(app.router, { refreshToken: profiles[0]?.tokens.refreshToken as string, sub: 'someoneElse1' })).rejects.toMatchObject({
      code: 'refresh_token_invalid',
    });
  });

  it('is provider_unavailable when mojeID does not answer', async () => {
    const profiles: MojeIdProfile[] = [];
    const app = await appFor(CLIENT, profiles, { offlineAccess: true, httpTimeout: 2 });
    await login(app);
    await simulator.close();
    await expect(refreshMojeIdClaims(app.router, { refreshToken: profiles[0]?.tokens.refreshToken as string, sub: profiles[0]?.id as string })).rejects.toMatchObject({
      code: 'provider_unavailable',
    });
  });
});

describe('revokeMojeIdRefreshToken', () => {
  it('sends nothing when discovery names no revocation_endpoint, as production does', async () => {
    const app = await appFor(CLIENT, [], { offlineAccess: true });
    await expect(revokeMojeIdRefreshToken(app.router, 'any-token')).resolves.toBe('not_supported');
  });
});

describe('offlineAccess options', () => {
  const base = { useEnvironment: false, issuer: 'https://mojeid.cz/oidc/', clientId: 'abc', clientSecret: 'x', baseUrl: 'https://shop.example.cz' } as const;

  it('refuses prompt=none at configuration time', () => {
    expect(() => resolveConfig({ ...base, offlineAccess: true, prompt: 'none' })).toThrow(ConfigurationError);
    expect(() => resolveConfig({ ...base, offlineAccess: true, prompt: 'none' })).toThrow(/MOJEID_OFFLINE_ACCESS/);
  });

  it('reads MOJEID_OFFLINE_ACCESS, and treats the offline_access scope as the same setting', () => {
    const fromEnv = resolveConfig({ env: { MOJEID_OFFLINE_ACCESS: 'true', MOJEID_ISSUER: base.issuer, MOJEID_CLIENT_ID: 'abc', MOJEID_CLIENT_SECRET: 'x', MOJEID_BASE_URL: base.baseUrl } });
    expect(fromEnv.offlineAccess).toBe(true);
    const fromScope = resolveConfig({ ...base, scope: 'openid offline_access email' });
    expect(fromScope.offlineAccess).toBe(true);
    expect(fromScope.scope).toEqual(['openid', 'email']);
    expect(() => resolveConfig({ env: { MOJEID_OFFLINE_ACCESS: 'maybe' }, ...base, useEnvironment: true })).toThrow(/MOJEID_OFFLINE_ACCESS/);
  });

  it('per request: adds consent to the prompt, refuses none and non-booleans', () => {
    const config = resolveConfig(base);
    expect(combineLoginOptions(config, { offlineAccess: true })).toMatchObject({ offlineAccess: true, prompt: 'consent' });
    expect(combineLoginOptions(config, { offlineAccess: true, prompt: 'consent login' })).toMatchObject({ prompt: 'consent login' });
    expect(() => combineLoginOptions(config, { offlineAccess: true, prompt: 'none' })).toThrow(ConfigurationError);
    expect(() => combineLoginOptions(config, { offlineAccess: 'yes' as unknown as boolean })).toThrow(/offlineAccess/);
    const always = resolveConfig({ ...base, offlineAccess: true });
    expect(combineLoginOptions(always, {})).toMatchObject({ offlineAccess: true, prompt: 'consent' });
    expect(combineLoginOptions(always, { offlineAccess: false })).toMatchObject({ offlineAccess: false, prompt: undefined });
  });
});
