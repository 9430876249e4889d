/**
 * `router.errorHandler()`: a session store that does not answer while a login comes back ends on
 * the library's error page (`session_store_failed`, 503), not on the app's generic 500; other
 * paths and other errors go on to the app's own handler.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { mojeid, type MojeIdError, type MojeIdRouter } from '../../src/index.js';
import { TestBrowser } from '../helpers/browser.js';

/** A store whose reads fail while `down` is set, as Redis does when it goes away. */
class FlakyStore extends session.MemoryStore {
  down = false;
  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    if (this.down) return void callback(new Error('connection closed'));
    super.get(sid, callback);
  }
}

let server: http.Server;
let router: MojeIdRouter;
let origin: string;
const store = new FlakyStore();
const errors: MojeIdError[] = [];

beforeAll(async () => {
  server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const passport = new Passport();
  router = mojeid({
    useEnvironment: false,
    issuer: 'https://mojeid.regtest.nic.cz/oidc/',
    clientId: 'c',
    clientSecret: 's',
    baseUrl: origin,
    passport,
    logger: { warn: () => undefined },
    onError: (error) => void errors.push(error),
  });
  const app = express();
  app.use(session({ secret: 'x', resave: false, saveUninitialized: true, store, name: 'sid' }));
  app.use(router);
  app.get('/cart', (_req, res) => void res.send('cart'));
  app.use(router.errorHandler());
  app.use((_error: unknown, _req: Request, res: Response, _next: NextFunction) => void res.status(500).send('the app handled it'));
  server.on('request', app);
});

afterAll(async () => {
  router.strategy.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it('answers a callback whose session store is down with the library page, session_store_failed (503)', async () => {
  const browser = new TestBrowser();
  await browser.get(`${origin}/cart`); // a session cookie, so the store is asked
  store.down = true;
  try {
    const callback = await browser.get(`${origin}/auth/mojeid/callback?code=x&state=y`);
    expect(callback.status).toBe(503);
    expect(callback.body).toContain('data-code="session_store_failed"');
    expect(errors.at(-1)?.code).toBe('session_store_failed');
    const elsewhere = await browser.get(`${origin}/cart`);
    expect([elsewhere.status, elsewhere.body]).toEqual([500, 'the app handled it']);
  } finally {
    store.down = false;
  }
});
