/**
 * The example app's guest checkout: "Fill in from mojeID" goes through the simulator and comes
 * back to a filled form, with nobody logged in and no local account made.
 */
import { afterEach, expect, it } from '@jest/globals';
import { loginThroughSimulator } from 'mojeid-simulator';
import { Client, startExample, type RunningExample } from '../example-app/harness.js';

let app: RunningExample | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** The `value` of the input with `id`, unescaped as a browser would show it. */
function fieldValue(body: string, id: string): string | undefined {
  const tag = new RegExp(`<input[^>]*id="${id}"[^>]*>`).exec(body)?.[0];
  const value = tag ? /value="([^"]*)"/.exec(tag)?.[1] : undefined;
  return value?.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

it('fills the guest form from mojeID once, without logging in', async () => {
  app = await startExample();
  const client = new Client();
  const empty = await client.get(app.url('/checkout'));
  expect(empty.status).toBe(200);
  expect(fieldValue(empty.body, 'checkout-email')).toBe('');
  const button = /id="prefill-from-mojeid" href="([^"]+)"/.exec(empty.body)?.[1]?.replace(/&amp;/g, '&');
  expect(button).toBe('/auth/mojeid/prefill?returnTo=%2Fcheckout');

  const start = await client.get(app.url(button as string));
  expect(start.status).toBe(302);
  expect(start.location?.startsWith(app.example.simulator?.origin ?? '\u0000')).toBe(true);
  const callback = await loginThroughSimulator(start.location as string, { account: 'partial' });
  const back = await client.get(app.url(`${callback.pathname}${callback.search}`));
  expect(back.status).toBe(303);
  expect(back.location).toBe(app.url('/checkout'));

  const filled = await client.get(app.url('/checkout'));
  expect(filled.status).toBe(200);
  expect(filled.body).toContain('id="prefilled"');
  expect(fieldValue(filled.body, 'checkout-name')).toBe('Petra Svobodová');
  expect(fieldValue(filled.body, 'checkout-email')).toBe('petra.svobodova@example.cz');
  expect(fieldValue(filled.body, 'checkout-phone')).toBe('+420.603123456');
  expect(fieldValue(filled.body, 'checkout-city')).not.toBe('');
  expect(fieldValue(filled.body, 'checkout-postcode')).not.toBe('');
  // Still a guest: the header offers a login, /me refuses, no account was created.
  expect(filled.body).toContain('href="/login"');
  expect((await client.get(app.url('/me'), { accept: 'application/json' })).status).toBe(401);
  expect((await client.get(app.url('/profile'))).location).toBe(app.url('/login?returnTo=%2Fprofile'));

  // Once: a reload shows the empty form again.
  const reloaded = await client.get(app.url('/checkout'));
  expect(fieldValue(reloaded.body, 'checkout-email')).toBe('');
  expect(reloaded.body).not.toContain('id="prefilled"');
});
