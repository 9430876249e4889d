/**
 * Codes say whose fault a failure is: the app's verify callback failing is `verify_failed`; an
 * unexpected failure anywhere else (here: the app's serializeUser, whose database is down, while
 * the callback logs the user in) is `internal_error`, so nobody goes looking at their verify
 * callback for it. Both are 500s whose cause reaches `onError`, never the page.
 */
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { mojeid, type MojeIdError, type MojeIdRouter, type MojeIdRouterOptions } from '../../src/index.js';
import { TestBrowser, type Hop } from '../helpers/browser.js';
import { listenOnLoopback, type LoopbackServer } from '../helpers/loopback-server.js';
import { startTestProvider, type TestProvider } from '../helpers/test-provider.js';

let provider: TestProvider;
let loopback: LoopbackServer;
let router: MojeIdRouter;
let errors: MojeIdError[];

async function setup(options: { verify?: MojeIdRouterOptions['verify']; serializeFails?: boolean }): Promise<string> {
  provider = await startTestProvider();
  loopback = await listenOnLoopback();
  errors = [];
  const passport = new Passport();
  passport.serializeUser((user, done) => (options.serializeFails ? done(new Error('database down')) : done(null, user)));
  passport.deserializeUser((user: Express.User, done) => done(null, user));
  router = mojeid({
    useEnvironment: false,
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    baseUrl: loopback.origin,
    passport,
    logger: { warn: () => undefined },
    onError: (error) => void errors.push(error),
    ...(options.verify ? { verify: options.verify } : {}),
  } as MojeIdRouterOptions);
  const app = express();
  app.use(session({ secret: 'error-codes-secret', resave: false, saveUninitialized: false, name: 'sid' }));
  app.use(passport.session());
  app.use(router);
  loopback.server.on('request', app);
  return loopback.origin;
}

afterEach(async () => {
  router?.strategy.close();
  await loopback?.close();
  await provider?.close();
});

async function login(origin: string): Promise<Hop> {
  const browser = new TestBrowser();
  const started = await browser.get(`${origin}/auth/mojeid/login`);
  const answered = await browser.get(started.location as string);
  return browser.get(answered.location as string);
}

it('reports a verify callback that fails as verify_failed (500), its error as the cause', async () => {
  const origin = await setup({ verify: () => Promise.reject(new Error('users table locked')) });
  const hop = await login(origin);
  expect(hop.status).toBe(500);
  expect(hop.body).toContain('data-code="verify_failed"');
  expect(hop.body).not.toContain('users table locked');
  expect(errors.map((e) => e.code)).toEqual(['verify_failed']);
  expect((errors[0]?.cause as Error).message).toBe('users table locked');
});

it('reports an unexpected failure after verify as internal_error (500), not verify_failed', async () => {
  const origin = await setup({ serializeFails: true });
  const hop = await login(origin);
  expect(hop.status).toBe(500);
  expect(hop.body).toContain('data-code="internal_error"');
  expect(hop.body).not.toContain('database down');
  expect(errors.map((e) => e.code)).toEqual(['internal_error']);
  expect((errors[0]?.cause as Error).message).toBe('database down');
});
