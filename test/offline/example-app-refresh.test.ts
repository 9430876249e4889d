/**
 * The example app's "Refresh my data from mojeID" (docs/offline-access.md): with
 * MOJEID_OFFLINE_ACCESS a repeated login keeps the refresh token sealed in SQLite, the button (POST
 * with CSRF) reads UserInfo as it is now and keeps the rotated token, and a token withdrawn at
 * mojeID is forgotten.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { Client, csrfFrom, loginWithMojeId, startExample, type RunningExample } from '../example-app/harness.js';

let running: RunningExample | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

function storedTokens(app: RunningExample): string[] {
  const db = new Database(app.databaseFile, { readonly: true });
  try {
    return (db.prepare('SELECT sealed FROM mojeid_refresh_tokens').all() as Array<{ sealed: string }>).map((r) => r.sealed);
  } finally {
    db.close();
  }
}

/** The example's in-process simulator: the stand-in for the user's mojeID profile. */
function simulatorOf(app: RunningExample): NonNullable<RunningExample['example']['simulator']> {
  const simulator = app.example.simulator;
  if (!simulator) throw new Error('the example app runs without its simulator');
  return simulator;
}

async function linkedWithToken(app: RunningExample): Promise<Client> {
  const client = new Client();
  // First login: the user creates the account (the pending identity keeps no token)...
  expect((await loginWithMojeId(app, client, { account: 'partial' })).status).toBe(303);
  const choice = await client.get(app.url('/account/mojeid/first-login'));
  expect((await client.post(app.url('/account/mojeid/create'), { _csrf: csrfFrom(choice.body) })).status).toBe(303);
  // ...a repeated login of the linked account keeps the refresh token.
  const home = await client.get(app.url('/'));
  await client.post(app.url('/auth/mojeid/logout'), { _csrf: csrfFrom(home.body) });
  expect((await loginWithMojeId(app, client, { account: 'partial' })).status).toBe(303);
  return client;
}

it('refreshes the data from mojeID with the sealed token, keeping the rotated one', async () => {
  running = await startExample({ MOJEID_OFFLINE_ACCESS: 'true', MOJEID_TOKEN_KEY: randomBytes(32).toString('base64') });
  const app = running;
  const client = await linkedWithToken(app);
  const [sealed] = storedTokens(app);
  expect(sealed).toMatch(/^mt1\./);

  simulatorOf(app).updateClaims('partial', { email: 'petra.nova@example.cz' });
  const profile = await client.get(app.url('/profile'));
  expect(profile.body).toContain('Refresh my data from mojeID');
  expect((await client.post(app.url('/account/mojeid/refresh'), {})).status).toBe(403); // no CSRF token
  const refreshed = await client.post(app.url('/account/mojeid/refresh'), { _csrf: csrfFrom(profile.body) });
  expect(refreshed.status).toBe(200);
  expect(refreshed.body).toContain('id="refreshed-claims"');
  expect(refreshed.body).toContain('petra.nova@example.cz');
  const [rotated] = storedTokens(app);
  expect(rotated).toMatch(/^mt1\./);
  expect(rotated).not.toBe(sealed);
});

it('forgets a token the user withdrew at mojeID', async () => {
  running = await startExample({ MOJEID_OFFLINE_ACCESS: 'true' });
  const app = running;
  const client = await linkedWithToken(app);
  expect(storedTokens(app)).toHaveLength(1);
  simulatorOf(app).revokeGrants('partial');
  const profile = await client.get(app.url('/profile'));
  const refused = await client.post(app.url('/account/mojeid/refresh'), { _csrf: csrfFrom(profile.body) });
  expect(refused.status).toBe(409);
  expect(refused.body).toContain('Access has ended');
  expect(storedTokens(app)).toEqual([]);
  expect((await client.get(app.url('/profile'))).body).toContain('MOJEID_OFFLINE_ACCESS=true');
});
