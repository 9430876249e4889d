/**
 * The example app's OpenID 2.0 migration (manual §5.3.2, docs/migrating-from-openid2.md): with
 * MOJEID_SCOPE asking for `openid2`, the demo account, which holds the simulator account
 * `partial`'s old OpenID 2.0 identifier, is linked on that account's first OpenID Connect login,
 * with no first-login choice; other accounts and other configurations go the ordinary way.
 */
import { afterEach, expect, it } from '@jest/globals';
import { TEST_ACCOUNTS } from 'mojeid-simulator';
import { Client, csrfFrom, loginWithMojeId, startExample, type RunningExample } from './harness.js';

const PARTIAL_SUB = String(TEST_ACCOUNTS.find((a) => a.id === 'partial')?.claims['sub']);
const MIGRATION = { MOJEID_SCOPE: 'openid openid2' };

let running: RunningExample[] = [];
afterEach(async () => {
  await Promise.all(running.map((r) => r.close()));
  running = [];
});

async function start(env: Record<string, string>, databaseFile?: string): Promise<RunningExample> {
  const app = await startExample(env, databaseFile);
  running.push(app);
  return app;
}

interface Me {
  user: { email: string };
  mojeid: { sub: string } | null;
}

async function me(app: RunningExample, client: Client): Promise<{ status: number; body: Me }> {
  const hop = await client.get(app.url('/me'), { accept: 'application/json' });
  return { status: hop.status, body: JSON.parse(hop.body) as Me };
}

async function passwordLogin(app: RunningExample, client: Client): Promise<void> {
  const page = await client.get(app.url('/login'));
  const hop = await client.post(app.url('/login'), { _csrf: csrfFrom(page.body), email: 'demo@example.cz', password: 'demo-password', returnTo: '/profile' });
  expect(hop.status).toBe(303);
}

it('links the account holding the old OpenID 2.0 identifier on the first login, and finds it by its link afterwards', async () => {
  const app = await start(MIGRATION);
  const client = new Client();
  const back = await loginWithMojeId(app, client, { account: 'partial' });
  expect(back.status).toBe(303);
  expect(back.location).toBe(app.url('/profile'));
  // Appendix 7 point 5: the demo account's data differs from mojeID's, so the update offer comes first.
  const profile = await client.get(app.url('/profile'));
  expect(profile.location).toBe(app.url('/account/mojeid/update'));
  const offer = await client.get(app.url('/account/mojeid/update'));
  expect(offer.status).toBe(200);
  expect(offer.body).toContain('Your account from the OpenID 2.0 days is now linked with mojeID.');
  const linked = await me(app, client);
  expect(linked.body.user.email).toBe('demo@example.cz');
  expect(linked.body.mojeid?.sub).toBe(PARTIAL_SUB);

  // The next login is an ordinary repeated login: the link, not the identifier, finds the account.
  const again = new Client();
  expect((await loginWithMojeId(app, again, { account: 'partial' })).status).toBe(303);
  expect((await again.get(app.url('/profile'))).location).toBe(app.url('/account/mojeid/update'));
  const page = await again.get(app.url('/account/mojeid/update'));
  expect(page.status).toBe(200);
  expect(page.body).not.toContain('OpenID 2.0 days');
  expect((await me(app, again)).body.user.email).toBe('demo@example.cz');
});

it('an account whose identifier no local account holds gets the ordinary first-login choice, and nothing is linked', async () => {
  const app = await start(MIGRATION);
  const client = new Client();
  expect((await loginWithMojeId(app, client, { account: 'nia-high' })).status).toBe(303);
  const profile = await client.get(app.url('/profile'));
  expect(profile.location).toBe(app.url('/account/mojeid/first-login'));
  const demo = new Client();
  await passwordLogin(app, demo);
  expect((await me(app, demo)).body.mojeid).toBeNull();
});

it('without the openid2 scope nothing is migrated: the same account gets the first-login choice', async () => {
  const app = await start({});
  const client = new Client();
  expect((await loginWithMojeId(app, client, { account: 'partial' })).status).toBe(303);
  expect((await client.get(app.url('/profile'))).location).toBe(app.url('/account/mojeid/first-login'));
  const demo = new Client();
  await passwordLogin(app, demo);
  expect((await me(app, demo)).body.mojeid).toBeNull();
});

it('after a restart on another simulator port the stored identifier follows, so the migration still works', async () => {
  const first = await start(MIGRATION);
  const file = first.databaseFile;
  running = [];
  await first.close();
  const app = await start(MIGRATION, file);
  const client = new Client();
  expect((await loginWithMojeId(app, client, { account: 'partial' })).status).toBe(303);
  expect((await me(app, client)).body.user.email).toBe('demo@example.cz');
});
