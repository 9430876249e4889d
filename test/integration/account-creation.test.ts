/**
 * Account creation end to end through the simulator (ch. 6), over real HTTP and mutual TLS:
 * the app's "Create mojeID account" -> the prefilled form at mojeID -> the account is created ->
 * REGISTERED arrives over HTTPS with the simulator's client certificate -> the app links its
 * local user -> logging in with the new account finds that user -> the status change to
 * VALIDATED reaches the hook.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestCertificateAuthority, loginThroughSimulator, startSimulator, type RunningSimulator } from 'mojeid-simulator';
import type { MojeIdRouterOptions, MojeIdProfile, VerifyCallback } from '../../src/index.js';
import { TestBrowser, type Hop } from '../helpers/browser.js';
import { startNotifyApp, type NotifyApp } from '../helpers/notify.js';

const CLIENT = { client_id: 'shopClient01', client_secret: 'shop-secret-for-tests-only' };

let simulator: RunningSimulator;
let app: NotifyApp;

afterEach(async () => {
  await app?.close();
  await simulator?.close();
});

function attr(html: string, pattern: RegExp): string {
  const value = pattern.exec(html)?.[1];
  if (value === undefined) throw new Error(`${pattern} not found in ${html.slice(0, 500)}`);
  return value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Every `<input name value>` of a form, as the browser would submit it. */
function formFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input(?: type="(?:hidden|checkbox)")? name="([^"]+)" value="([^"]*)"/g)) {
    fields[match[1] as string] = attr(match[0], /value="([^"]*)"/);
  }
  return fields;
}

/** The browser part: the app's form page, auto-submitted to mojeID, then mojeID's form, submitted. */
async function createAccount(browser: TestBrowser): Promise<{ done: Hop; sub: string }> {
  const { token } = JSON.parse((await browser.get(`${app.origin}/csrf`)).body) as { token: string };
  const page = await browser.post(`${app.origin}/auth/mojeid/register`, { _csrf: token });
  expect(page.status).toBe(200);
  const action = attr(page.body, /<form id="mojeid-register" method="post" action="([^"]+)"/);
  expect(action).toBe(`${simulator.origin}/registration/endpoint/`);
  const form = await browser.post(action, formFields(page.body));
  expect(form.body).toContain('data-step="registration-form"');
  expect(form.body).toContain('value="Jana"'); // prefilled (Appendix 7 point 7b)
  const done = await browser.post(`${simulator.origin}/registration/create`, formFields(form.body));
  expect(done.body).toContain('data-step="registration-done"');
  return { done, sub: attr(done.body, /<code id="sub">([^<]+)<\/code>/) };
}

describe('creating a mojeID account from the app', () => {
  it('links the local user on REGISTERED over mutual TLS, logs in as it, and hears about VALIDATED', async () => {
    simulator = await startSimulator({ accountCreation: { statusDelay: 50, statusChanges: ['CONDITIONALLY_IDENTIFIED', 'VALIDATED'] } });
    const ca = simulator.accountCreation;
    const serverCert = ca.issueServerCertificate(['127.0.0.1']);
    // The app's local accounts and their mojeID links, as its database would keep them.
    const links = new Map<string, string>();
    const statuses: string[] = [];
    const router: Partial<MojeIdRouterOptions> = {
      issuer: simulator.issuer,
      clientId: CLIENT.client_id,
      clientSecret: CLIENT.client_secret,
      notifyCa: ca.caFile,
      verify: (profile: MojeIdProfile, done: VerifyCallback) => done(null, { localUser: links.get(profile.id) ?? null, sub: profile.id } as Express.User),
    };
    app = await startNotifyApp({
      localUser: 'local-user-1001',
      registrationFields: { first_name: 'Jana', last_name: 'Nováková', email_default_email: 'jana.novakova@example.cz', phone_default_number: '+420.603123456' },
      notifyListener: { certPem: serverCert.certPem, keyPem: serverCert.keyPem, clientCa: [ca.caCertificatePem] },
      router,
    });
    app.decide = (n) => {
      if (n.status === 'REGISTERED') {
        if (!n.localUser || links.has(n.sub)) return { accept: false, reason: 'already linked' };
        links.set(n.sub, n.localUser);
      } else {
        statuses.push(`${n.status}${n.repeat ? ' (repeat)' : ''}`);
      }
      return true;
    };
    simulator.addClient({
      ...CLIENT,
      redirect_uris: [`${app.origin}/auth/mojeid/callback`],
      assertion_uris: [`${app.notifyOrigin}/auth/mojeid/notify`],
    });

    const browser = new TestBrowser();
    const { done, sub } = await createAccount(browser);
    expect(done.body).toContain('data-outcome="accept"');
    expect(app.notifications[0]).toEqual({ sub, status: 'REGISTERED', localUser: 'local-user-1001', repeat: false, variant: 'registration', via: 'tls' });
    expect(links.get(sub)).toBe('local-user-1001');

    // The new account logs in, and the app finds the linked local user by its sub.
    const start = await browser.get(`${app.origin}/auth/mojeid/login`);
    expect(start.status).toBe(302);
    const callback = await loginThroughSimulator(start.location as string, { account: `created-${sub}` });
    expect((await browser.get(callback)).status).toBe(303);
    const me = JSON.parse((await browser.get(`${app.origin}/me`)).body) as { user: { localUser: string; sub: string } };
    expect(me.user).toEqual({ localUser: 'local-user-1001', sub });

    // §6.3: the status changes follow on the simulator's timer (sped up here).
    await ca.waitForDelivery((d) => d.sub === sub && d.status === 'VALIDATED' && d.outcome === 'accept');
    expect(statuses).toEqual(['CONDITIONALLY_IDENTIFIED', 'VALIDATED']);
    expect(app.notifications.every((n) => n.via === 'tls')).toBe(true);
    expect(ca.deliveries.map((d) => [d.status, d.outcome])).toEqual([
      ['REGISTERED', 'accept'],
      ['CONDITIONALLY_IDENTIFIED', 'accept'],
      ['VALIDATED', 'accept'],
    ]);
  });

  it('tries the next assertion URI when the first does not answer in key-value form (§6.3)', async () => {
    simulator = await startSimulator({ accountCreation: { statusChanges: [] } });
    app = await startNotifyApp({ router: { issuer: simulator.issuer, clientId: CLIENT.client_id, clientSecret: CLIENT.client_secret, notifyInsecureTestMode: true } });
    simulator.addClient({ ...CLIENT, redirect_uris: [`${app.origin}/auth/mojeid/callback`], assertion_uris: [`${app.origin}/not-here`, `${app.origin}/auth/mojeid/notify`] });
    const { done } = await createAccount(new TestBrowser());
    expect(done.body).toContain('data-outcome="accept"');
    const [delivery] = ca(simulator).deliveries;
    expect(delivery?.attempts.map((a) => a.outcome)).toEqual(['invalid', 'accept']);
    // Over plain HTTP the simulator sends no certificate, like the test instance (§6.2).
    expect(app.notifications[0]?.via).toBe('insecure_test_mode');
  });

  it('repeats an unanswered status change until the app accepts it (§6.3)', async () => {
    simulator = await startSimulator({ accountCreation: { statusDelay: 10, retryInterval: 30, statusChanges: ['VALIDATED'] } });
    app = await startNotifyApp({ router: { issuer: simulator.issuer, clientId: CLIENT.client_id, clientSecret: CLIENT.client_secret, notifyInsecureTestMode: true } });
    simulator.addClient({ ...CLIENT, redirect_uris: [`${app.origin}/auth/mojeid/callback`], assertion_uris: [`${app.origin}/auth/mojeid/notify`] });
    let failures = 2;
    app.decide = (n) => {
      if (n.status === 'VALIDATED' && failures > 0) {
        failures -= 1;
        throw new Error('database busy');
      }
      return true;
    };
    const { sub } = await createAccount(new TestBrowser());
    const accepted = await ca(simulator).waitForDelivery((d) => d.sub === sub && d.status === 'VALIDATED' && d.outcome === 'accept');
    expect(accepted.attempt).toBe(3);
    expect(ca(simulator).deliveries.filter((d) => d.status === 'VALIDATED').map((d) => d.outcome)).toEqual(['unanswered', 'unanswered', 'accept']);
  });

  it("is refused by an app that trusts another CA: the account exists but nothing is linked", async () => {
    simulator = await startSimulator({ accountCreation: { statusChanges: [] } });
    const serverCert = simulator.accountCreation.issueServerCertificate(['127.0.0.1']);
    const otherCa = TestCertificateAuthority.create({ commonName: 'not the CA that signed mojeID' });
    app = await startNotifyApp({
      router: { issuer: simulator.issuer, clientId: CLIENT.client_id, clientSecret: CLIENT.client_secret, notifyCa: otherCa.certPem },
      notifyListener: { certPem: serverCert.certPem, keyPem: serverCert.keyPem, clientCa: [otherCa.certPem] },
    });
    simulator.addClient({ ...CLIENT, redirect_uris: [`${app.origin}/auth/mojeid/callback`], assertion_uris: [`${app.notifyOrigin}/auth/mojeid/notify`] });
    const { done } = await createAccount(new TestBrowser());
    // Our fault (a CA the notifier does not chain to), not a decision: a plain 403 outside the
    // key-value format, so mojeID would try the next assertion URI (§6.3); this client has one.
    expect(done.body).toContain('data-outcome="unanswered"');
    expect(ca(simulator).deliveries[0]?.attempts[0]).toMatchObject({ httpStatus: 403, outcome: 'invalid' });
    expect(app.notifications).toEqual([]);
    expect(app.errors[0]).toMatchObject({ refusal: 'certificate_invalid' });
  });

  it('sends a client certificate given as files instead of the generated one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-cert-'));
    try {
      const own = TestCertificateAuthority.create({ commonName: 'stand-in for CZ.NIC' });
      const cert = own.issue({ commonName: 'notifications', kind: 'client' });
      for (const [name, text] of [['cert.pem', cert.certPem], ['key.pem', cert.keyPem], ['ca.pem', own.certPem]] as const) fs.writeFileSync(path.join(dir, name), text);
      simulator = await startSimulator({ accountCreation: { statusChanges: [], clientCertificate: { cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem'), ca: path.join(dir, 'ca.pem') } } });
      expect(simulator.accountCreation.caCertificatePem).toBe(own.certPem);
      const serverCert = simulator.accountCreation.issueServerCertificate(['127.0.0.1']);
      app = await startNotifyApp({
        router: { issuer: simulator.issuer, clientId: CLIENT.client_id, clientSecret: CLIENT.client_secret, notifyCa: simulator.accountCreation.caFile },
        notifyListener: { certPem: serverCert.certPem, keyPem: serverCert.keyPem, clientCa: [own.certPem] },
      });
      simulator.addClient({ ...CLIENT, redirect_uris: [`${app.origin}/auth/mojeid/callback`], assertion_uris: [`${app.notifyOrigin}/auth/mojeid/notify`] });
      const { done } = await createAccount(new TestBrowser());
      expect(done.body).toContain('data-outcome="accept"');
      expect(app.notifications[0]?.via).toBe('tls');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sends no status changes to a client without full access (§6.3)', async () => {
    simulator = await startSimulator({ accountCreation: { statusDelay: 10, statusChanges: ['VALIDATED'] } });
    app = await startNotifyApp({ router: { issuer: simulator.issuer, clientId: CLIENT.client_id, clientSecret: CLIENT.client_secret, notifyInsecureTestMode: true } });
    simulator.addClient({ ...CLIENT, full_access: false, redirect_uris: [`${app.origin}/auth/mojeid/callback`], assertion_uris: [`${app.origin}/auth/mojeid/notify`] });
    const { sub } = await createAccount(new TestBrowser());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ca(simulator).deliveries.map((d) => d.status)).toEqual(['REGISTERED']);
    await expect(ca(simulator).changeStatus(sub, 'VALIDATED')).resolves.toMatchObject({ outcome: 'accept' });
  });
});

function ca(sim: RunningSimulator): RunningSimulator['accountCreation'] {
  return sim.accountCreation;
}
