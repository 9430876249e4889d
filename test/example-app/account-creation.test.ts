/**
 * The example app's "Create mojeID account" (Appendix 7 point 7b, ch. 6) against its in-process
 * simulator: prefilled from the local account, linked when mojeID's notification arrives, the
 * status changes shown on the profile. The notifications always carry the simulator's client
 * certificate (§6.2): with the app on plain HTTP they go to a separate https listener for the
 * notification route; with HTTPS_CERT_FILE / HTTPS_KEY_FILE to the app's own server.
 */
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createExampleApp, type ExampleApp } from '../../example-app/src/app.js';
import { loadConfig } from '../../example-app/src/config.js';
import { selfSignedCertificate } from 'mojeid-simulator';
import { Client, TEST_SESSION_SECRET, csrfFrom, loginWithMojeId, startExample, type Hop, type RunningExample } from './harness.js';

let app: RunningExample | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

function decode(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function inputs(body: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of body.matchAll(/<input(?: type="(?:hidden|checkbox)")? name="([^"]+)" value="([^"]*)"/g)) fields[m[1] as string] = decode(m[2] as string);
  return fields;
}

async function passwordLogin(example: RunningExample, client: Client): Promise<void> {
  const page = await client.get(example.url('/login'));
  const answer = await client.post(example.url('/login'), { _csrf: csrfFrom(page.body), email: 'demo@example.cz', password: 'demo-password', returnTo: '/profile' });
  expect(answer.status).toBe(303);
}

/** Profile -> "Create mojeID account" -> the form at the simulator -> create. */
async function createFromProfile(example: RunningExample, client: Client): Promise<{ register: Hop; done: Hop; sub: string }> {
  const profile = await client.get(example.url('/profile'));
  const offer = /<form method="post" action="([^"]+)" class="mojeid-links" id="create-mojeid-account">/.exec(profile.body);
  expect(offer?.[1]).toBe('/auth/mojeid/register');
  const register = await client.post(example.url('/auth/mojeid/register'), { _csrf: csrfFrom(profile.body) });
  expect(register.status).toBe(200);
  const action = decode(/id="mojeid-register" method="post" action="([^"]+)"/.exec(register.body)?.[1] ?? '');
  const form = await client.post(action, inputs(register.body));
  expect(form.body).toContain('data-step="registration-form"');
  const done = await client.post(new URL('/registration/create', action).href, inputs(form.body));
  const sub = /<code id="sub">([^<]+)<\/code>/.exec(done.body)?.[1] ?? '';
  return { register, done, sub };
}

async function waitForStatus(example: RunningExample, client: Client, status: string): Promise<string> {
  for (let i = 0; i < 100; i += 1) {
    const profile = await client.get(example.url('/profile'));
    if (profile.body.includes(`<code id="mojeid-status">${status}</code>`)) return profile.body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the profile never showed the status ${status}`);
}

describe('the example app creates a mojeID account for a local account', () => {
  it('prefills the form from the local account, links on REGISTERED, shows VALIDATED, and logs in as the linked account', async () => {
    app = await startExample({ SIMULATOR_STATUS_DELAY: '0.05' });
    const client = new Client();
    await passwordLogin(app, client);
    const { register, done, sub } = await createFromProfile(app, client);
    // Appendix 7 point 7b: the local account's data, in Appendix 5's field names.
    expect(inputs(register.body)).toMatchObject({
      realm: 'example-app',
      email_default_email: 'demo@example.cz',
      first_name: 'Demo',
      last_name: 'Uživatel',
      phone_default_number: '+420.111222333',
    });
    expect(done.body).toContain('data-outcome="accept"');
    // §6.3 ends on mojeID's page; the simulator links back to the service the form came from.
    const back = /<a class="back" href="([^"]+)">Zpět do služby Ukázková aplikace \/ Example app/.exec(done.body)?.[1];
    expect(back).toBe('/return/?client_id=example-app');
    const returned = await client.get(new URL(decode(back as string), app.example.simulator?.origin).href);
    expect(returned.status).toBe(303);
    expect(returned.location).toBe(app.url('/'));

    const profile = await waitForStatus(app, client, 'VALIDATED');
    expect(profile).toContain(`<code id="mojeid-sub">${sub}</code>`);
    expect(profile).not.toContain('id="create-mojeid-account"');

    // The new mojeID account logs in to the local account it was created for.
    await client.post(app.url('/auth/mojeid/logout'), { _csrf: csrfFrom(profile) });
    const fresh = new Client();
    const login = await loginWithMojeId(app, fresh, { account: `created-${sub}` });
    expect(login.status).toBe(303);
    const me = JSON.parse((await fresh.get(app.url('/me'), { accept: 'application/json' })).body) as { user: { email: string }; mojeid: { sub: string } };
    expect(me.user.email).toBe('demo@example.cz');
    expect(me.mojeid.sub).toBe(sub);
  });

  it('takes the simulator’s notifications over mutual TLS with its test CA, not the insecure plain-HTTP mode', async () => {
    app = await startExample();
    const notificationUrl = app.example.notificationUrl ?? '';
    expect(notificationUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/auth\/mojeid\/notify$/);
    expect(app.example.mojeid.notifyInsecureTestMode).toBe(false);
    expect(app.logLines.join('\n')).not.toMatch(/INSECURE_TEST_MODE/);

    const client = new Client();
    await passwordLogin(app, client);
    const { done } = await createFromProfile(app, client);
    expect(done.body).toContain('data-outcome="accept"');

    // The same notification without the simulator's certificate is refused, over https and over
    // the app's own plain http: nothing but a verified certificate is believed (§6.2).
    const notification = new URLSearchParams({ sub: '248289761099', status: 'VALIDATED' }).toString();
    const ca = app.example.mojeid.notifyCa.map((c) => c.toString());
    const withoutCertificate = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = https.request(notificationUrl, { method: 'POST', ca, agent: false, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      request.on('error', reject);
      request.end(notification);
    });
    expect(withoutCertificate).toEqual({ status: 403, body: 'client certificate required\n' });
    const plain = await fetch(app.url('/auth/mojeid/notify'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: notification });
    expect(plain.status).toBe(403);
  });

  it('offers nothing to a visitor who is not logged in', async () => {
    app = await startExample();
    const client = new Client();
    const home = await client.get(app.url('/'));
    const refused = await client.post(app.url('/auth/mojeid/register'), { _csrf: 'x' });
    expect(refused.status).toBe(403);
    expect(home.body).not.toContain('id="create-mojeid-account"');
  });
});

describe('the example app over HTTPS (HTTPS_CERT_FILE, HTTPS_KEY_FILE)', () => {
  it('asks for client certificates and accepts the simulator’s notification by its certificate', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-https-'));
    // A self-signed development certificate, as `openssl req -x509` would make.
    const serverCert = selfSignedCertificate({ commonName: '127.0.0.1', kind: 'server', hosts: ['127.0.0.1', 'localhost'] });
    fs.writeFileSync(path.join(dir, 'cert.pem'), serverCert.certPem);
    fs.writeFileSync(path.join(dir, 'key.pem'), serverCert.keyPem);
    // Listen first (the port goes into BASE_URL), then give the server the app's TLS settings.
    const server = https.createServer({ cert: serverCert.certPem, key: serverCert.keyPem, requestCert: true, rejectUnauthorized: false });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let example: ExampleApp | undefined;
    try {
      const config = loadConfig({
        PORT: '0',
        BASE_URL: origin,
        DATABASE_FILE: path.join(dir, 'app.sqlite'),
        SIMULATOR_PORT: '0',
        SESSION_SECRET: TEST_SESSION_SECRET,
        HTTPS_CERT_FILE: path.join(dir, 'cert.pem'),
        HTTPS_KEY_FILE: path.join(dir, 'key.pem'),
      });
      example = await createExampleApp({ config, logger: { warn: () => undefined } });
      expect(example.httpsOptions).toMatchObject({ requestCert: true, rejectUnauthorized: false, ca: [expect.stringContaining('BEGIN CERTIFICATE')] });
      server.setSecureContext(example.httpsOptions as https.ServerOptions);
      server.on('request', example.app);

      // The browser part over HTTPS (the test trusts the self-signed certificate).
      const browse = (url: string, method = 'GET', form?: Record<string, string>, cookie?: string) =>
        new Promise<{ status: number; body: string; cookie: string | undefined }>((resolve, reject) => {
          const body = form ? new URLSearchParams(form).toString() : undefined;
          const request = https.request(url, { method, ca: serverCert.certPem, agent: false, headers: { accept: 'text/html', ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) } }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, cookie: res.headers['set-cookie']?.[0]?.split(';')[0] ?? cookie }));
          });
          request.on('error', reject);
          request.end(body);
        });
      const loginPage = await browse(`${origin}/login`);
      const loggedIn = await browse(`${origin}/login`, 'POST', { _csrf: csrfFrom(loginPage.body), email: 'demo@example.cz', password: 'demo-password', returnTo: '/profile' }, loginPage.cookie);
      expect(loggedIn.status).toBe(303);
      const profile = await browse(`${origin}/profile`, 'GET', undefined, loggedIn.cookie);
      const register = await browse(`${origin}/auth/mojeid/register`, 'POST', { _csrf: csrfFrom(profile.body) }, loggedIn.cookie);
      expect(register.status).toBe(200);
      const simulator = new Client();
      const action = decode(/id="mojeid-register" method="post" action="([^"]+)"/.exec(register.body)?.[1] ?? '');
      const form = await simulator.post(action, inputs(register.body));
      const done = await simulator.post(new URL('/registration/create', action).href, inputs(form.body));
      expect(done.body).toContain('data-outcome="accept"');
      const linked = await browse(`${origin}/profile`, 'GET', undefined, loggedIn.cookie);
      expect(linked.body).toContain('<code id="mojeid-status">REGISTERED</code>');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await example?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
