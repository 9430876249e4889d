/**
 * The simulator's pages that end a journey at mojeID link back to the app: "You are logged out"
 * (ch. 7) to each service the mojeID session had logged in to, "Your mojeID account is created"
 * (§6.3) to the service whose form it was (see account-creation.test.ts). The target is always
 * the origin of a registered client's redirect URI, never something the request names.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { CookieJar, loginThroughSimulator } from 'mojeid-simulator';
import { Client, csrfFrom, startExample, type RunningExample } from './harness.js';

let app: RunningExample | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A request to the simulator with its own cookie jar (the browser's mojeID cookies). */
async function simulatorPage(jar: CookieJar, url: string, form?: Record<string, string>): Promise<{ status: number; body: string; location: string | null }> {
  const cookie = jar.header(url);
  const response = await fetch(url, {
    method: form ? 'POST' : 'GET',
    headers: { accept: 'text/html', ...(cookie ? { cookie } : {}), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? new URLSearchParams(form).toString() : undefined,
    redirect: 'manual',
  });
  jar.store(url, response.headers.getSetCookie());
  return { status: response.status, body: await response.text(), location: response.headers.get('location') };
}

const backLinks = (body: string): Array<{ href: string; text: string }> =>
  [...body.matchAll(/<a class="back" href="([^"]+)">([\s\S]*?)<\/a>/g)].map((m) => ({ href: (m[1] as string).replace(/&amp;/g, '&'), text: m[2] as string }));

describe('links from the simulator back to the app', () => {
  it('"You are logged out" of mojeID links back to the app the user had logged in to, by its client name', async () => {
    app = await startExample();
    const simulator = app.example.simulator?.origin ?? '';
    const browser = new Client();
    const mojeIdCookies = new CookieJar();
    const start = await browser.get(app.url('/auth/mojeid/login'));
    const callback = await loginThroughSimulator(start.location as string, { account: 'partial', cookies: mojeIdCookies });
    expect((await browser.get(callback.href)).status).toBe(303);

    // The library's "logged out" page offers mojeID's logout page (ch. 7) ...
    // A first login: the app asks whether to link or create; logging out from there is enough.
    const choice = await browser.get(app.url('/account/mojeid/first-login'));
    const out = await browser.post(app.url('/auth/mojeid/logout'), { _csrf: csrfFrom(choice.body) });
    expect(out.body).toContain(`href="${simulator}/logout/"`);
    // ... where the user confirms; the confirmation page leads back.
    expect(backLinks((await simulatorPage(mojeIdCookies, `${simulator}/logout/`)).body)).toEqual([]);
    const done = await simulatorPage(mojeIdCookies, `${simulator}/logout/`, {});
    expect(done.body).toContain('<main data-step="logged-out">');
    expect(backLinks(done.body)).toEqual([{ href: `${app.origin}/`, text: expect.stringContaining('Back to Ukázková aplikace / Example app') }]);

    // A second logout has no session, so nothing says where the user came from: no link.
    expect(backLinks((await simulatorPage(mojeIdCookies, `${simulator}/logout/`, {})).body)).toEqual([]);
  });

  it('/return/ goes to a registered client’s site only; nothing in the request can choose another target', async () => {
    app = await startExample();
    const simulator = app.example.simulator?.origin ?? '';
    const jar = new CookieJar();
    const known = await simulatorPage(jar, `${simulator}/return/?client_id=example-app&redirect_uri=https%3A%2F%2Fevil.example%2F&post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F`);
    expect(known.status).toBe(303);
    expect(known.location).toBe(`${app.origin}/`);
    for (const query of ['client_id=unknown', '', 'redirect_uri=https%3A%2F%2Fevil.example%2F']) {
      const refused = await simulatorPage(jar, `${simulator}/return/?${query}`);
      expect(refused.status).toBe(404);
      expect(refused.location).toBeNull();
    }
  });
});
