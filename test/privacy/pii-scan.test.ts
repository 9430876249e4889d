/**
 * Sensitive personal data never leaves the login in a side channel. Real apps, the real simulator
 * and real HTTP drive every flow with accounts that carry birth dates, ID-card and passport
 * numbers, MPSV identifiers, company IDs and bank accounts: successful logins asking for all of
 * them, logins that fail after they were released (withheld essential claim, account not accepted,
 * insufficient assurance, refused consent, a verify that fails), error pages, account creation with
 * its notifications over mutual TLS, and the example app's first login, account creation and
 * linking. Everything the library logs (through the app's logger and through the default console
 * logger), every error handed to `onError` (serialised with its causes), everything written to the
 * console and every page the apps render is then searched for those values. The only place they
 * may appear is what the app deliberately asked to keep (`sessionClaims`), shown by its own `/me`.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { TEST_ACCOUNTS, loginThroughSimulator, startSimulator, type RunningSimulator, type SimulatorAccount } from 'mojeid-simulator';
import { mojeid, type MojeIdError, type MojeIdProfile, type MojeIdRouterOptions, type VerifyCallback } from '../../src/index.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { TestBrowser, type Hop } from '../helpers/browser.js';
import { startNotifyApp, type NotifyApp } from '../helpers/notify.js';
import { startTestProvider, type Behaviour, type TestProvider } from '../helpers/test-provider.js';
import { Client, csrfFrom, loginWithMojeId, TEST_SESSION_SECRET, type RunningExample } from '../example-app/harness.js';
import { createExampleApp } from '../../example-app/src/app.js';
import { loadConfig } from '../../example-app/src/config.js';
import { listenOnLoopback } from '../helpers/loopback-server.js';

const EIDAS_HIGH = 'http://eidas.europa.eu/oidc/assurance_level/high';
const CLIENT = { client_id: 'privacyClient', client_secret: 'privacy-secret-for-tests-only' };

/** The claims this test is about: none of their values may appear anywhere but where the app asked. */
const SENSITIVE_CLAIMS = ['birthdate', 'mojeid_ident_card', 'mojeid_ident_pass', 'mojeid_ident_ssn', 'mojeid_ident_vat', 'mojeid_bank_account', 'mojeid_bank_account_iban'] as const;

function account(id: string, label: string, flags: { valid: boolean }, sensitive: Record<(typeof SENSITIVE_CLAIMS)[number], string>, acr?: string): SimulatorAccount {
  return {
    id,
    label,
    description: `${label} (privacy test)`,
    claims: {
      email: `${id}@example.cz`,
      email_verified: true,
      given_name: 'Alena',
      family_name: 'Citlivá',
      mojeid_valid: String(flags.valid),
      mojeid_is_adult: 'true',
      ...sensitive,
    },
    ...(acr ? { acr } : {}),
  };
}

const VALIDATED = account(
  'pii-validated',
  'Validated, NIA high',
  { valid: true },
  {
    birthdate: '1958-03-17',
    mojeid_ident_card: '640218377',
    mojeid_ident_pass: '51739204',
    mojeid_ident_ssn: '5803171944',
    mojeid_ident_vat: '48613329',
    mojeid_bank_account: '35-7789120457/0100',
    mojeid_bank_account_iban: 'CZ4301000000357789120457',
  },
  EIDAS_HIGH,
);
const UNVALIDATED = account('pii-unvalidated', 'Not validated, no NIA', { valid: false }, {
  birthdate: '1993-11-29',
  mojeid_ident_card: '771940263',
  mojeid_ident_pass: '60284415',
  mojeid_ident_ssn: '9311291187',
  mojeid_ident_vat: '70931852',
  mojeid_bank_account: '2901447710/2010',
  mojeid_bank_account_iban: 'CZ0920100000002901447710',
});
/** What the app prefills mojeID's registration form with (ch. 6); the birth date becomes the new account's claim. */
const REGISTRATION = {
  first_name: 'Alena',
  last_name: 'Citlivá',
  email_default_email: 'alena.citliva@example.cz',
  birth_date: '1979-08-05',
  id_card_num: '418305529',
  passport_num: '39971406',
  ssn_id_num: '7908051129',
  vat_id_num: '63052874',
};
const NIA_HIGH = TEST_ACCOUNTS.find((a) => a.id === 'nia-high');
if (!NIA_HIGH) throw new Error('the simulator has no nia-high test account');

function sensitiveValuesOf(claims: Record<string, unknown>): string[] {
  return SENSITIVE_CLAIMS.map((name) => claims[name]).filter((v): v is string => typeof v === 'string');
}

const VALUES = [
  ...sensitiveValuesOf(VALIDATED.claims),
  ...sensitiveValuesOf(UNVALIDATED.claims),
  ...sensitiveValuesOf(NIA_HIGH.claims),
  REGISTRATION.birth_date,
  REGISTRATION.id_card_num,
  REGISTRATION.passport_num,
  REGISTRATION.ssn_id_num,
  REGISTRATION.vat_id_num,
];
/**
 * Each value, and each run of six or more letters and digits in it: an account number would still
 * be found with its `/` escaped as `&#x2F;` or split at the `-`.
 */
const NEEDLES = [...new Set(VALUES.flatMap((v) => [v, ...(v.match(/[A-Za-z0-9]{6,}/g) ?? [])]))];

/** An error as a log shipper or error tracker would record it: every own property, down every `cause`. */
function serialiseError(error: unknown): string {
  const seen = new WeakSet<object>();
  const json = JSON.stringify(error, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object') {
      if (seen.has(value)) return '[circular]';
      seen.add(value);
    }
    if (value instanceof Error) {
      const out: Record<string, unknown> = {};
      for (const name of Object.getOwnPropertyNames(value)) out[name] = (value as unknown as Record<string, unknown>)[name];
      if ('cause' in value) out['cause'] = value.cause;
      return out;
    }
    return value;
  });
  return `${json}\n${inspect(error, { depth: 20, showHidden: true })}`;
}

/** Everything written to the console while a test runs. */
let consoleLines: string[] = [];
beforeEach(() => {
  consoleLines = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleLines.push(`console.${method}: ${args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 20 }))).join(' ')}`));
  }
});
afterEach(() => {
  jest.restoreAllMocks();
});

/** Where each needle was found; `[]` when nowhere. */
function findLeaks(sources: Readonly<Record<string, readonly string[]>>): string[] {
  const leaks: string[] = [];
  for (const [where, texts] of Object.entries(sources)) {
    texts.forEach((text, i) => {
      for (const needle of NEEDLES) if (text.includes(needle)) leaks.push(`${needle} in ${where}[${i}]: ${text.slice(Math.max(0, text.indexOf(needle) - 120), text.indexOf(needle) + 80)}`);
    });
  }
  return leaks;
}

/** A browser that keeps every page an app answered, except the app's own `/me`, which shows what the app chose to keep. */
class RecordingBrowser extends TestBrowser {
  readonly pages: string[] = [];
  constructor(private readonly appOrigins: () => readonly string[]) {
    super();
  }
  override async request(url: string | URL, init: Parameters<TestBrowser['request']>[1] = {}): Promise<Hop> {
    const hop = await super.request(url, init);
    const target = new URL(url);
    if (this.appOrigins().includes(target.origin) && target.pathname !== '/me') this.pages.push(`${target.pathname}${target.search}\n${hop.body}`);
    return hop;
  }
}

describe.each([
  ['an app logger', false],
  ['the default console logger', true],
])('the library with %s', (_name, defaultLogger) => {
  let simulator: RunningSimulator;
  const apps: TestApp[] = [];
  const browsers: RecordingBrowser[] = [];
  const errors: MojeIdError[] = [];

  beforeEach(async () => {
    simulator = await startSimulator({ accounts: [VALIDATED, UNVALIDATED] });
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await simulator.close();
    browsers.splice(0);
    errors.splice(0);
  });

  /** Claims asked for: every sensitive one (optional), the e-mail essential. */
  const ASK_ALL: NonNullable<MojeIdRouterOptions['claims']> = {
    email: 'essential',
    given_name: 'optional',
    family_name: 'optional',
    ...Object.fromEntries(SENSITIVE_CLAIMS.map((name) => [name, 'optional'] as const)),
  };

  async function setup(options: MojeIdRouterOptions = {}): Promise<TestApp> {
    const app = await startApp({
      issuer: simulator.issuer,
      clientId: CLIENT.client_id,
      clientSecret: CLIENT.client_secret,
      claims: ASK_ALL,
      ...(defaultLogger ? { logger: undefined } : {}),
      onError: (error: MojeIdError) => void errors.push(error),
      ...options,
    } as MojeIdRouterOptions);
    apps.push(app);
    simulator.addClient({ ...CLIENT, redirect_uris: apps.map((a) => `${a.origin}/auth/mojeid/callback`) });
    return app;
  }

  function browser(): RecordingBrowser {
    const b = new RecordingBrowser(() => apps.map((a) => a.origin));
    browsers.push(b);
    return b;
  }

  async function login(app: TestApp, b: RecordingBrowser, accountId: string, opts: { withhold?: string[]; deny?: boolean } = {}): Promise<Hop & { callbackUrl: URL }> {
    const page = await b.get(`${app.origin}/auth/mojeid`);
    const href = /class="mojeid-button" href="([^"]+)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&');
    const started = await b.get(`${app.origin}${href ?? '/auth/mojeid/login'}`);
    expect(started.status).toBe(302);
    const callbackUrl = await loginThroughSimulator(started.location as string, { account: accountId, ...opts });
    return { ...(await b.get(callbackUrl)), callbackUrl };
  }

  async function me(app: TestApp, b: TestBrowser): Promise<{ status: number; body: string }> {
    const hop = await b.get(`${app.origin}/me`);
    return { status: hop.status, body: hop.body };
  }

  /** Everything captured in this test, by where it came from. */
  function captured(): Record<string, string[]> {
    return {
      logLines: apps.flatMap((a) => a.logLines),
      console: consoleLines,
      onError: errors.map(serialiseError),
      pages: browsers.flatMap((b) => b.pages),
    };
  }

  it('logs in asking for every sensitive claim: the default session user keeps none of them unless listed', async () => {
    const app = await setup();
    // The control app lists every sensitive claim: /me shows they were released and that the scan finds them.
    const control = await setup({ sessionClaims: [...SENSITIVE_CLAIMS] });
    const b = browser();
    const done = await login(app, b, VALIDATED.id);
    expect(done.status).toBe(303);
    const kept = await me(app, b);
    expect(kept.status).toBe(200);
    const user = (JSON.parse(kept.body) as { user: { id: string; email: string; displayName: string; claims: Record<string, unknown> } }).user;
    expect(user.claims).toEqual({ sub: user.id });
    expect(user).toMatchObject({ email: 'pii-validated@example.cz', displayName: 'Alena Citlivá' });
    expect(findLeaks({ me: [kept.body] })).toEqual([]);

    const c = browser();
    expect((await login(control, c, VALIDATED.id)).status).toBe(303);
    const listed = await me(control, c);
    expect(JSON.parse(listed.body)).toMatchObject({ user: { claims: Object.fromEntries(SENSITIVE_CLAIMS.map((name) => [name, VALIDATED.claims[name]])) } });
    expect(findLeaks({ me: [listed.body] })).not.toEqual([]);

    // The pages a logged-in user meets: the login page, a protected page, a replayed callback, logout.
    await b.get(`${app.origin}/auth/mojeid`);
    expect((await b.get(`${app.origin}/private/page`)).status).toBe(200);
    expect((await b.get(done.callbackUrl)).status).toBeGreaterThanOrEqual(400);
    const loginPage = await b.get(`${app.origin}/auth/mojeid`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(loginPage.body)?.[1] as string;
    expect((await b.post(`${app.origin}/auth/mojeid/logout`, { _csrf: csrf })).status).toBe(200);
    expect(findLeaks(captured())).toEqual([]);
  });

  it('fails logins after the data was released without repeating it anywhere', async () => {
    // A withheld essential claim, while the other sensitive claims are released.
    const essential = await setup({ claims: { ...ASK_ALL, mojeid_ident_card: 'essential' } });
    const b1 = browser();
    const withheld = await login(essential, b1, VALIDATED.id, { withhold: ['mojeid_ident_card'] });
    expect(withheld.status).toBe(403);
    expect(withheld.body).toContain('data-code="missing_required_claims"');
    expect(withheld.body).toContain('<code>mojeid_ident_card</code>');
    expect((await me(essential, b1)).status).toBe(401);

    const notAccepted = await setup({ accept: ['validated'] });
    const refused = await login(notAccepted, browser(), UNVALIDATED.id);
    expect(refused.body).toContain('data-code="account_not_accepted"');

    const high = await setup({ acrValues: 'high' });
    const low = await login(high, browser(), UNVALIDATED.id);
    expect(low.body).toContain('data-code="insufficient_assurance"');

    const plain = await setup();
    const denied = await login(plain, browser(), VALIDATED.id, { deny: true });
    expect(denied.body).toContain('data-code="access_denied"');

    // A verify that fails with the profile at hand: what the library reports of it.
    const failing = await setup({
      verify: (_profile: MojeIdProfile, done: VerifyCallback) => done(new Error('the user database is unavailable')),
    });
    const fault = await login(failing, browser(), VALIDATED.id);
    expect(fault.status).toBe(500);
    const refusing = await setup({ verify: (_profile: MojeIdProfile, done: VerifyCallback) => done(null, false, { message: 'account suspended' }) });
    expect((await login(refusing, browser(), UNVALIDATED.id)).status).toBe(403);

    // Every failure reached onError and the log the app chose, so what was scanned is not empty.
    expect(errors.map((e) => e.code)).toEqual(expect.arrayContaining(['missing_required_claims', 'account_not_accepted', 'insufficient_assurance', 'access_denied']));
    expect(defaultLogger ? consoleLines.filter((l) => l.includes('[mojeid]')) : apps.flatMap((a) => a.logLines)).not.toEqual([]);
    expect(findLeaks(captured())).toEqual([]);
  });

  it('renders its error pages without the data', async () => {
    const app = await setup();
    const b = browser();
    const started = await b.get(`${app.origin}/auth/mojeid/login`);
    const callback = await loginThroughSimulator(started.location as string, { account: VALIDATED.id });
    // A callback with a forged state, one with the provider's error, a bare one, then the real one twice.
    await b.get(`${app.origin}/auth/mojeid/callback?code=${callback.searchParams.get('code') ?? ''}&state=forged`);
    await b.get(`${app.origin}/auth/mojeid/callback?error=server_error&error_description=${encodeURIComponent('mojeID is down')}&state=${callback.searchParams.get('state') ?? ''}`);
    await b.get(`${app.origin}/auth/mojeid/callback`);
    const again = await b.get(`${app.origin}/auth/mojeid/login`);
    const second = await loginThroughSimulator(again.location as string, { account: VALIDATED.id });
    expect((await b.get(second)).status).toBe(303);
    expect((await b.get(second)).status).toBeGreaterThanOrEqual(400);
    expect(b.pages.length).toBeGreaterThanOrEqual(6);
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(findLeaks(captured())).toEqual([]);
  });
});

describe('the session store', () => {
  let simulator: RunningSimulator | undefined;
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    await simulator?.close();
  });

  /** An app like test/helpers/app.ts, but with a session store the test can read. */
  async function storeApp(options: Partial<MojeIdRouterOptions>): Promise<{ origin: string; sessions: () => Promise<string> }> {
    const store = new session.MemoryStore();
    const loopback = await listenOnLoopback();
    const { server } = loopback;
    const { origin } = loopback;
    const passport = new Passport();
    passport.serializeUser((user, done) => done(null, user));
    passport.deserializeUser((user: Express.User, done) => done(null, user));
    const router = mojeid({ useEnvironment: false, passport, baseUrl: origin, logger: { warn: () => undefined }, ...options } as MojeIdRouterOptions);
    const app = express();
    app.use(session({ store, secret: 'test-session-secret', resave: false, saveUninitialized: false }));
    app.use(passport.session());
    app.use(router);
    server.on('request', app);
    close = async () => {
      router.strategy.close();
      await loopback.close();
    };
    const sessions = (): Promise<string> => new Promise((resolve, reject) => store.all((error, all) => (error ? reject(error as Error) : resolve(JSON.stringify(all)))));
    return { origin, sessions };
  }

  it.each<[string, readonly string[], boolean]>([
    ['holds none of the sensitive claims with the default sessionClaims', [], false],
    ['holds exactly the claims listed in sessionClaims', SENSITIVE_CLAIMS, true],
  ])('%s', async (_name, sessionClaims, kept) => {
    simulator = await startSimulator({ accounts: [VALIDATED] });
    const app = await storeApp({
      issuer: simulator.issuer,
      clientId: CLIENT.client_id,
      clientSecret: CLIENT.client_secret,
      claims: { email: 'essential', ...Object.fromEntries(SENSITIVE_CLAIMS.map((name) => [name, 'optional'] as const)) },
      sessionClaims,
    });
    simulator.addClient({ ...CLIENT, redirect_uris: [`${app.origin}/auth/mojeid/callback`] });
    const b = new TestBrowser();
    const started = await b.get(`${app.origin}/auth/mojeid/login`);
    expect((await b.get(await loginThroughSimulator(started.location as string, { account: VALIDATED.id }))).status).toBe(303);
    const stored = await app.sessions();
    expect(stored).toContain(`"email":"${VALIDATED.id}@example.cz"`);
    for (const value of sensitiveValuesOf(VALIDATED.claims)) {
      if (kept) expect(stored).toContain(JSON.stringify(value));
      else expect(stored).not.toContain(value);
    }
  });
});

/**
 * Responses the library refuses after the claims arrived: the refusal's cause is where a copy of
 * them would hide (the library underneath attaches the response body or the token's claims to its
 * errors). The simulator is honest, so a provider that misbehaves on purpose plays mojeID here.
 */
describe('refusals of a dishonest provider', () => {
  let provider: TestProvider;
  let app: TestApp;
  const errors: MojeIdError[] = [];
  afterEach(async () => {
    await app?.close();
    await provider?.close();
    errors.splice(0);
  });

  const released = Object.fromEntries(SENSITIVE_CLAIMS.map((name) => [name, VALIDATED.claims[name]]));

  it.each<[string, Behaviour, Partial<MojeIdRouterOptions>, string]>([
    ['UserInfo for another sub', { claims: released, userinfo: (c) => ({ ...c, sub: 'other-user' }) }, {}, 'userinfo_failed'],
    ['an ID token with another nonce', { claims: released, idTokenClaims: (c) => ({ ...c, nonce: 'forged' }) }, { userinfo: false }, 'token_validation_failed'],
    ['an ID token for another audience', { claims: released, idTokenClaims: (c) => ({ ...c, aud: 'someone-else' }) }, { userinfo: false }, 'token_validation_failed'],
    ['an expired ID token', { claims: released, idTokenClaims: (c) => ({ ...c, exp: Math.floor(Date.now() / 1000) - 3600 }) }, { userinfo: false }, 'token_validation_failed'],
  ])('keeps the claims out of what it reports for %s', async (_name, behaviour, options, code) => {
    provider = await startTestProvider();
    provider.behave(behaviour);
    app = await startApp({
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      claims: Object.fromEntries(SENSITIVE_CLAIMS.map((name) => [name, 'optional'] as const)),
      onError: (error: MojeIdError) => void errors.push(error),
      ...options,
    } as MojeIdRouterOptions);
    const b = new RecordingBrowser(() => [app.origin]);
    const started = await b.get(`${app.origin}/auth/mojeid/login`);
    const answered = await b.get(started.location as string);
    const hop = await b.get(answered.location as string);
    expect(hop.body).toContain(`data-code="${code}"`);
    expect(errors.map((e) => e.code)).toEqual([code]);
    expect(findLeaks({ logLines: app.logLines, console: consoleLines, onError: errors.map(serialiseError), pages: b.pages })).toEqual([]);
  });
});

describe('account creation and its notifications', () => {
  let simulator: RunningSimulator;
  let app: NotifyApp;
  afterEach(async () => {
    await app?.close();
    await simulator?.close();
  });

  it('hands the registration data to mojeID only, and logs none of it through notifications and the first login', async () => {
    simulator = await startSimulator({ accountCreation: { statusDelay: 20, statusChanges: ['CONDITIONALLY_IDENTIFIED', 'VALIDATED'] } });
    const ca = simulator.accountCreation;
    const serverCert = ca.issueServerCertificate(['127.0.0.1']);
    const onErrors: MojeIdError[] = [];
    app = await startNotifyApp({
      localUser: 'local-user-7001',
      registrationFields: REGISTRATION,
      notifyListener: { certPem: serverCert.certPem, keyPem: serverCert.keyPem, clientCa: [ca.caCertificatePem] },
      router: {
        issuer: simulator.issuer,
        clientId: CLIENT.client_id,
        clientSecret: CLIENT.client_secret,
        notifyCa: ca.caFile,
        claims: { email: 'essential', birthdate: 'optional', mojeid_ident_card: 'optional', mojeid_ident_ssn: 'optional', mojeid_ident_vat: 'optional' },
        // Listed, so /me shows that mojeID released the birth date the account was created with.
        sessionClaims: ['birthdate'],
        onError: (error: MojeIdError) => void onErrors.push(error),
      },
    });
    simulator.addClient({ ...CLIENT, redirect_uris: [`${app.origin}/auth/mojeid/callback`], assertion_uris: [`${app.notifyOrigin as string}/auth/mojeid/notify`] });
    const b = new RecordingBrowser(() => [app.origin, app.notifyOrigin as string]);

    const { token } = JSON.parse((await b.get(`${app.origin}/csrf`)).body) as { token: string };
    const handOver = await b.post(`${app.origin}/auth/mojeid/register`, { _csrf: token });
    expect(handOver.status).toBe(200);
    // This page is the hand-over itself (Appendix 7 point 7b: mojeID's form prefilled): it carries
    // the data, to mojeID's registration endpoint and nowhere else, so it is checked for that and
    // left out of the scan.
    b.pages.pop();
    expect(handOver.body).toContain(`value="${REGISTRATION.id_card_num}"`);
    const action = /<form id="mojeid-register" method="post" action="([^"]+)"/.exec(handOver.body)?.[1];
    expect(action).toBe(`${simulator.origin}/registration/endpoint/`);
    expect([...handOver.body.matchAll(/\b(?:action|href|src)="([^"]+)"/g)].map((m) => m[1]).filter((u) => /^https?:/.test(u ?? '') && !(u ?? '').startsWith(simulator.origin))).toEqual([]);

    const fields = Object.fromEntries([...handOver.body.matchAll(/<input(?: type="(?:hidden|checkbox)")? name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1] as string, (m[2] as string).replace(/&amp;/g, '&')]));
    const form = await b.post(action as string, fields);
    const formFields = Object.fromEntries([...form.body.matchAll(/<input(?: type="(?:hidden|checkbox)")? name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1] as string, (m[2] as string).replace(/&amp;/g, '&')]));
    const created = await b.post(`${simulator.origin}/registration/create`, formFields);
    expect(created.body).toContain('data-outcome="accept"');
    const sub = /<code id="sub">([^<]+)<\/code>/.exec(created.body)?.[1] as string;
    expect(app.notifications[0]).toMatchObject({ sub, status: 'REGISTERED', localUser: 'local-user-7001', via: 'tls' });

    // The new account logs in; mojeID releases the birth date it was created with.
    const start = await b.get(`${app.origin}/auth/mojeid/login`);
    const callback = await loginThroughSimulator(start.location as string, { account: `created-${sub}` });
    expect((await b.get(callback)).status).toBe(303);
    const kept = await b.get(`${app.origin}/me`);
    expect(JSON.parse(kept.body)).toEqual({ user: expect.objectContaining({ claims: { sub, birthdate: REGISTRATION.birth_date } }) as unknown });

    await ca.waitForDelivery((d) => d.sub === sub && d.status === 'VALIDATED' && d.outcome === 'accept');
    expect(app.notifications.map((n) => n.status)).toEqual(['REGISTERED', 'CONDITIONALLY_IDENTIFIED', 'VALIDATED']);
    expect(
      findLeaks({ logLines: app.logLines, console: consoleLines, onError: [...app.errors, ...onErrors].map(serialiseError), pages: b.pages }),
    ).toEqual([]);
  });
});

describe('the example app', () => {
  let example: RunningExample | undefined;
  afterEach(async () => {
    await example?.close();
    example = undefined;
  });

  /**
   * The example app as harness.ts starts it, but with a logger that keeps the fields too: they are
   * where a leak through the library's log would sit.
   */
  async function startExample(env: Record<string, string>): Promise<RunningExample> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'example-app-privacy-'));
    const loopback = await listenOnLoopback();
    const { server } = loopback;
    const { origin } = loopback;
    const logLines: string[] = [];
    const closeServer = async (): Promise<void> => {
      await loopback.close();
    };
    const databaseFile = path.join(dir, 'data', 'app.sqlite');
    let created: Awaited<ReturnType<typeof createExampleApp>>;
    try {
      const config = loadConfig({ PORT: '0', BASE_URL: origin, DATABASE_FILE: databaseFile, SIMULATOR_PORT: '0', SESSION_SECRET: TEST_SESSION_SECRET, ...env });
      created = await createExampleApp({ config, logger: { warn: (message, fields) => void logLines.push(`${message} ${JSON.stringify(fields)}`) } });
    } catch (error) {
      await closeServer();
      throw error;
    }
    server.on('request', created.app);
    return {
      origin,
      logLines,
      example: created,
      databaseFile,
      url: (pathname) => new URL(pathname, origin).href,
      async close() {
        await closeServer();
        await created.close();
        await fs.rm(dir, { recursive: true, force: true });
      },
    };
  }

  it('keeps and shows none of the sensitive claims, even when MOJEID_CLAIMS asks for them, through first login, creation, linking and failures', async () => {
    example = await startExample({
      MOJEID_CLAIMS: `email!,given_name,family_name,phone_number,${SENSITIVE_CLAIMS.join(',')}`,
    });
    const app = example;
    const pages: string[] = [];
    const record = (hop: Hop, where: string): Hop => {
      if (!where.startsWith('/me')) pages.push(`${where}\n${hop.body}`);
      return hop;
    };
    const get = async (client: Client, where: string): Promise<Hop> => record(await client.get(app.url(where)), where);
    const post = async (client: Client, where: string, form: Record<string, string>): Promise<Hop> => record(await client.post(app.url(where), form), where);

    // First login with the NIA account (every sensitive claim released), then a new local account.
    const first = new Client();
    record(await loginWithMojeId(app, first, { account: 'nia-high' }), '/auth/mojeid/callback');
    const choice = await get(first, '/account/mojeid/first-login');
    expect(choice.status).toBe(200);
    expect((await post(first, '/account/mojeid/create', { _csrf: csrfFrom(choice.body) })).status).toBe(303);
    const profile = await get(first, '/profile');
    expect(profile.status).toBe(200);
    expect(profile.body).toContain('<code>email</code>'); // the claims table is there, with what the app keeps
    await get(first, '/');
    const meBody = (await first.get(app.url('/me'), { accept: 'application/json' })).body;

    // Linking: the demo account logs in with its password and links the partial account's mojeID.
    const linker = new Client();
    const loginPage = await get(linker, '/login');
    expect((await post(linker, '/login', { _csrf: csrfFrom(loginPage.body), email: 'demo@example.cz', password: 'demo-password', returnTo: '/profile' })).status).toBe(303);
    const demoProfile = await get(linker, '/profile');
    const link = await post(linker, '/account/mojeid/link', { _csrf: csrfFrom(demoProfile.body) });
    const linkStart = new URL(link.location as string);
    record(await loginWithMojeId(app, linker, { account: 'partial', startPath: `${linkStart.pathname}${linkStart.search}` }), '/auth/mojeid/callback');
    await get(linker, '/account/mojeid/update');
    await get(linker, '/profile');

    // The same NIA identity again in another browser, and a login that withholds the essential e-mail.
    const again = new Client();
    record(await loginWithMojeId(app, again, { account: 'nia-high' }), '/auth/mojeid/callback');
    await get(again, '/profile');
    const withheld = new Client();
    const refused = record(await loginWithMojeId(app, withheld, { account: 'nia-high', withhold: ['email'] }), '/auth/mojeid/callback');
    expect(refused.body).toContain('missing_required_claims');
    await get(withheld, '/not-a-page');
    expect(app.logLines.join('\n')).toContain('missing_required_claims'); // the log, fields included, was written

    expect(findLeaks({ logLines: app.logLines, console: consoleLines, pages, me: [meBody] })).toEqual([]);
  });
});
