/**
 * Production mojeID returns claims the user withheld "without a value" (login-response-processing
 * .txt): `null`, which the simulator in production mode does too. A withheld essential claim ends
 * on the missing-claims page; a withheld optional one is simply absent from the profile.
 */
import { loginThroughSimulator, startSimulator, type RunningSimulator } from 'mojeid-simulator';
import { startApp, type TestApp } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';

const CLIENT = { client_id: 'withheldClient', client_secret: 'withheld-secret-for-tests-only' };
let simulator: RunningSimulator;
let app: TestApp;
let verified: Record<string, unknown> | undefined;

beforeEach(async () => {
  simulator = await startSimulator({ mode: 'production' });
  verified = undefined;
  app = await startApp({
    issuer: simulator.issuer,
    clientId: CLIENT.client_id,
    clientSecret: CLIENT.client_secret,
    claims: { email: 'essential', phone_number: 'optional', given_name: 'optional' },
    verify: (profile, done) => {
      verified = { ...profile.claims, problems: profile.claimProblems };
      done(null, { id: profile.id });
    },
  });
  simulator.addClient({ ...CLIENT, redirect_uris: [`${app.origin}/auth/mojeid/callback`] });
});
afterEach(async () => {
  await app.close();
  await simulator.close();
});

async function loginWithholding(withhold: string[]): Promise<{ status: number; body: string; browser: TestBrowser }> {
  const browser = new TestBrowser();
  const started = await browser.get(`${app.origin}/auth/mojeid/login`);
  const done = await browser.get(await loginThroughSimulator(started.location as string, { account: 'nia-high', withhold }));
  return { status: done.status, body: done.body, browser };
}

it('treats a null essential claim as withheld: the missing-claims page names it', async () => {
  const { status, body } = await loginWithholding(['email']);
  expect(status).toBe(403);
  expect(body).toContain('data-code="missing_required_claims"');
  expect(body).toContain('<code>email</code>');
});

it('drops a null optional claim from the profile, with no claim problem reported', async () => {
  const { status } = await loginWithholding(['phone_number']);
  expect(status).toBe(303);
  expect(verified).not.toHaveProperty('phone_number');
  expect(verified?.['given_name']).toEqual(expect.any(String));
  expect(verified?.['problems']).toEqual([]);
  expect(app.logLines).toEqual([]);
});
