/**
 * POST /auth/mojeid/register (§6.1, Appendix 5, Appendix 7 point 7b): CSRF-protected, data from
 * the app's server side, validated, a fresh nonce stored with the local user, and a page whose
 * form goes to mojeID's registration endpoint with realm = client_id.
 */
import { MemoryRegistrationStore, type AccountCreationOptions, type DroppedField, type PendingRegistration, type RegistrationStore } from '../../src/index.js';
import { TestBrowser } from '../helpers/browser.js';
import { startNotifyApp, type NotifyApp, type NotifyAppOptions } from '../helpers/notify.js';

let app: NotifyApp;
let browser: TestBrowser;

afterEach(async () => {
  await app?.close();
});

async function start(options: NotifyAppOptions = {}): Promise<void> {
  app = await startNotifyApp({ router: { notifyInsecureTestMode: true, ...options.router }, ...(options.store ? { store: options.store } : {}), ...(options.registrationFields ? { registrationFields: options.registrationFields } : {}), ...(options.localUser ? { localUser: options.localUser } : {}) });
  browser = new TestBrowser();
}

async function register(form: Record<string, string> = {}, headers?: Record<string, string>) {
  const { token } = JSON.parse((await browser.get(`${app.origin}/csrf`)).body) as { token: string };
  return browser.post(`${app.origin}/auth/mojeid/register`, { _csrf: token, ...form }, headers);
}

function hiddenInputs(body: string): Array<[string, string]> {
  return [...body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1] as string, (m[2] as string).replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')]);
}

describe('starting account creation', () => {
  it("renders a form to mojeID's registration endpoint with realm, a fresh nonce and the validated data", async () => {
    const store = new MemoryRegistrationStore();
    await start({ store, localUser: 'user-17', registrationFields: { first_name: 'Jana', last_name: 'Nováková', email_default_email: 'jana@example.cz', address_default_country: 'cz' } });
    const page = await register();
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain('form-action http://127.0.0.1:9 https:');
    expect(page.body).toContain('<form id="mojeid-register" method="post" action="http://127.0.0.1:9/registration/endpoint/" data-autosubmit="true">');
    expect(page.body).toContain('<script src="/auth/mojeid/assets/mojeid-register.js" defer></script>');
    expect(page.body).not.toMatch(/<script>(?!<\/script>)/);
    expect(page.body).toMatch(/<button type="submit" class="mojeid-button">/);
    const inputs = hiddenInputs(page.body);
    expect(inputs.map(([name]) => name)).toEqual(['realm', 'registration_nonce', 'first_name', 'last_name', 'email_default_email', 'address_default_country']);
    expect(inputs[0]).toEqual(['realm', 'notifyTestClient']);
    const nonce = inputs[1]?.[1] as string;
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(inputs.find(([n]) => n === 'address_default_country')?.[1]).toBe('CZ');
    const saved = await store.consume(nonce);
    expect(saved).toMatchObject({ localUser: 'user-17', variant: 'registration' });
    expect((saved as PendingRegistration).expiresAt - (saved as PendingRegistration).createdAt).toBe(3600_000);
  });

  it('issues a different nonce each time', async () => {
    await start();
    const a = hiddenInputs((await register()).body)[1]?.[1];
    const b = hiddenInputs((await register()).body)[1]?.[1];
    expect(a).not.toBe(b);
  });

  it('serves the auto-submit script (the CSP forbids inline scripts)', async () => {
    await start();
    const script = await browser.get(`${app.origin}/auth/mojeid/assets/mojeid-register.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(script.body).toContain("getAttribute('data-autosubmit') === 'true'");
  });

  it('refuses a request without the CSRF token, and stores nothing', async () => {
    const store = new MemoryRegistrationStore();
    await start({ store });
    await browser.get(`${app.origin}/csrf`);
    const answer = await browser.post(`${app.origin}/auth/mojeid/register`, {});
    expect(answer.status).toBe(403);
    expect(answer.body).toContain('data-code="csrf_failed"');
    expect(store.size).toBe(0);
  });

  it('refuses a cross-site request even with the token', async () => {
    await start();
    const answer = await register({}, { 'sec-fetch-site': 'cross-site' });
    expect(answer.status).toBe(403);
  });

  it('lists the dropped fields with their reasons, does not auto-submit, and logs names only', async () => {
    const dropped: DroppedField[][] = [];
    app = await startNotifyApp({
      registrationFields: { first_name: 'Jana', phone_default_number: '603 123 456', birth_date: '31.12.1990', shoe_size: '38' },
      router: {
        notifyInsecureTestMode: true,
        accountCreation: { onFieldsDropped: (d: readonly DroppedField[]) => void dropped.push([...d]) } as unknown as AccountCreationOptions,
      },
    });
    browser = new TestBrowser();
    const page = await register();
    expect(page.status).toBe(200);
    expect(page.body).toContain('data-autosubmit="false"');
    expect(page.body).toContain('data-field="phone_default_number" data-reason="invalid_phone"');
    expect(page.body).toContain('data-field="birth_date" data-reason="invalid_date"');
    expect(page.body).toContain('data-field="shoe_size" data-reason="unknown_field"');
    expect(hiddenInputs(page.body).map(([n]) => n)).toEqual(['realm', 'registration_nonce', 'first_name']);
    expect(dropped[0]?.map((d) => d.reason)).toEqual(['invalid_phone', 'invalid_date', 'unknown_field']);
    const log = app.logLines.join('\n');
    expect(log).toContain('phone_default_number:invalid_phone');
    expect(log).not.toContain('603 123 456');
  });

  it('escapes the data on the page', async () => {
    await start({ registrationFields: { first_name: '"><script>alert(1)</script>' } });
    const page = await register();
    expect(page.body).not.toContain('<script>alert(1)');
    expect(hiddenInputs(page.body).find(([n]) => n === 'first_name')?.[1]).toBe('"><script>alert(1)</script>');
  });

  it('refuses when the app gives no local user (not logged in, already linked)', async () => {
    const store = new MemoryRegistrationStore();
    app = await startNotifyApp({ store, router: { notifyInsecureTestMode: true, accountCreation: { registrationData: () => undefined } as unknown as AccountCreationOptions } });
    browser = new TestBrowser();
    const answer = await register();
    expect(answer.status).toBe(403);
    expect(answer.body).toContain('data-code="registration_refused"');
    expect(answer.body).not.toContain('class="mojeid-retry"');
    expect(store.size).toBe(0);
  });

  it('answers 503 when the store cannot save the nonce', async () => {
    const broken: RegistrationStore = {
      save: () => Promise.reject(new Error('redis down')),
      consume: () => Promise.resolve(undefined),
      markDelivered: () => Promise.resolve(true),
      forgetDelivered: () => Promise.resolve(),
    };
    await start({ store: broken });
    const answer = await register();
    expect(answer.status).toBe(503);
    expect(answer.body).toContain('data-code="registration_unavailable"');
  });

  it("replaces the same user's previous nonce: one live account creation per local user", async () => {
    const store = new MemoryRegistrationStore();
    await start({ store });
    const first = hiddenInputs((await register({}, { 'x-local-user': 'user-1' })).body)[1]?.[1] as string;
    const other = hiddenInputs((await register({}, { 'x-local-user': 'user-2' })).body)[1]?.[1] as string;
    const second = hiddenInputs((await register({}, { 'x-local-user': 'user-1' })).body)[1]?.[1] as string;
    expect(store.size).toBe(2);
    expect(await store.consume(first)).toBeUndefined();
    expect(await store.consume(second)).toMatchObject({ localUser: 'user-1' });
    expect(await store.consume(other)).toMatchObject({ localUser: 'user-2' });
  });

  it("refuses new starts with a 503 page when the store is full, and keeps the other users' account creations", async () => {
    const store = new MemoryRegistrationStore({ maxEntries: 1 });
    await start({ store });
    const kept = hiddenInputs((await register({}, { 'x-local-user': 'user-1' })).body)[1]?.[1] as string;
    const refused = await register({}, { 'x-local-user': 'user-2' });
    expect(refused.status).toBe(503);
    expect(refused.body).toContain('data-code="registration_unavailable"');
    expect(app.logLines.some((line) => line.startsWith('registration_store_full'))).toBe(true);
    expect(await store.consume(kept)).toMatchObject({ localUser: 'user-1' });
  });

  it('refuses the transfer variant unless it is on', async () => {
    await start();
    const answer = await register({ variant: 'transfer' });
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('data-code="registration_refused"');
  });

  it('sends only the contact id to the transfer endpoint (§6.1) when the transfer variant is on', async () => {
    const store = new MemoryRegistrationStore();
    app = await startNotifyApp({ store, registrationFields: { username: 'CID-JANA-1', first_name: 'Jana' }, router: { notifyInsecureTestMode: true, accountTransfer: true } });
    browser = new TestBrowser();
    const page = await register({ variant: 'transfer' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('action="http://127.0.0.1:9/transfer/endpoint/"');
    const inputs = hiddenInputs(page.body);
    expect(inputs.map(([n]) => n)).toEqual(['realm', 'registration_nonce', 'username']);
    expect((await store.consume(inputs[1]?.[1] as string))?.variant).toBe('transfer');
  });
});

describe('configuration of account creation', () => {
  it('refuses to mount without any way to verify notifications', async () => {
    await expect(startNotifyApp({})).rejects.toMatchObject({ code: 'invalid_configuration', issues: [expect.objectContaining({ variable: 'MOJEID_NOTIFY_CA_FILE' })] });
  });
});
