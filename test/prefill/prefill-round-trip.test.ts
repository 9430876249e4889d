/**
 * Filling a guest form from mojeID (docs/prefill.md), black-box over real HTTP against the
 * simulator: the claims arrive once, nobody is logged in, verify is never called, and a replayed or
 * transplanted callback stores nothing.
 */
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { startSimulator, loginThroughSimulator, type RunningSimulator } from 'mojeid-simulator';
import { mojeid, takeMojeIdPrefill, type MojeIdError, type MojeIdRouter, type MojeIdRouterOptions } from '../../src/index.js';
import { TestBrowser } from '../helpers/browser.js';
import { listenOnLoopback } from '../helpers/loopback-server.js';

const CLIENT = { client_id: 'prefillClient', client_secret: 'prefill-secret-for-tests-only' };

interface PrefillApp {
  readonly origin: string;
  readonly errors: MojeIdError[];
  readonly verifyCalls: number;
  readonly store: session.MemoryStore;
  readonly router: MojeIdRouter;
  close(): Promise<void>;
}

let simulator: RunningSimulator;
let app: PrefillApp;

async function startPrefillApp(options: MojeIdRouterOptions = {}): Promise<PrefillApp> {
  const loopback = await listenOnLoopback();
  const { server } = loopback;
  const { origin } = loopback;
  const errors: MojeIdError[] = [];
  let verifyCalls = 0;
  const passport = new Passport();
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));
  const router = mojeid({
    useEnvironment: false,
    passport,
    logger: { warn: () => undefined },
    onError: (error) => void errors.push(error),
    issuer: simulator.issuer,
    clientId: CLIENT.client_id,
    clientSecret: CLIENT.client_secret,
    verify: (profile, done) => {
      verifyCalls += 1;
      done(null, { id: profile.id });
    },
    ...options,
    baseUrl: origin,
  } as MojeIdRouterOptions);
  const store = new session.MemoryStore();
  const web = express();
  web.use(session({ store, secret: 'prefill-test-secret', resave: false, saveUninitialized: false, name: 'sid' }));
  web.use(passport.session());
  web.use(router);
  // The app's own start, as docs/prefill.md shows it.
  web.get('/checkout/fill', passport.authenticate('mojeid', { purpose: 'prefill', returnTo: '/checkout' } as object));
  web.get('/checkout', (req, res) => void res.json({ prefill: takeMojeIdPrefill(req) ?? null, loggedIn: req.isAuthenticated(), sessionKeys: Object.keys(req.session) }));
  web.get('/cart', (req, res) => {
    (req.session as unknown as Record<string, unknown>)['cart'] = ['book'];
    res.json({ ok: true });
  });
  web.get('/me', (req, res) => void (req.isAuthenticated() ? res.json({ user: req.user }) : res.status(401).json({ error: 'login_required' })));
  server.on('request', web);
  simulator.addClient({ ...CLIENT, redirect_uris: [`${origin}/auth/mojeid/callback`], token_endpoint_auth_method: 'client_secret_basic' });
  return {
    origin,
    errors,
    get verifyCalls() {
      return verifyCalls;
    },
    store,
    router,
    close() {
      router.strategy.close();
      return loopback.close();
    },
  };
}

/** Everything every session in the store holds, as one string. */
function storedSessions(store: session.MemoryStore): Promise<string> {
  return new Promise((resolve, reject) => store.all((error, sessions) => (error ? reject(error as Error) : resolve(JSON.stringify(sessions ?? {})))));
}

interface Checkout {
  prefill: Record<string, unknown> | null;
  loggedIn: boolean;
  sessionKeys: string[];
}

async function checkout(browser: TestBrowser): Promise<Checkout> {
  const page = await browser.get(`${app.origin}/checkout`);
  expect(page.status).toBe(200);
  return JSON.parse(page.body) as Checkout;
}

/** Starts a prefill at `start` and goes through mojeID; returns the callback URL, not yet visited. */
async function throughMojeId(browser: TestBrowser, start: string, account = 'partial'): Promise<URL> {
  const started = await browser.get(`${app.origin}${start}`);
  expect(started.status).toBe(302);
  const authorization = new URL(started.location as string);
  expect(authorization.origin).toBe(new URL(simulator.issuer).origin);
  return loginThroughSimulator(authorization, { account });
}

beforeEach(async () => {
  simulator = await startSimulator();
});

afterEach(async () => {
  await app?.close();
  await simulator?.close();
});

describe('prefill round trip', () => {
  it.each(['/auth/mojeid/prefill?returnTo=%2Fcheckout', '/checkout/fill'])('from %s: the form gets the claims once, nobody is logged in, verify is not called', async (start) => {
    app = await startPrefillApp();
    const browser = new TestBrowser();
    const callback = await throughMojeId(browser, start);
    const back = await browser.get(callback);
    expect(back.status).toBe(303);
    expect(new URL(back.location as string, app.origin).pathname).toBe('/checkout');
    expect(back.headers.get('cache-control')).toBe('no-store');

    const first = await checkout(browser);
    expect(first.loggedIn).toBe(false);
    expect(first.prefill).toEqual({
      given_name: 'Petra',
      family_name: 'Svobodová',
      email: 'petra.svobodova@example.cz',
      phone_number: '+420.603123456',
      address: expect.objectContaining({ locality: expect.any(String), postal_code: expect.any(String) }) as unknown,
    });
    // Nothing identifies the guest to the app.
    expect(first.prefill).not.toHaveProperty('sub');

    const second = await checkout(browser);
    expect(second.prefill).toBeNull();
    expect(second.sessionKeys.filter((k) => k.startsWith('mojeid:prefill'))).toEqual([]);
    expect(await storedSessions(app.store)).not.toContain('petra.svobodova@example.cz');
    expect((await browser.get(`${app.origin}/me`)).status).toBe(401);
    expect(app.verifyCalls).toBe(0);
    expect(app.errors).toEqual([]);
  });

  it('asks mojeID only for the form claims, by the claims parameter with scope openid', async () => {
    app = await startPrefillApp({ scope: 'openid profile email phone address', prefillClaims: ['email', 'address'] });
    const browser = new TestBrowser();
    const started = await browser.get(`${app.origin}/auth/mojeid/prefill?returnTo=/checkout`);
    const authorization = new URL(started.location as string);
    expect(authorization.searchParams.get('scope')).toBe('openid');
    expect(JSON.parse(authorization.searchParams.get('claims') as string)).toEqual({ userinfo: { email: null, address: null } });
    await browser.get(await loginThroughSimulator(authorization, { account: 'partial' }));
    const { prefill } = await checkout(browser);
    expect(Object.keys(prefill ?? {}).sort()).toEqual(['address', 'email']);
  });

  it('a login through the same app still logs in and calls verify', async () => {
    app = await startPrefillApp();
    const browser = new TestBrowser();
    const callback = await throughMojeId(browser, '/auth/mojeid/login');
    expect((await browser.get(callback)).status).toBe(303);
    expect((await browser.get(`${app.origin}/me`)).status).toBe(200);
    expect(app.verifyCalls).toBe(1);
    expect((await checkout(browser)).prefill).toBeNull();
  });

  it('an unread prefill is gone after pendingLoginTtl, though the session lives on', async () => {
    app = await startPrefillApp({ pendingLoginTtl: 2 });
    const browser = new TestBrowser();
    // A cart in the session: the app's session lifetime holds, only the prefill may expire.
    expect((await browser.get(`${app.origin}/cart`)).status).toBe(200);
    const callback = await throughMojeId(browser, '/auth/mojeid/prefill?returnTo=/checkout');
    expect((await browser.get(callback)).status).toBe(303);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const late = await checkout(browser);
    expect(late.prefill).toBeNull();
    expect(late.sessionKeys).toContain('cart');
    expect(await storedSessions(app.store)).not.toContain('petra.svobodova@example.cz');
  });

  it('refuses a bad prefillClaims option at start-up', () => {
    const configured = { useEnvironment: false, issuer: simulator.issuer, clientId: CLIENT.client_id, clientSecret: CLIENT.client_secret, baseUrl: 'http://127.0.0.1:1', passport: new Passport() };
    expect(() => mojeid({ ...configured, prefillClaims: ['password'] })).toThrow(expect.objectContaining({ code: 'invalid_configuration' }) as Error);
    expect(() => mojeid({ ...configured, prefillClaims: [] })).toThrow(expect.objectContaining({ code: 'invalid_configuration' }) as Error);
  });
});

describe('the session that receives the claims', () => {
  it('gets a new id, keeping its contents: a session id planted before the prefill reads nothing', async () => {
    app = await startPrefillApp();
    const browser = new TestBrowser();
    expect((await browser.get(`${app.origin}/cart`)).status).toBe(200);
    const planted = browser.cookie(app.origin, 'sid') as string;
    expect(planted).toBeDefined();
    const callback = await throughMojeId(browser, '/auth/mojeid/prefill?returnTo=/checkout');
    expect((await browser.get(callback)).status).toBe(303);
    expect(browser.cookie(app.origin, 'sid')).not.toBe(planted);

    // Whoever planted the id has only the old one.
    const attacker = new TestBrowser();
    attacker.setCookie(app.origin, 'sid', planted);
    const stolen = await checkout(attacker);
    expect(stolen.prefill).toBeNull();
    expect(stolen.sessionKeys).not.toContain('cart');

    const guest = await checkout(browser);
    expect(guest.prefill).toMatchObject({ email: 'petra.svobodova@example.cz' });
    expect(guest.sessionKeys).toContain('cart');
  });

  it('a session store that cannot regenerate fails the prefill with session_store_failed and stores nothing', async () => {
    app = await startPrefillApp();
    const browser = new TestBrowser();
    const callback = await throughMojeId(browser, '/auth/mojeid/prefill?returnTo=/checkout');
    // The store goes down between mojeID and the callback's regeneration (Redis restarting).
    app.store.destroy = (_sid, done) => void done?.(new Error('store down'));
    const failed = await browser.get(callback);
    expect(failed.status).toBe(503);
    expect(app.errors.map((e) => e.code)).toEqual(['session_store_failed']);
    expect(await storedSessions(app.store)).not.toContain('petra.svobodova@example.cz');
    expect((await checkout(browser)).prefill).toBeNull();
    expect(app.verifyCalls).toBe(0);
  });
});

describe('prefill callbacks that must not fill anything', () => {
  it('declined at mojeID: access_denied, nothing filled, and "Try again" fills the form again rather than logging in', async () => {
    app = await startPrefillApp();
    const browser = new TestBrowser();
    const started = await browser.get(`${app.origin}/checkout/fill`);
    const callback = await loginThroughSimulator(new URL(started.location as string), { account: 'partial', deny: true });
    const page = await browser.get(callback);
    expect(app.errors.map((e) => e.code)).toEqual(['access_denied']);
    expect(page.status).toBe(app.errors[0]?.status);
    expect(page.body).toContain('class="mojeid-retry" href="/auth/mojeid/prefill?returnTo=%2Fcheckout"');
    expect((await checkout(browser)).prefill).toBeNull();
    expect(app.verifyCalls).toBe(0);
  });

  it('a prefill that cannot start (mojeID unreachable) offers the prefill again, not a login', async () => {
    app = await startPrefillApp({ issuer: 'http://127.0.0.1:9/oidc/', httpTimeout: 2 } as MojeIdRouterOptions);
    const browser = new TestBrowser();
    const page = await browser.get(`${app.origin}/auth/mojeid/prefill?returnTo=%2Fcheckout`);
    expect(app.errors.map((e) => e.code)).toEqual(['provider_unavailable']);
    expect(page.status).toBe(app.errors[0]?.status);
    expect(page.body).toContain('class="mojeid-retry" href="/auth/mojeid/prefill?returnTo=%2Fcheckout"');
  });

  it('a replayed callback is state_mismatch (already_used) and leaves no second copy', async () => {
    app = await startPrefillApp();
    const browser = new TestBrowser();
    const callback = await throughMojeId(browser, '/auth/mojeid/prefill?returnTo=/checkout');
    expect((await browser.get(callback)).status).toBe(303);
    expect((await checkout(browser)).prefill).not.toBeNull();

    const replay = await browser.get(callback);
    expect(replay.status).toBe(400);
    expect(app.errors.map((e) => e.code)).toEqual(['state_mismatch']);
    expect(app.errors[0]).toMatchObject({ reason: 'already_used' });
    const after = await checkout(browser);
    expect(after.prefill).toBeNull();
    expect(after.loggedIn).toBe(false);
    expect(app.verifyCalls).toBe(0);
  });

  it('a callback opened in another browser is state_mismatch (not_in_session) and fills nothing there or here', async () => {
    app = await startPrefillApp();
    const owner = new TestBrowser();
    await owner.get(`${app.origin}/checkout`);
    const callback = await throughMojeId(owner, '/auth/mojeid/prefill?returnTo=/checkout');

    // A browser with a session of its own (a prefill it started and has not finished).
    const other = new TestBrowser();
    expect((await other.get(`${app.origin}/auth/mojeid/prefill?returnTo=/checkout`)).status).toBe(302);
    const transplanted = await other.get(callback);
    expect(transplanted.status).toBe(400);
    expect(app.errors.map((e) => e.code)).toEqual(['state_mismatch']);
    expect(app.errors[0]).toMatchObject({ reason: 'not_in_session' });
    expect((await checkout(other)).prefill).toBeNull();
    expect((await other.get(`${app.origin}/me`)).status).toBe(401);
    expect(await storedSessions(app.store)).not.toContain('petra.svobodova@example.cz');
    expect(app.verifyCalls).toBe(0);
  });
});
