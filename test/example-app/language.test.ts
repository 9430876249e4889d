/**
 * The example app's language: the header's switch (`?lang=`, remembered in a cookie) decides the
 * app's pages and, through `mojeid({ localeOf })`, the library's pages under /auth/mojeid, even
 * against the browser's Accept-Language; dates are written the way the page's language writes them.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { Client, csrfFrom, loginWithMojeId, startExample, type RunningExample } from './harness.js';

let app: RunningExample | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const CZECH_BROWSER = { 'accept-language': 'cs-CZ,cs;q=0.9,en;q=0.5' };
const langOf = (body: string): string | undefined => /<html lang="([^"]+)">/.exec(body)?.[1];

const CZECH_MONTHS = ['ledna', 'února', 'března', 'dubna', 'května', 'června', 'července', 'srpna', 'září', 'října', 'listopadu', 'prosince'];
const ENGLISH_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Every `<time>` on a page: its machine value and what the reader sees. */
function times(body: string): Array<{ datetime: string; text: string }> {
  return [...body.matchAll(/<time datetime="([^"]+)">([^<]*)<\/time>/g)].map((m) => ({ datetime: m[1] as string, text: m[2] as string }));
}

/** The page's text without its markup: what a reader sees, attributes excluded. */
const visibleText = (body: string): string => body.replace(/<[^>]*>/g, ' ');

describe('the example app in the reader’s language', () => {
  it('switching to English makes the library’s pages English too, though the browser asks for Czech', async () => {
    app = await startExample();
    const client = new Client();

    // No choice yet: the browser's language, for the app and the library alike.
    expect(langOf((await client.get(app.url('/'), CZECH_BROWSER)).body)).toBe('cs');
    expect(langOf((await client.get(app.url('/auth/mojeid'), CZECH_BROWSER)).body)).toBe('cs');

    const home = await client.get(app.url('/'), CZECH_BROWSER);
    expect(home.body).toContain('<a class="lang" href="?lang=en" hreflang="en" lang="en">English</a>');
    const switched = await client.get(app.url('/?lang=en'), CZECH_BROWSER);
    expect(langOf(switched.body)).toBe('en');
    expect(switched.headers.getSetCookie().join('\n')).toMatch(/^lang=en;.*HttpOnly/im);

    // From now on, without ?lang=: the app's pages and the library's login, error and logged-out pages.
    expect(langOf((await client.get(app.url('/login'), CZECH_BROWSER)).body)).toBe('en');
    const loginPage = await client.get(app.url('/auth/mojeid'), CZECH_BROWSER);
    expect(langOf(loginPage.body)).toBe('en');
    expect(loginPage.body).toContain('Log in with mojeID');
    const failed = await client.get(app.url('/auth/mojeid/callback?state=unknown&code=x'), CZECH_BROWSER);
    expect(failed.status).toBeGreaterThanOrEqual(400);
    expect(langOf(failed.body)).toBe('en');
    expect(failed.body).toContain('Login failed');

    const login = await client.get(app.url('/login'), CZECH_BROWSER);
    await client.post(app.url('/login'), { _csrf: csrfFrom(login.body), email: 'demo@example.cz', password: 'demo-password', returnTo: '/profile' }, CZECH_BROWSER);
    const profile = await client.get(app.url('/profile'), CZECH_BROWSER);
    const out = await client.post(app.url('/auth/mojeid/logout'), { _csrf: csrfFrom(profile.body) }, CZECH_BROWSER);
    expect(out.status).toBe(200);
    expect(langOf(out.body)).toBe('en');
    expect(out.body).toContain('You are logged out');

    // And back: the switch works both ways, and a browser asking for English does not override it.
    expect(langOf((await client.get(app.url('/login?lang=cs'), { 'accept-language': 'en' })).body)).toBe('cs');
    expect(langOf((await client.get(app.url('/auth/mojeid'), { 'accept-language': 'en' })).body)).toBe('cs');
  });

  it('writes the profile’s dates in Czech on the Czech page and in English on the English one', async () => {
    app = await startExample();
    const client = new Client();
    // A linked account shows every kind of date: created, linked since, received at, auth_time.
    await loginWithMojeId(app, client, { account: 'partial' });
    const choice = await client.get(app.url('/account/mojeid/first-login'));
    await client.post(app.url('/account/mojeid/create'), { _csrf: csrfFrom(choice.body) });

    const czech = await client.get(app.url('/profile'), CZECH_BROWSER);
    expect(langOf(czech.body)).toBe('cs');
    const czechTimes = times(czech.body);
    expect(czechTimes.length).toBeGreaterThanOrEqual(4);
    for (const { datetime, text } of czechTimes) {
      expect(datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      // "5. března 2025 v 14:03 SEČ"
      expect(text).toMatch(/^\d{1,2}\. (\p{L}+) \d{4} v \d{1,2}:\d{2} \S+$/u);
      expect(CZECH_MONTHS).toContain(/^\d{1,2}\. (\p{L}+)/u.exec(text)?.[1]);
    }
    expect(visibleText(czech.body)).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);

    const english = await client.get(app.url('/profile?lang=en'), CZECH_BROWSER);
    expect(langOf(english.body)).toBe('en');
    const englishTimes = times(english.body);
    expect(englishTimes.map((t) => t.datetime)).toEqual(czechTimes.map((t) => t.datetime));
    for (const { text } of englishTimes) {
      // "5 March 2025 at 14:03 CET"
      expect(text).toMatch(/^\d{1,2} ([A-Z][a-z]+) \d{4} at \d{2}:\d{2} \S+$/);
      expect(ENGLISH_MONTHS).toContain(/^\d{1,2} ([A-Z][a-z]+)/.exec(text)?.[1]);
    }
    expect(visibleText(english.body)).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
  });
});
