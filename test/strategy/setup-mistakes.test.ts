/**
 * A developer's first hour: the wiring mistakes that lose every login, each made on purpose in a
 * real Express app against the simulator, and each expected to be named (log line and, outside
 * production, the error page) instead of "state mismatch", a generic 500 or a redirect loop.
 */
import { jest } from '@jest/globals';
import express, { type RequestHandler } from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { loginThroughSimulator, startSimulator, type RunningSimulator } from 'mojeid-simulator';
import { mojeid, requireMojeIdLogin, type MojeIdError, type MojeIdRouter, type MojeIdRouterOptions } from '../../src/index.js';
import { StateMismatchError } from '../../src/errors.js';
import { TestBrowser } from '../helpers/browser.js';
import { listenOnLoopback } from '../helpers/loopback-server.js';

const CLIENT = { client_id: 'firstHourClient', client_secret: 'first-hour-secret-for-tests-only' };

interface Wiring {
  /** express-session's cookie settings; `false`: no express-session at all. */
  cookie?: session.CookieOptions | false;
  passportSession?: boolean;
  serializeUser?: boolean;
  deserializeUser?: 'same' | 'nobody' | 'missing';
  trustProxy?: boolean;
  /** The host name in MOJEID_BASE_URL (the redirect URI); the server listens on 127.0.0.1. */
  baseHost?: 'localhost' | '127.0.0.1';
  store?: session.Store;
  /** Two session secrets; `secret.current` picks the one in use (a changed SESSION_SECRET). */
  secret?: { current: 0 | 1 };
  options?: Partial<MojeIdRouterOptions>;
}

interface WiredApp {
  origin: string;
  baseUrl: string;
  logLines: string[];
  errors: MojeIdError[];
  router: MojeIdRouter;
  close(): Promise<void>;
}

let simulator: RunningSimulator;
let apps: WiredApp[] = [];

beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(async () => {
  await simulator.close();
});
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});

async function startWiredApp(wiring: Wiring = {}): Promise<WiredApp> {
  const loopback = await listenOnLoopback();
  const { server } = loopback;
  const { port } = loopback;
  const origin = `http://127.0.0.1:${port}`;
  const baseUrl = `http://${wiring.baseHost ?? '127.0.0.1'}:${port}`;
  const logLines: string[] = [];
  const errors: MojeIdError[] = [];

  const passport = new Passport();
  if (wiring.serializeUser !== false) passport.serializeUser((user, done) => done(null, user));
  if (wiring.deserializeUser !== 'missing') {
    passport.deserializeUser((user: Express.User, done) => done(null, wiring.deserializeUser === 'nobody' ? false : user));
  }
  const router = mojeid({
    useEnvironment: false,
    issuer: simulator.issuer,
    clientId: CLIENT.client_id,
    clientSecret: CLIENT.client_secret,
    baseUrl,
    passport,
    logger: { warn: (message, fields) => void logLines.push(`${message} ${JSON.stringify(fields)}`) },
    onError: (error) => void errors.push(error),
    ...wiring.options,
  } as MojeIdRouterOptions);
  simulator.addClient({ ...CLIENT, redirect_uris: [`${baseUrl}/auth/mojeid/callback`] });

  const app = express();
  if (wiring.trustProxy) app.set('trust proxy', 1);
  if (wiring.cookie !== false) {
    const store = wiring.store ?? new session.MemoryStore();
    const cookie = { httpOnly: true, sameSite: 'lax' as const, ...wiring.cookie };
    const sessions = ['first-session-secret', 'second-session-secret'].map((secret) =>
      session({ secret, resave: false, saveUninitialized: false, name: 'sid', store, cookie }),
    );
    const secret = wiring.secret;
    const chooser: RequestHandler = (req, res, next) => (sessions[secret?.current ?? 0] as RequestHandler)(req, res, next);
    app.use(chooser);
  }
  if (wiring.passportSession !== false) app.use(passport.session());
  app.use(router);
  app.get('/private/page', requireMojeIdLogin({ logger: { warn: (message, fields) => void logLines.push(`${message} ${JSON.stringify(fields)}`) } }), (req, res) => {
    res.send(`private for ${(req.user as { id: string }).id}`);
  });
  server.on('request', app);
  const wired: WiredApp = {
    origin,
    baseUrl,
    logLines,
    errors,
    router,
    close() {
      router.strategy.close();
      return loopback.close();
    },
  };
  apps.push(wired);
  return wired;
}

/** Starts a login at `start` (a URL of the app), logs in at the simulator, returns the callback URL. */
async function throughMojeId(browser: TestBrowser, start: string, headers?: Record<string, string>): Promise<URL> {
  const started = await browser.get(start, headers);
  expect(started.status).toBe(302);
  expect(started.location?.startsWith(simulator.issuer)).toBe(true);
  return loginThroughSimulator(started.location as string, { account: 'partial' });
}

/** From a guarded page's redirect: the login page, then its mojeID button (§5.1.4). */
async function throughLoginPage(browser: TestBrowser, app: WiredApp, loginPage: string): Promise<URL> {
  const page = await browser.get(loginPage);
  expect(page.status).toBe(200);
  const href = /class="mojeid-button" href="([^"]+)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&');
  expect(href).toBeDefined();
  return throughMojeId(browser, `${app.origin}${href as string}`);
}

function lastStateMismatch(app: WiredApp): StateMismatchError {
  const error = app.errors.at(-1);
  expect(error).toBeInstanceOf(StateMismatchError);
  return error as StateMismatchError;
}

describe('a login whose state is not found says why', () => {
  it('names the secure cookie when the app is served over http (and warns once when the login starts)', async () => {
    const app = await startWiredApp({ cookie: { secure: true } });
    const browser = new TestBrowser();
    const callback = await throughMojeId(browser, `${app.origin}/auth/mojeid/login`);
    await throughMojeId(browser, `${app.origin}/auth/mojeid/login`); // a second start: no second warning
    const warnings = app.logLines.filter((l) => l.startsWith('login started'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('`secure`');
    expect(warnings[0]).toContain('plain http');

    const done = await browser.get(callback);
    expect(done.status).toBe(400);
    expect(lastStateMismatch(app).reason).toBe('no_session_cookie');
    const logged = app.logLines.find((l) => l.startsWith('state_mismatch'));
    expect(logged?.toLowerCase()).toContain('the session cookie is `secure`, but the request came over plain http');
    expect(logged).toContain("secure: process.env.NODE_ENV === 'production'");
    // Outside production the page tells the developer too.
    expect(done.body).toContain('class="mojeid-developer"');
    expect(done.body.toLowerCase()).toContain('the session cookie is &#96;secure&#96;, but the request came over plain http');
  });

  it('keeps the developer detail off the page in production (the log still has it)', async () => {
    const app = await startWiredApp({ cookie: { secure: true } });
    const browser = new TestBrowser();
    const callback = await throughMojeId(browser, `${app.origin}/auth/mojeid/login`);
    const previous = process.env['NODE_ENV'];
    process.env['NODE_ENV'] = 'production';
    try {
      const done = await browser.get(callback);
      expect(done.status).toBe(400);
      expect(done.body).toContain('data-code="state_mismatch"');
      expect(done.body).not.toContain('mojeid-developer');
      expect(done.body).not.toContain('secure');
    } finally {
      process.env['NODE_ENV'] = previous;
    }
    expect(app.logLines.some((l) => l.startsWith('state_mismatch') && l.includes('`secure`'))).toBe(true);
  });

  it("names 'trust proxy' when a proxy says https but Express does not trust it", async () => {
    const app = await startWiredApp({ cookie: { secure: true } });
    const browser = new TestBrowser();
    const callback = await throughMojeId(browser, `${app.origin}/auth/mojeid/login`, { 'x-forwarded-proto': 'https' });
    expect(app.logLines.find((l) => l.startsWith('login started'))).toContain("app.set('trust proxy', 1)");
    await browser.get(callback, { 'x-forwarded-proto': 'https' });
    expect(lastStateMismatch(app).reason).toBe('no_session_cookie');
    expect(lastStateMismatch(app).hint).toContain("app.set('trust proxy', 1)");
  });

  it('logs in when the proxy is trusted (the same secure cookie, no warning)', async () => {
    const app = await startWiredApp({ cookie: { secure: true }, trustProxy: true });
    const browser = new TestBrowser();
    const callback = await throughMojeId(browser, `${app.origin}/auth/mojeid/login`, { 'x-forwarded-proto': 'https' });
    // TestBrowser sends Secure cookies over http; the proxy header is what makes the request https.
    const done = await browser.get(callback, { 'x-forwarded-proto': 'https' });
    expect(done.status).toBe(303);
    expect(app.logLines).toEqual([]);
  });

  it('names SameSite=Strict, which the redirect back from mojeID does not carry', async () => {
    const app = await startWiredApp({ cookie: { sameSite: 'strict' } });
    const browser = new TestBrowser();
    const callback = await throughMojeId(browser, `${app.origin}/auth/mojeid/login`);
    expect(app.logLines.find((l) => l.startsWith('login started'))).toContain('SameSite=Strict');
    const done = await browser.request(callback, { crossSite: true });
    expect(done.status).toBe(400);
    expect(lastStateMismatch(app).reason).toBe('no_session_cookie');
    expect(lastStateMismatch(app).hint).toContain("sameSite: 'lax'");
  });

  it('names the host when the login starts on 127.0.0.1 and the redirect URI says localhost', async () => {
    const app = await startWiredApp({ baseHost: 'localhost' });
    const browser = new TestBrowser();
    const callback = await throughMojeId(browser, `${app.origin}/auth/mojeid/login`);
    expect(callback.hostname).toBe('localhost');
    expect(app.logLines.find((l) => l.startsWith('login started'))).toContain('another host name than the redirect URI');
    const done = await browser.get(callback);
    expect(done.status).toBe(400);
    const error = lastStateMismatch(app);
    expect(error.reason).toBe('no_session_cookie');
    expect(error.message).toContain('no cookies at all');
    expect(error.hint).toContain('another host name than localhost');
  });

  it('says the store lost the session when the cookie comes back but its session is gone (a restart with MemoryStore)', async () => {
    const store = new session.MemoryStore();
    const app = await startWiredApp({ store });
    const browser = new TestBrowser();
    const callback = await throughMojeId(browser, `${app.origin}/auth/mojeid/login`);
    await new Promise<void>((resolve, reject) => store.clear?.((error?: unknown) => (error ? reject(error) : resolve())));
    const done = await browser.get(callback);
    expect(done.status).toBe(400);
    expect(lastStateMismatch(app).reason).toBe('session_not_found');
    expect(lastStateMismatch(app).hint).toContain('MemoryStore');
  });

  it('says the same when the session secret changed', async () => {
    const secret = { current: 0 as 0 | 1 };
    const app = await startWiredApp({ secret });
    const browser = new TestBrowser();
    const callback = await throughMojeId(browser, `${app.origin}/auth/mojeid/login`);
    secret.current = 1;
    await browser.get(callback);
    expect(lastStateMismatch(app).reason).toBe('session_not_found');
    expect(lastStateMismatch(app).hint).toContain('SESSION_SECRET');
  });

  it('says the login expired, with its age, when it comes back after pendingLoginTtl', async () => {
    const app = await startWiredApp({ options: { pendingLoginTtl: 120 } });
    const browser = new TestBrowser();
    const callback = await throughMojeId(browser, `${app.origin}/auth/mojeid/login`);
    const realNow = Date.now.bind(Date);
    const spy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 300_000);
    try {
      await browser.get(callback);
    } finally {
      spy.mockRestore();
    }
    const error = lastStateMismatch(app);
    expect(error.reason).toBe('expired');
    expect(error.message).toMatch(/started (29\d|30\d) s ago, and a login expires after 120 s/);
    expect(error.hint).toContain('MOJEID_PENDING_LOGIN_TTL');
  });

  it('says the login was already finished when its callback is loaded again', async () => {
    const app = await startWiredApp();
    const browser = new TestBrowser();
    const callback = await throughMojeId(browser, `${app.origin}/auth/mojeid/login`);
    expect((await browser.get(callback)).status).toBe(303);
    const again = await browser.get(callback);
    expect(again.status).toBe(400);
    expect(lastStateMismatch(app).reason).toBe('already_used');
  });

  it('says the session never started the login when another browser brings the callback', async () => {
    const app = await startWiredApp();
    const callback = await throughMojeId(new TestBrowser(), `${app.origin}/auth/mojeid/login`);
    const other = new TestBrowser();
    await other.get(`${app.origin}/auth/mojeid/login`); // this browser has a session of its own
    await other.get(callback);
    expect(lastStateMismatch(app).reason).toBe('not_in_session');
  });
});

describe('Passport wiring mistakes are named', () => {
  it('names serializeUser when it is missing, and leaves the browser logged out', async () => {
    const app = await startWiredApp({ serializeUser: false });
    const browser = new TestBrowser();
    const callback = await throughMojeId(browser, `${app.origin}/auth/mojeid/login`);
    const done = await browser.get(callback);
    expect(done.status).toBe(500);
    expect(done.body).toContain('data-code="passport_misconfigured"');
    expect(done.body).toContain('passport.serializeUser()');
    expect(app.logLines.find((l) => l.startsWith('passport_misconfigured'))).toContain('passport.serializeUser() is not set up');
    expect(app.logLines.join('\n')).not.toContain('verify_failed');
  });

  it('names deserializeUser when it is missing, before the login would break every later request', async () => {
    const app = await startWiredApp({ deserializeUser: 'missing' });
    const browser = new TestBrowser();
    const done = await browser.get(await throughMojeId(browser, `${app.origin}/auth/mojeid/login`));
    expect(done.status).toBe(500);
    expect(app.logLines.find((l) => l.startsWith('passport_misconfigured'))).toContain('passport.deserializeUser() is not set up');
    // Nothing was logged in, so the app's pages keep working.
    expect((await browser.get(`${app.origin}/private/page`)).status).toBe(303);
  });

  it('without passport.session(): one trip to mojeID, then an error naming passport.session() instead of a redirect loop', async () => {
    const app = await startWiredApp({ passportSession: false });
    const browser = new TestBrowser();
    const protectedPage = await browser.get(`${app.origin}/private/page`);
    expect(protectedPage.status).toBe(303);
    const callback = await throughLoginPage(browser, app, protectedPage.location as string);
    const done = await browser.get(callback);
    expect(done.status).toBe(303);
    expect(done.location).toBe(`${app.origin}/private/page`);

    const back = await browser.get(done.location as string);
    expect(back.status).toBe(500); // not a 303 to the login again
    expect(back.body).toContain('data-code="passport_misconfigured"');
    expect(back.body).toContain('app.use(passport.session())');
    expect(app.logLines.find((l) => l.startsWith('passport_misconfigured'))).toContain('app.use(passport.session())');
    const api = await browser.get(`${app.origin}/private/page`, { accept: 'application/json' });
    expect(api.status).toBe(500);
    expect(JSON.parse(api.body)).toEqual({ error: 'passport_misconfigured' });
  });

  it("the guard's error page is the router's: it reaches onError and follows the app's localeOf", async () => {
    const app = await startWiredApp({ passportSession: false, options: { localeOf: () => 'en' } });
    const browser = new TestBrowser();
    const protectedPage = await browser.get(`${app.origin}/private/page`);
    const done = await browser.get(await throughLoginPage(browser, app, protectedPage.location as string));
    expect(app.errors).toEqual([]);
    const back = await browser.get(done.location as string, { 'accept-language': 'cs' });
    expect(back.status).toBe(500);
    expect(back.body).toContain('<html lang="en"');
    expect(app.errors.map((e) => e.code)).toEqual(['passport_misconfigured']);
  });

  it('names a deserializeUser that finds nobody, instead of sending the browser back to mojeID', async () => {
    const app = await startWiredApp({ deserializeUser: 'nobody' });
    const browser = new TestBrowser();
    const done = await browser.get(await throughMojeId(browser, `${app.origin}/auth/mojeid/login?returnTo=%2Fprivate%2Fpage`));
    expect(done.location).toBe(`${app.origin}/private/page`);
    const back = await browser.get(done.location as string);
    expect(back.status).toBe(500);
    expect(app.logLines.find((l) => l.startsWith('passport_misconfigured'))).toContain('deserializeUser() found nobody');
  });

  it('still sends a browser without a login to mojeID when the wiring is right, and lets it in afterwards', async () => {
    const app = await startWiredApp();
    const browser = new TestBrowser();
    const protectedPage = await browser.get(`${app.origin}/private/page`);
    expect(protectedPage.location).toBe(`${app.origin}/auth/mojeid?returnTo=%2Fprivate%2Fpage`);
    const callback = await throughLoginPage(browser, app, protectedPage.location as string);
    const done = await browser.get(callback);
    const page = await browser.get(done.location as string);
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/^private for \w+$/);
    expect(app.logLines).toEqual([]);
  });

  it("without express-session: the library's session_missing page, not Passport's stack trace", async () => {
    const app = await startWiredApp({ cookie: false });
    const browser = new TestBrowser();
    for (const path of ['/private/page', '/auth/mojeid/login']) {
      const response = await browser.get(`${app.origin}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 500 });
      expect(response.body).toContain('data-code="session_missing"');
      expect(response.body).toContain('mount express-session');
      expect(response.body).not.toMatch(/at \w+ \(|Login sessions require session support/);
    }
    expect(app.logLines.filter((l) => l.startsWith('session_missing'))).toHaveLength(2);
  });
});
