/**
 * Appendix 7 point 4: the example app asks mojeID only for the data it uses. What it uses are the
 * local account's fields (e-mail, given and family name, phone), filled in from mojeID on a first
 * login and offered for update on later ones; the e-mail alone is essential (a local account needs
 * one). Checked on the wire (the authorization request) and on the simulator's consent page.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { Client, startExample, type Hop, type RunningExample } from './harness.js';

const USED = ['email', 'family_name', 'given_name', 'phone_number'];

let app: RunningExample | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** App login -> simulator -> its login page (choose `partial`) -> the consent page's claim list. */
async function consentList(client: Client, authorization: string): Promise<string[]> {
  let hop: Hop = await client.get(authorization);
  for (let step = 0; step < 10; step += 1) {
    if (hop.location) {
      hop = await client.get(hop.location);
      continue;
    }
    const page = /<main data-step="([^"]+)"/.exec(hop.body)?.[1];
    if (page === 'login') {
      const action = /<form method="post" action="([^"]+)" id="login">/.exec(hop.body)?.[1] ?? '';
      hop = await client.post(new URL(action, authorization).href, { account: 'partial' });
      continue;
    }
    if (page === 'consent') return [...hop.body.matchAll(/name="claim" value="([^"]+)"/g)].map((m) => m[1] as string);
    throw new Error(`unexpected simulator page ${String(page)} (${hop.status})`);
  }
  throw new Error('no consent page');
}

describe('what the example app asks mojeID for', () => {
  it('requests exactly the claims it uses, only the e-mail as essential, and no scope groups', async () => {
    app = await startExample();
    const client = new Client();
    const start = await client.get(app.url('/auth/mojeid/login'));
    expect(start.status).toBe(302);
    const request = new URL(start.location as string);
    expect(request.searchParams.get('scope')).toBe('openid');
    const claims = JSON.parse(request.searchParams.get('claims') ?? '{}') as Record<string, Record<string, { essential?: boolean } | null>>;
    const requested = { ...claims['userinfo'], ...claims['id_token'] };
    expect(Object.keys(requested).sort()).toEqual(USED);
    expect(Object.entries(requested).filter(([, v]) => v?.essential).map(([k]) => k)).toEqual(['email']);

    // What the user is asked to hand over at mojeID: the same four, not the 13 of the old scopes.
    expect((await consentList(client, request.href)).sort()).toEqual(USED);
  });

  it('still lets MOJEID_SCOPE and MOJEID_CLAIMS ask for something else', async () => {
    app = await startExample({ MOJEID_SCOPE: 'openid email', MOJEID_CLAIMS: 'email!' });
    const start = await new Client().get(app.url('/auth/mojeid/login'));
    const request = new URL(start.location as string);
    expect(request.searchParams.get('scope')).toBe('openid email');
    expect(JSON.parse(request.searchParams.get('claims') ?? '{}')).toEqual({ userinfo: { email: { essential: true } } });
  });
});
