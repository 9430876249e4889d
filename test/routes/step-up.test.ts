/**
 * Assurance in the provider's spelling, login methods, per-request options checked like
 * configuration, and step-up per route (`requireMojeIdLogin({ assurance, loginMethod, maxAge })`),
 * through a real Express app and the test provider (which asserts as `acr` the first value of
 * `acr_values`, or what a test tells it to).
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { jest } from '@jest/globals';
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { mojeid, requireMojeIdLogin, mojeIdLoginOf, type MojeIdError, type MojeIdRouter, type MojeIdRouterOptions } from '../../src/index.js';
import { TestBrowser, type Hop } from '../helpers/browser.js';
import { startTestProvider, type TestProvider } from '../helpers/test-provider.js';

const LOA_HIGH = 'http://eidas.europa.eu/LoA/high';
const LOA_SUBSTANTIAL = 'http://eidas.europa.eu/LoA/substantial';
const MANUAL_HIGH = 'http://eidas.europa.eu/oidc/assurance_level/high';
const PRODUCTION_ACR_VALUES = ['', 'pwd', 'mod-pr', 'phr', LOA_SUBSTANTIAL, LOA_HIGH];

let provider: TestProvider;
let server: http.Server | undefined;
let router: MojeIdRouter | undefined;
const sockets = new Set<Socket>();
let origin: string;
let errors: MojeIdError[];

async function teardown(): Promise<void> {
  router?.strategy.close();
  router = undefined;
  for (const socket of sockets) socket.destroy();
  const closing = server;
  server = undefined;
  if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  await provider?.close();
}
afterEach(teardown);

/** The provider advertises production's acr values unless told otherwise (`null`: none). */
async function setup(options: MojeIdRouterOptions = {}, advertised: string[] | null = PRODUCTION_ACR_VALUES): Promise<void> {
  await teardown();
  provider = await startTestProvider();
  provider.behave({ discovery: (doc) => ({ ...doc, ...(advertised ? { acr_values_supported: advertised } : {}) }) });
  server = http.createServer();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  errors = [];
  const passport = new Passport();
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));
  router = mojeid({
    useEnvironment: false,
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    baseUrl: origin,
    passport,
    logger: { warn: () => undefined },
    onError: (error) => void errors.push(error),
    ...options,
  } as MojeIdRouterOptions);
  const app = express();
  app.use(session({ secret: 'step-up-secret', resave: false, saveUninitialized: false, name: 'sid' }));
  app.use(passport.session());
  app.use(router);
  app.get('/per-request', (req, res, next) => {
    passport.authenticate('mojeid', JSON.parse(String(req.query['options'])) as object, (error: unknown) => {
      res.status(500).json({ code: (error as MojeIdError | undefined)?.code, message: (error as Error | undefined)?.message });
    })(req, res, next);
  });
  app.get('/any', requireMojeIdLogin(), (_req, res) => void res.send('any login'));
  app.get('/pay', requireMojeIdLogin({ assurance: 'high', maxAge: 300 }), (req, res) => void res.json(mojeIdLoginOf(req)));
  app.get('/key', requireMojeIdLogin({ loginMethod: 'multi-factor' }), (_req, res) => void res.send('strong enough'));
  app.get('/direct', requireMojeIdLogin({ direct: true }), (_req, res) => void res.send('direct'));
  server.on('request', app);
}

/** The login start's redirect to the provider, the provider's answer, the app's answer. */
async function through(browser: TestBrowser, start: string): Promise<{ authorization: URL; done: Hop }> {
  const started = await browser.get(start.startsWith('http') ? start : `${origin}${start}`);
  expect(started.status).toBe(302);
  const authorization = new URL(started.location as string);
  const answered = await browser.get(authorization);
  return { authorization, done: await browser.get(answered.location as string) };
}

describe('eIDAS assurance in the provider\'s spelling (§5.1.12, production discovery)', () => {
  it('requests the level as production spells it, and logs in when production asserts it', async () => {
    await setup({ acrValues: 'high' });
    const { authorization, done } = await through(new TestBrowser(), '/auth/mojeid/login');
    expect(authorization.searchParams.get('acr_values')).toBe(LOA_HIGH);
    expect(done.status).toBe(303);
  });

  it('asks for substantial and anything stronger, in order of preference (OIDC Core §3.1.2.1)', async () => {
    await setup({ acrValues: 'substantial' });
    const { authorization } = await through(new TestBrowser(), '/auth/mojeid/login');
    expect(authorization.searchParams.get('acr_values')).toBe(`${LOA_SUBSTANTIAL} ${LOA_HIGH}`);
  });

  it("uses the manual's spelling when the provider advertises that one, or none", async () => {
    await setup({ acrValues: 'high' }, ['http://eidas.europa.eu/oidc/assurance_level/substantial', MANUAL_HIGH]);
    expect((await through(new TestBrowser(), '/auth/mojeid/login')).authorization.searchParams.get('acr_values')).toBe(MANUAL_HIGH);
    await setup({ acrValues: 'high' }, null);
    expect((await through(new TestBrowser(), '/auth/mojeid/login')).authorization.searchParams.get('acr_values')).toBe(MANUAL_HIGH);
  });

  it.each([
    ['a lower level', LOA_SUBSTANTIAL],
    ['no acr', undefined],
    ['an empty acr', ''],
    ['a login method', 'phr'],
  ])('refuses %s when high was asked for', async (_name, acr) => {
    await setup({ acrValues: 'high' });
    provider.behave({
      discovery: (doc) => ({ ...doc, acr_values_supported: PRODUCTION_ACR_VALUES }),
      idTokenClaims: ({ acr: _acr, ...claims }) => (acr === undefined ? claims : { ...claims, acr }),
    });
    const { done } = await through(new TestBrowser(), '/auth/mojeid/login');
    expect(done.status).toBe(403);
    expect(errors.at(-1)?.code).toBe('insufficient_assurance');
  });
});

describe('login methods (§4.3.1, Appendix 6.4)', () => {
  it('sends the method and the stronger ones as acr_values, and accepts the method or a stronger one', async () => {
    await setup({ loginMethod: 'multi-factor' });
    const first = await through(new TestBrowser(), '/auth/mojeid/login');
    expect(first.authorization.searchParams.get('acr_values')).toBe('mod-pr phr');
    expect(first.done.status).toBe(303);
    provider.behave({ discovery: (doc) => ({ ...doc, acr_values_supported: PRODUCTION_ACR_VALUES }), idTokenClaims: (c) => ({ ...c, acr: 'phr' }) });
    expect((await through(new TestBrowser(), '/auth/mojeid/login')).done.status).toBe(303);
  });

  it.each([['pwd'], [LOA_HIGH], [undefined]])('refuses acr %s when multi-factor is required (strict reading: eIDAS does not stand in)', async (acr) => {
    await setup({ loginMethod: 'multi-factor' });
    provider.behave({
      discovery: (doc) => ({ ...doc, acr_values_supported: PRODUCTION_ACR_VALUES }),
      idTokenClaims: ({ acr: _acr, ...claims }) => (acr === undefined ? claims : { ...claims, acr }),
    });
    const { done } = await through(new TestBrowser(), '/auth/mojeid/login');
    expect(done.status).toBe(403);
    expect(errors.at(-1)?.message).toContain('login method multi-factor (mod-pr)');
  });

  it('refuses a configuration that requires an eIDAS level and a login method at once', async () => {
    await expect(setup({ acrValues: 'high', loginMethod: 'security-key' })).rejects.toThrow(/MOJEID_LOGIN_METHOD \(option loginMethod\): cannot be combined with acrValues/);
  });

  it('reads MOJEID_LOGIN_METHOD from the environment', async () => {
    await setup({ useEnvironment: true, env: { MOJEID_LOGIN_METHOD: 'security-key' } });
    expect((await through(new TestBrowser(), '/auth/mojeid/login')).authorization.searchParams.get('acr_values')).toBe('phr');
  });
});

describe('per-request options are checked like configuration', () => {
  it.each([
    [{ acrValues: 'High' }, 'acrValues'],
    [{ loginMethod: 'fingerprint' }, 'loginMethod'],
    [{ maxAge: -5 }, 'maxAge'],
    [{ maxAge: 1.5 }, 'maxAge'],
    [{ prompt: 'sometimes' }, 'prompt'],
    [{ prompt: 'none login' }, 'prompt'],
    [{ uiLocales: 'česky!' }, 'uiLocales'],
  ])('refuses %j with invalid_configuration naming %s, and sends nobody to mojeID', async (options, option) => {
    await setup({ acrValues: 'high' });
    const response = await new TestBrowser().get(`${origin}/per-request?options=${encodeURIComponent(JSON.stringify(options))}`);
    expect(response.status).toBe(500);
    const body = JSON.parse(response.body) as { code: string; message: string };
    expect(body.code).toBe('invalid_configuration');
    expect(body.message).toContain(`option ${option}`);
    expect(provider.authorizations).toHaveLength(0);
  });

  it('lets a request raise the configured level but never lower it', async () => {
    await setup({ acrValues: 'high', maxAge: 600 });
    const response = await new TestBrowser().get(`${origin}/auth/mojeid/login?assurance=substantial&maxAge=900`);
    const params = new URL(response.location as string).searchParams;
    expect(params.get('acr_values')).toBe(LOA_HIGH);
    expect(params.get('max_age')).toBe('600');
    await setup({ acrValues: 'substantial' });
    const raised = await new TestBrowser().get(`${origin}/auth/mojeid/login?assurance=high&maxAge=60`);
    const raisedParams = new URL(raised.location as string).searchParams;
    expect(raisedParams.get('acr_values')).toBe(LOA_HIGH);
    expect(raisedParams.get('max_age')).toBe('60');
  });

  it('answers a malformed step-up link with bad_request', async () => {
    await setup();
    for (const query of ['assurance=High', 'loginMethod=thumb', 'maxAge=-1', 'maxAge=5e3']) {
      const response = await new TestBrowser().get(`${origin}/auth/mojeid/login?${query}`);
      expect({ query, status: response.status, code: /data-code="(\w+)"/.exec(response.body)?.[1] }).toEqual({ query, status: 400, code: 'bad_request' });
    }
    expect(provider.authorizations).toHaveLength(0);
  });
});

describe('step-up per route: requireMojeIdLogin({ assurance, loginMethod, maxAge })', () => {
  it('sends a login without the level back to mojeID with the route\'s demands, and lets the stronger login through', async () => {
    await setup();
    const browser = new TestBrowser();
    // An ordinary login first: the route that takes any login lets it in.
    const anyPage = await browser.get(`${origin}/any`);
    expect(anyPage.location).toBe(`${origin}/auth/mojeid?returnTo=%2Fany`);
    const ordinary = await through(browser, '/auth/mojeid/login?returnTo=%2Fany');
    expect(ordinary.authorization.searchParams.get('acr_values')).toBeNull();
    expect((await browser.get(`${origin}/any`)).body).toBe('any login');

    // The payment page demands eIDAS high within 5 minutes: off to mojeID with those demands.
    const pay = await browser.get(`${origin}/pay`);
    expect(pay.status).toBe(303);
    expect(pay.location).toBe(`${origin}/auth/mojeid/login?returnTo=%2Fpay&assurance=high&maxAge=300`);
    const api = await browser.get(`${origin}/pay`, { accept: 'application/json' });
    expect(api.status).toBe(403);
    expect(JSON.parse(api.body)).toEqual({
      error: 'insufficient_assurance',
      missing: ['assurance'],
      required: { assurance: 'high', maxAge: 300 },
      login: '/auth/mojeid/login?returnTo=%2Fpay&assurance=high&maxAge=300',
    });

    const stepUp = await through(browser, pay.location as string);
    expect(stepUp.authorization.searchParams.get('acr_values')).toBe(LOA_HIGH);
    expect(stepUp.authorization.searchParams.get('max_age')).toBe('300');
    expect(stepUp.done.location).toBe(`${origin}/pay`);
    const paid = await browser.get(`${origin}/pay`);
    expect(paid.status).toBe(200);
    expect(JSON.parse(paid.body)).toEqual(expect.objectContaining({ acr: LOA_HIGH, assuranceLevel: 'high' }));
  });

  it(`asks again when the login is older than the route's maxAge`, async () => {
    await setup();
    const browser = new TestBrowser();
    await through(browser, '/auth/mojeid/login?assurance=high');
    expect((await browser.get(`${origin}/pay`)).status).toBe(200);
    const realNow = Date.now.bind(Date);
    const spy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 400_000);
    try {
      const later = await browser.get(`${origin}/pay`, { accept: 'application/json' });
      expect(later.status).toBe(403);
      expect((JSON.parse(later.body) as { missing: string[] }).missing).toEqual(['maxAge']);
    } finally {
      spy.mockRestore();
    }
  });

  it(`a login that does not reach the route's level ends on the error page, not in a loop`, async () => {
    await setup();
    provider.behave({ discovery: (doc) => ({ ...doc, acr_values_supported: PRODUCTION_ACR_VALUES }), idTokenClaims: (c) => ({ ...c, acr: LOA_SUBSTANTIAL }) });
    const browser = new TestBrowser();
    const page = await browser.get(`${origin}/key`);
    expect(page.location).toBe(`${origin}/auth/mojeid?returnTo=%2Fkey&loginMethod=multi-factor`);
    const loginPage = await browser.get(page.location as string);
    const button = /class="mojeid-button" href="([^"]+)"/.exec(loginPage.body)?.[1]?.replace(/&amp;/g, '&');
    expect(button).toBe('/auth/mojeid/login?returnTo=%2Fkey&loginMethod=multi-factor');
    const { authorization, done } = await through(browser, button as string);
    expect(authorization.searchParams.get('acr_values')).toBe('mod-pr phr');
    expect(done.status).toBe(403);
    expect(errors.at(-1)?.code).toBe('insufficient_assurance');
  });

  it('refuses a guard with impossible demands at start-up', () => {
    expect(() => requireMojeIdLogin({ assurance: 'High' })).toThrow(/option acrValues/);
    expect(() => requireMojeIdLogin({ assurance: 'high', loginMethod: 'security-key' })).toThrow(/cannot be required together/);
    expect(() => requireMojeIdLogin({ maxAge: -1 })).toThrow(/option maxAge/);
  });

  it('follows the router\'s mountPath, and goes straight to mojeID with direct: true', async () => {
    await setup({ mountPath: '/login/mojeid' });
    const browser = new TestBrowser();
    expect((await browser.get(`${origin}/any`)).location).toBe(`${origin}/login/mojeid?returnTo=%2Fany`);
    const direct = await browser.get(`${origin}/direct`);
    expect(direct.location).toBe(`${origin}/login/mojeid/login?returnTo=%2Fdirect`);
    expect((await browser.get(direct.location as string)).location?.startsWith(provider.issuer)).toBe(true);
  });
});
