/**
 * The example app end to end over real HTTP: the app on 127.0.0.1:0, the in-process mojeID
 * simulator, a temporary SQLite database, one cookie jar per browser. Appendix 7 points 5-7:
 * first login (create / link), repeated login (update per field), profile link / unlink.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { TEST_ACCOUNTS } from 'mojeid-simulator';
import { Client, csrfFrom, loginWithMojeId, startExample, type RunningExample } from './harness.js';

const PARTIAL = TEST_ACCOUNTS.find((a) => a.id === 'partial');
const NIA_HIGH = TEST_ACCOUNTS.find((a) => a.id === 'nia-high');
if (!PARTIAL || !NIA_HIGH) throw new Error('the simulator has no partial / nia-high test account');
const PARTIAL_SUB = String(PARTIAL.claims['sub']);
const PARTIAL_CLAIMS = PARTIAL.claims as Record<string, string>;

interface Me {
  user: { id: number; email: string; given_name: string | null; family_name: string | null; phone: string | null; has_password: boolean };
  mojeid: { sub: string; linked_at: string } | null;
  login_method: 'password' | 'mojeid';
}

let running: RunningExample[] = [];
afterEach(async () => {
  await Promise.all(running.map((r) => r.close()));
  running = [];
});

async function start(env: Record<string, string> = {}, databaseFile?: string): Promise<RunningExample> {
  const app = await startExample(env, databaseFile);
  running.push(app);
  return app;
}

async function me(app: RunningExample, client: Client): Promise<{ status: number; body: unknown }> {
  const hop = await client.get(app.url('/me'), { accept: 'application/json' });
  expect(hop.headers.get('content-type')).toMatch(/application\/json/);
  return { status: hop.status, body: JSON.parse(hop.body) as unknown };
}

async function meOk(app: RunningExample, client: Client): Promise<Me> {
  const result = await me(app, client);
  expect(result.status).toBe(200);
  return result.body as Me;
}

/** First mojeID login up to the choice page; returns its HTML. */
async function firstLogin(app: RunningExample, client: Client, account = 'partial'): Promise<string> {
  const back = await loginWithMojeId(app, client, { account });
  expect(back.status).toBe(303);
  expect(back.location).toBe(app.url('/profile'));
  const profile = await client.get(app.url('/profile'));
  expect(profile.status).toBe(303);
  expect(profile.location).toBe(app.url('/account/mojeid/first-login'));
  const page = await client.get(app.url('/account/mojeid/first-login'));
  expect(page.status).toBe(200);
  return page.body;
}

async function passwordLogin(app: RunningExample, client: Client, email: string, password: string): Promise<number> {
  const page = await client.get(app.url('/login'));
  const hop = await client.post(app.url('/login'), { _csrf: csrfFrom(page.body), email, password, returnTo: '/profile' });
  return hop.status;
}

async function logout(app: RunningExample, client: Client): Promise<void> {
  const home = await client.get(app.url('/'));
  const hop = await client.post(app.url('/auth/mojeid/logout'), { _csrf: csrfFrom(home.body) });
  expect(hop.status).toBe(200);
}

describe('example app', () => {
  it('answers /me with 401 JSON when nobody is logged in, and shows the mojeID button and mark', async () => {
    const app = await start();
    const client = new Client();
    expect(await me(app, client)).toEqual({ status: 401, body: { error: 'login_required' } });

    const home = await client.get(app.url('/'));
    expect(home.status).toBe(200);
    expect(home.body).toContain('class="mojeid-button" href="/auth/mojeid/login?returnTo=%2Fprofile"');
    expect(home.body).toContain(`href="${app.example.simulator?.origin}/registration/"`); // Create mojeID account (7.2b)
    expect(home.body).toContain('Podporuje mojeID / Powered by mojeID'); // 7.3
    expect(home.body).not.toMatch(/<script/i);
    const csp = home.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain(`form-action 'self' ${app.example.simulator?.origin}`);

    const profile = await client.get(app.url('/profile'));
    expect(profile.status).toBe(303);
    expect(profile.location).toBe(app.url('/login?returnTo=%2Fprofile'));
  });

  it('first login -> create a new account from the mojeID data -> /me shows the linked sub', async () => {
    const app = await start();
    const client = new Client();
    const choice = await firstLogin(app, client);
    expect(choice).toContain(PARTIAL_SUB);
    expect(choice).toContain(PARTIAL_CLAIMS['email']);
    // Not a local user yet: the pending identity gives access to nothing.
    expect((await me(app, client)).status).toBe(401);

    const created = await client.post(app.url('/account/mojeid/create'), { _csrf: csrfFrom(choice) });
    expect(created.status).toBe(303);
    expect(created.location).toBe(app.url('/profile'));

    const body = await meOk(app, client);
    expect(body.mojeid?.sub).toBe(PARTIAL_SUB);
    expect(body.login_method).toBe('mojeid');
    expect(body.user).toMatchObject({
      email: PARTIAL_CLAIMS['email'],
      given_name: PARTIAL_CLAIMS['given_name'],
      family_name: PARTIAL_CLAIMS['family_name'],
      phone: PARTIAL_CLAIMS['phone_number'],
      has_password: false,
    });

    const profile = await client.get(app.url('/profile'));
    expect(profile.status).toBe(200);
    expect(profile.body).toContain(`<code id="mojeid-sub">${PARTIAL_SUB}</code>`);
    expect(profile.body).toContain('Účet byl založen'); // the one-time notice
    expect(profile.body).toContain('<code>phone_number</code>'); // the data mojeID handed over
    expect((await client.get(app.url('/profile'))).body).not.toContain('Účet byl založen');

    // A repeated login with the same data goes straight on, no questions.
    await logout(app, client);
    const again = await loginWithMojeId(app, client, { account: 'partial' });
    expect(again.status).toBe(303);
    expect((await client.get(app.url('/profile'))).status).toBe(200);
  });

  it('shows the acr and the assurance level received from a NIA-verified account', async () => {
    // The simulator (like oidc-provider) puts `acr` in the ID token when it is asked for.
    // Asked in production's spelling (the simulator's discovery advertises it), asserted the same way.
    const app = await start({ MOJEID_ACR_VALUES: 'high' });
    const client = new Client();
    const choice = await firstLogin(app, client, 'nia-high');
    await client.post(app.url('/account/mojeid/create'), { _csrf: csrfFrom(choice) });
    const profile = await client.get(app.url('/profile'));
    expect(profile.body).toContain('http://eidas.europa.eu/LoA/high');
    expect(profile.body).toMatch(/Assurance level<\/th><td>high</);
  });

  it('first login -> link to the seeded account: refused with a wrong password (nothing linked), done with the right one', async () => {
    const app = await start();
    const client = new Client();
    const choice = await firstLogin(app, client);

    const wrong = await client.post(app.url('/account/mojeid/link-existing'), { _csrf: csrfFrom(choice), email: 'demo@example.cz', password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('nothing was linked');
    expect((await me(app, client)).status).toBe(401);
    // Nothing linked: the demo account, logged in with its password elsewhere, has no mojeID.
    const other = new Client();
    expect(await passwordLogin(app, other, 'demo@example.cz', 'demo-password')).toBe(303);
    expect((await meOk(app, other)).mojeid).toBeNull();

    const right = await client.post(app.url('/account/mojeid/link-existing'), { _csrf: csrfFrom(wrong.body), email: 'demo@example.cz', password: 'demo-password' });
    expect(right.status).toBe(303);
    const body = await meOk(app, client);
    expect(body.user.email).toBe('demo@example.cz');
    expect(body.mojeid?.sub).toBe(PARTIAL_SUB);
    expect((await meOk(app, other)).mojeid?.sub).toBe(PARTIAL_SUB);
  });

  it('repeated login with differing data -> updates only the fields the user chose', async () => {
    const app = await start();
    const client = new Client();
    const choice = await firstLogin(app, client);
    await client.post(app.url('/account/mojeid/link-existing'), { _csrf: csrfFrom(choice), email: 'demo@example.cz', password: 'demo-password' });

    // Linked to the demo account, whose data differs: asked right away (Appendix 7 point 5).
    const profile = await client.get(app.url('/profile'));
    expect(profile.status).toBe(303);
    expect(profile.location).toBe(app.url('/account/mojeid/update'));
    const update = await client.get(app.url('/account/mojeid/update'));
    for (const field of ['given_name', 'family_name', 'email', 'phone']) expect(update.body).toContain(`name="update_${field}"`);
    const saved = await client.post(app.url('/account/mojeid/update'), { _csrf: csrfFrom(update.body), update_family_name: '1' });
    expect(saved.status).toBe(303);
    expect((await meOk(app, client)).user).toMatchObject({
      email: 'demo@example.cz',
      given_name: 'Demo',
      family_name: PARTIAL_CLAIMS['family_name'],
      phone: '+420.111222333',
    });
    expect((await client.get(app.url('/profile'))).status).toBe(200); // decided: not asked again

    // A repeated login: the remaining differences are offered again.
    await logout(app, client);
    const back = await loginWithMojeId(app, client, { account: 'partial' });
    expect(back.status).toBe(303);
    const again = await client.get(app.url('/profile'));
    expect(again.location).toBe(app.url('/account/mojeid/update'));
    const page = await client.get(app.url('/account/mojeid/update'));
    expect(page.body).not.toContain('name="update_family_name"');
    expect(page.body).toContain('name="update_email"');
    await client.post(app.url('/account/mojeid/update'), { _csrf: csrfFrom(page.body), update_email: '1', update_phone: '' });
    const after = await meOk(app, client);
    expect(after.user).toMatchObject({
      email: PARTIAL_CLAIMS['email'],
      given_name: 'Demo',
      family_name: PARTIAL_CLAIMS['family_name'],
      phone: '+420.111222333',
    });
    expect(after.mojeid?.sub).toBe(PARTIAL_SUB);
  });

  it('unlinks (POST + CSRF); an account created through mojeID must get a password first', async () => {
    const app = await start();
    const client = new Client();
    const choice = await firstLogin(app, client);
    await client.post(app.url('/account/mojeid/create'), { _csrf: csrfFrom(choice) });
    const profile = await client.get(app.url('/profile'));
    const csrf = csrfFrom(profile.body);

    expect((await client.post(app.url('/account/mojeid/unlink'), { _csrf: 'forged' })).status).toBe(403);
    expect((await client.post(app.url('/account/mojeid/unlink'), { _csrf: csrf })).status).toBe(400); // no password given
    expect((await meOk(app, client)).mojeid?.sub).toBe(PARTIAL_SUB);

    const unlinked = await client.post(app.url('/account/mojeid/unlink'), { _csrf: csrf, newPassword: 'a-new-password' });
    expect(unlinked.status).toBe(303);
    const body = await meOk(app, client);
    expect(body.mojeid).toBeNull();
    expect(body.user.has_password).toBe(true);
    expect((await client.get(app.url('/profile'))).body).toContain('Link mojeID');

    // The account lives on with its password; the mojeID identity is a first login again.
    expect(await passwordLogin(app, new Client(), PARTIAL_CLAIMS['email'] as string, 'a-new-password')).toBe(303);
    await firstLogin(app, new Client());
  });

  it('links a password-logged-in account from the profile ("Link mojeID"), and refuses a mojeID linked elsewhere', async () => {
    const app = await start();
    const client = new Client();
    expect(await passwordLogin(app, client, 'demo@example.cz', 'wrong')).toBe(401);
    expect(await passwordLogin(app, client, 'demo@example.cz', 'demo-password')).toBe(303);
    const profile = await client.get(app.url('/profile'));
    expect(profile.body).toContain('Link mojeID');
    // 7.7b: "Create mojeID account", prefilled from this account (ch. 6; see account-creation.test.ts).
    expect(profile.body).toContain('<form method="post" action="/auth/mojeid/register" class="mojeid-links" id="create-mojeid-account">');

    const link = await client.post(app.url('/account/mojeid/link'), { _csrf: csrfFrom(profile.body) });
    expect(link.status).toBe(303);
    expect(link.location).toBe(app.url('/auth/mojeid/login?returnTo=%2Fprofile'));
    const back = await loginWithMojeId(app, client, { account: 'nia-high', startPath: new URL(link.location as string).pathname + new URL(link.location as string).search });
    expect(back.status).toBe(303);
    const body = await meOk(app, client);
    expect(body.user.email).toBe('demo@example.cz');
    expect(body.mojeid?.sub).toBe(String(NIA_HIGH.claims['sub']));
    // The data differs from the demo account's: the user is asked; keeping everything is a choice too.
    expect((await client.get(app.url('/profile'))).location).toBe(app.url('/account/mojeid/update'));
    const update = await client.get(app.url('/account/mojeid/update'));
    expect(update.body).toContain('Your account is now linked with mojeID');
    await client.post(app.url('/account/mojeid/update'), { _csrf: csrfFrom(update.body) });
    expect((await meOk(app, client)).user).toMatchObject({ email: 'demo@example.cz', given_name: 'Demo' });

    // Another account cannot take the same mojeID identity.
    const second = new Client();
    const choice = await firstLogin(app, second, 'partial');
    await second.post(app.url('/account/mojeid/create'), { _csrf: csrfFrom(choice) });
    await logout(app, second);
    expect(await passwordLogin(app, second, 'demo@example.cz', 'demo-password')).toBe(303);
    await client.post(app.url('/account/mojeid/unlink'), { _csrf: csrfFrom((await client.get(app.url('/profile'))).body) });
    const profile2 = await second.get(app.url('/profile'));
    const link2 = await second.post(app.url('/account/mojeid/link'), { _csrf: csrfFrom(profile2.body) });
    await loginWithMojeId(app, second, { account: 'partial', startPath: new URL(link2.location as string).pathname + new URL(link2.location as string).search });
    const refused = await second.get(app.url('/profile'));
    expect(refused.status).toBe(200);
    expect(refused.body).toContain('already linked to another local account');
    const demo = await meOk(app, second);
    expect(demo.user.email).toBe('demo@example.cz');
    expect(demo.mojeid).toBeNull();
  });

  it('logs out by POST with the CSRF token, offering mojeID logout; GET and a forged token do not log out', async () => {
    const app = await start();
    const client = new Client();
    expect(await passwordLogin(app, client, 'demo@example.cz', 'demo-password')).toBe(303);

    const viaGet = await client.get(app.url('/auth/mojeid/logout'));
    expect(viaGet.status).not.toBe(200);
    expect((await me(app, client)).status).toBe(200);
    expect((await client.post(app.url('/auth/mojeid/logout'), { _csrf: 'forged' })).status).toBe(403);
    expect(app.logLines.join('\n')).toContain('csrf_failed');
    expect((await me(app, client)).status).toBe(200);

    const home = await client.get(app.url('/'));
    const out = await client.post(app.url('/auth/mojeid/logout'), { _csrf: csrfFrom(home.body) });
    expect(out.status).toBe(200);
    expect(out.body).toContain(`href="${app.example.simulator?.origin}/logout/"`);
    expect(await me(app, client)).toEqual({ status: 401, body: { error: 'login_required' } });
  });

  it('runs at the origin given as MOJEID_BASE_URL alone: mojeID returns there and the login completes', async () => {
    const app = await startExample({}, undefined, { baseUrlVariable: 'MOJEID_BASE_URL' });
    running.push(app);
    expect(app.example.mojeid.redirectUri).toBe(app.url('/auth/mojeid/callback'));
    const back = await loginWithMojeId(app, new Client(), { account: 'partial' });
    expect(back.status).toBe(303);
    expect(back.location).toBe(app.url('/profile'));
  });

  it('refuses the example’s own forms without the CSRF token', async () => {
    const app = await start();
    const client = new Client();
    await client.get(app.url('/login'));
    const hop = await client.post(app.url('/login'), { email: 'demo@example.cz', password: 'demo-password' });
    expect(hop.status).toBe(403);
    expect((await me(app, client)).status).toBe(401);
    const crossSite = await client.post(app.url('/login'), { _csrf: csrfFrom((await client.get(app.url('/login'))).body), email: 'demo@example.cz', password: 'demo-password' }, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
  });

  it('a withheld essential e-mail ends the login with the library’s explanation, logged in as nobody', async () => {
    const app = await start();
    const client = new Client();
    const back = await loginWithMojeId(app, client, { account: 'partial', withhold: ['email'] });
    expect(back.status).toBe(403);
    expect(back.body).toContain('missing_required_claims');
    expect(app.logLines.join('\n')).toContain('missing_required_claims');
    expect((await me(app, client)).status).toBe(401);
  });

  it('keeps accounts and links in the database across restarts and seeds the demo account once', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'example-app-restart-'));
    try {
      const file = path.join(dir, 'nested', 'app.sqlite'); // the directory is created
      const first = await startExample({}, file);
      try {
        expect(first.example.demoAccountCreated).toBe(true);
        const client = new Client();
        const choice = await firstLogin(first, client);
        await client.post(first.url('/account/mojeid/create'), { _csrf: csrfFrom(choice) });
      } finally {
        await first.close();
      }
      const second = await start({}, file);
      expect(second.example.demoAccountCreated).toBe(false);
      const client = new Client();
      const back = await loginWithMojeId(second, client, { account: 'partial' });
      expect(back.status).toBe(303);
      expect((await client.get(second.url('/profile'))).status).toBe(200); // a repeated login now
      expect((await meOk(second, client)).mojeid?.sub).toBe(PARTIAL_SUB);
      expect(await passwordLogin(second, new Client(), 'demo@example.cz', 'demo-password')).toBe(303);
    } finally {
      await Promise.all(running.map((r) => r.close()));
      running = [];
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
