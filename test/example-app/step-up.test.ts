/**
 * The example app's payment page demands more than the rest of the app: an eIDAS login (NIA) made
 * within the last 5 minutes (`requireMojeIdLogin({ assurance: 'substantial', maxAge: 300 })`).
 * An ordinary mojeID login is sent back to mojeID with those demands and returns to the page; an
 * account without NIA ends on the library's error page, not in a loop.
 */
import { afterEach, expect, it } from '@jest/globals';
import { Client, csrfFrom, loginWithMojeId, startExample, type RunningExample } from './harness.js';

let app: RunningExample | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function accountFor(account: string): Promise<Client> {
  app = await startExample();
  const client = new Client();
  expect((await loginWithMojeId(app, client, { account })).status).toBe(303);
  const choice = await client.get(app.url('/account/mojeid/first-login'));
  await client.post(app.url('/account/mojeid/create'), { _csrf: csrfFrom(choice.body) });
  expect((await client.get(app.url('/profile'))).status).toBe(200);
  return client;
}

it('steps an ordinary login up to eIDAS for the payment page, and comes back to it', async () => {
  const client = await accountFor('nia-high');
  const running = app as RunningExample;
  const payment = await client.get(running.url('/payment'));
  expect(payment.status).toBe(303);
  expect(payment.location).toBe(running.url('/auth/mojeid/login?returnTo=%2Fpayment&assurance=substantial&maxAge=300'));

  const back = await loginWithMojeId(running, client, { account: 'nia-high', startPath: new URL(payment.location as string).pathname + new URL(payment.location as string).search });
  expect(back.status).toBe(303);
  expect(back.location).toBe(running.url('/payment'));
  const page = await client.get(running.url('/payment'));
  expect(page.status).toBe(200);
  expect(page.body).toContain('http://eidas.europa.eu/LoA/substantial');
  expect(page.body).toMatch(/<td>substantial<\/td>/);
});

it('an account without NIA gets the error page, not another trip to mojeID', async () => {
  const client = await accountFor('partial');
  const running = app as RunningExample;
  const payment = await client.get(running.url('/payment'));
  const back = await loginWithMojeId(running, client, { account: 'partial', startPath: new URL(payment.location as string).pathname + new URL(payment.location as string).search });
  expect(back.status).toBe(403);
  expect(back.body).toContain('data-code="insufficient_assurance"');
});
