/**
 * The quick start's app (docs/quick-start.md, the block marked `<!-- run: app -->`), exactly as a
 * reader copies it, served on http://localhost and logged into through the simulator like a
 * browser would: the button on `/`, the protected page, the login, the logout.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { jest } from '@jest/globals';
import type { Express } from 'express';
import { CookieJar, loginThroughSimulator, startSimulator, type RunningSimulator } from 'mojeid-simulator';
import { ROOT, removeGeneratedIfEmpty, runnableBlock } from './code-blocks.js';

const GENERATED = path.join(ROOT, 'test', 'docs', '.generated', `quick-start-${process.pid}`);
const APP_CODE = runnableBlock('docs/quick-start.md', 'app').code;
const CLIENT = { client_id: 'my-app', client_secret: 'quick-start-test-secret' };

let simulator: RunningSimulator;
const servers: http.Server[] = [];
const savedEnv = { ...process.env };

beforeAll(async () => {
  mkdirSync(GENERATED, { recursive: true });
  simulator = await startSimulator();
});

afterEach(() => {
  jest.restoreAllMocks();
  for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
  Object.assign(process.env, savedEnv);
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await simulator?.close();
  rmSync(GENERATED, { recursive: true, force: true });
  removeGeneratedIfEmpty();
});

/**
 * Serves a fresh copy of the quick start's app (its module reads the environment once, when
 * imported) on 127.0.0.1, addressed as http://localhost like a developer's browser does.
 */
async function serveQuickStart(copy: string, env: Record<string, string> = {}): Promise<string> {
  const server = http.createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  simulator.addClient({ ...CLIENT, redirect_uris: [`${origin}/auth/mojeid/callback`] });
  for (const name of Object.keys(process.env)) if (name.startsWith('MOJEID_')) delete process.env[name];
  Object.assign(process.env, {
    MOJEID_ISSUER: simulator.issuer,
    MOJEID_CLIENT_ID: CLIENT.client_id,
    MOJEID_CLIENT_SECRET: CLIENT.client_secret,
    MOJEID_BASE_URL: origin,
    SESSION_SECRET: 'quick-start-test-session-secret',
    ...env,
  });
  const file = path.join(GENERATED, `${copy}.ts`);
  writeFileSync(file, APP_CODE);
  const { app } = (await import(file)) as { app: Express };
  server.on('request', app);
  return origin;
}

/** A browser for one origin: keeps cookies (Secure ones only over https, as browsers do), does not follow redirects. */
function browser(origin: string): { jar: CookieJar; visit(url: string | URL, init?: { form?: Record<string, string>; headers?: Record<string, string> }): Promise<Response> } {
  const jar = new CookieJar();
  return {
    jar,
    async visit(url, init = {}) {
      const target = new URL(url, origin);
      const headers: Record<string, string> = { ...init.headers };
      const cookie = jar.header(target);
      if (cookie) headers['cookie'] = cookie;
      const body = init.form ? new URLSearchParams(init.form) : undefined;
      const response = await fetch(target, { method: body ? 'POST' : 'GET', headers, body, redirect: 'manual' });
      jar.store(target, response.headers.getSetCookie());
      return response;
    },
  };
}

function attribute(html: string, pattern: RegExp): string | undefined {
  return pattern.exec(html)?.[1]?.replace(/&amp;/g, '&');
}

it('logs in over plain http://localhost and out again, the session cookie not Secure outside production', async () => {
  const origin = await serveQuickStart('app');
  const { visit } = browser(origin);

  const home = await visit('/');
  expect(home.headers.get('content-type')).toMatch(/^text\/html/);
  const homePage = await home.text();
  expect(attribute(homePage, /class="mojeid-button" href="([^"]+)"/)).toBe('/auth/mojeid/login?returnTo=%2Forders');
  // router.loginButton() links the configured mojeID's "Create mojeID account" page (Appendix 7 point 2b).
  expect(homePage).toContain(`href="${simulator.origin}/registration/"`);

  const orders = await visit('/orders');
  expect(orders.status).toBe(303);
  // The guard sends the browser to the login page with the button (§5.1.4), which leads to the login.
  expect(orders.headers.get('location')).toBe('/auth/mojeid?returnTo=%2Forders');
  const loginPage = await (await visit(orders.headers.get('location') as string)).text();
  expect(attribute(loginPage, /class="mojeid-button" href="([^"]+)"/)).toBe('/auth/mojeid/login?returnTo=%2Forders');

  const start = await visit('/auth/mojeid/login?returnTo=%2Forders');
  expect(start.status).toBe(302);
  const sessionCookie = start.headers.getSetCookie().find((c) => c.startsWith('connect.sid='));
  expect(sessionCookie).toBeDefined();
  expect(sessionCookie).not.toMatch(/;\s*Secure/i);

  const callback = await loginThroughSimulator(start.headers.get('location') as string, { account: 'partial' });
  expect(callback.origin).toBe(origin);
  const done = await visit(callback);
  expect(done.status).toBe(303);
  expect(done.headers.get('location')).toBe('/orders');

  const page = await visit('/orders');
  expect(page.status).toBe(200);
  expect(await page.text()).toBe('<p>Orders of Petra Svobodová</p>');

  const loggedInHome = await (await visit('/')).text();
  expect(loggedInHome).toContain('<p>Hello Petra Svobodová</p>');
  const csrf = attribute(loggedInHome, /name="_csrf" value="([^"]+)"/);
  expect(csrf).toBeDefined();
  const logout = await visit('/auth/mojeid/logout', { form: { _csrf: csrf as string } });
  expect(logout.status).toBe(200);
  expect(await logout.text()).toContain(simulator.logoutUrl);
  expect((await visit('/orders')).status).toBe(303);
});

it('in production sets a Secure cookie when the TLS proxy says https (trust proxy), and none over plain http', async () => {
  // The library warns about the plain-http login start; that warning is not what this test is about.
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  const origin = await serveQuickStart('app-production', { NODE_ENV: 'production' });
  const { visit } = browser(origin);
  const behindProxy = await visit('/auth/mojeid/login?returnTo=%2Forders', { headers: { 'x-forwarded-proto': 'https' } });
  expect(behindProxy.status).toBe(302);
  expect(behindProxy.headers.getSetCookie().find((c) => c.startsWith('connect.sid='))).toMatch(/;\s*Secure/i);
  // What every login on http://localhost would meet with `secure: true`: no session cookie at all.
  const plain = await visit('/auth/mojeid/login?returnTo=%2Forders');
  expect(plain.headers.getSetCookie().filter((c) => c.startsWith('connect.sid='))).toEqual([]);
});
