/**
 * `mojeid({ localeOf })`: the library's pages (login, error, logged-out) follow the language the
 * app keeps for the user, over the browser's Accept-Language; without an answer from the app the
 * order is the old one (`?lang=`, the `locale` option, Accept-Language). Real HTTP through a real
 * Express app on 127.0.0.1:0.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import express, { type Request } from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { csrfToken, mojeid, type Locale, type MojeIdRouterOptions } from '../../src/index.js';
import { listenOnLoopback } from '../helpers/loopback-server.js';

interface Running {
  readonly origin: string;
  readonly logLines: string[];
  close(): Promise<void>;
}

let running: Running | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** An app that keeps its language in a cookie `app_lang`, as an app with its own switch would. */
async function start(localeOf: ((req: Request) => Locale | undefined) | undefined, options: Partial<MojeIdRouterOptions> = {}): Promise<Running> {
  const loopback = await listenOnLoopback();
  const { server } = loopback;
  const { origin } = loopback;
  const logLines: string[] = [];
  const passport = new Passport();
  const router = mojeid({
    useEnvironment: false,
    passport,
    logger: { warn: (message) => void logLines.push(message) },
    // Never contacted: the pages tested here need no provider.
    issuer: 'http://127.0.0.1:9/oidc/',
    clientId: 'client',
    clientSecret: 'secret',
    baseUrl: origin,
    ...(localeOf ? { localeOf } : {}),
    ...options,
  } as MojeIdRouterOptions);
  const app = express();
  app.use(session({ secret: 'locale-hook-test-secret', resave: false, saveUninitialized: false }));
  app.use(passport.session());
  app.use(router);
  app.get('/token', (req, res) => void res.type('text').send(csrfToken(req)));
  server.on('request', app);
  return {
    origin,
    logLines,
    close() {
      router.strategy.close();
      return loopback.close();
    },
  };
}

const fromCookie = (req: Request): Locale | undefined => {
  const match = /(?:^|;\s*)app_lang=(cs|en)(?:;|$)/.exec(req.get('cookie') ?? '');
  return match?.[1] as Locale | undefined;
};

async function page(url: string, headers: Record<string, string>, init: { method?: string; body?: string } = {}): Promise<{ status: number; lang: string | undefined; body: string; cookie: string | undefined }> {
  const response = await fetch(url, { method: init.method ?? 'GET', headers: { accept: 'text/html', ...headers }, body: init.body, redirect: 'manual' });
  const body = await response.text();
  return { status: response.status, lang: /<html lang="([^"]+)">/.exec(body)?.[1], body, cookie: response.headers.getSetCookie()[0]?.split(';')[0] };
}

describe('mojeid({ localeOf })', () => {
  it('renders the login page and an error page in the app’s language, against a Czech Accept-Language', async () => {
    running = await start(fromCookie);
    const czechBrowser = { 'accept-language': 'cs-CZ,cs;q=0.9' };

    const login = await page(`${running.origin}/auth/mojeid`, { ...czechBrowser, cookie: 'app_lang=en' });
    expect(login.status).toBe(200);
    expect(login.lang).toBe('en');
    expect(login.body).toContain('Log in with mojeID');

    const failed = await page(`${running.origin}/auth/mojeid/callback?state=unknown&code=x`, { ...czechBrowser, cookie: 'app_lang=en' });
    expect(failed.status).toBeGreaterThanOrEqual(400);
    expect(failed.lang).toBe('en');
    expect(failed.body).toContain('Login failed');

    // The same browser without the app's choice: its Accept-Language decides, as before.
    expect((await page(`${running.origin}/auth/mojeid`, czechBrowser)).lang).toBe('cs');
  });

  it('renders the logged-out page in the app’s language', async () => {
    running = await start(fromCookie);
    const first = await page(`${running.origin}/token`, {});
    const session = first.cookie ?? '';
    const out = await page(`${running.origin}/auth/mojeid/logout`, { cookie: `${session}; app_lang=en`, 'accept-language': 'cs', 'content-type': 'application/x-www-form-urlencoded' }, { method: 'POST', body: new URLSearchParams({ _csrf: first.body }).toString() });
    expect(out.status).toBe(200);
    expect(out.lang).toBe('en');
    expect(out.body).toContain('You are logged out');
  });

  it('wins over the locale option; an explicit ?lang= (the pages’ own language links) still wins over it', async () => {
    running = await start(fromCookie, { locale: 'cs' });
    expect((await page(`${running.origin}/auth/mojeid`, { cookie: 'app_lang=en' })).lang).toBe('en');
    expect((await page(`${running.origin}/auth/mojeid`, {})).lang).toBe('cs');
    expect((await page(`${running.origin}/auth/mojeid?lang=cs`, { cookie: 'app_lang=en' })).lang).toBe('cs');
  });

  it('falls back to Accept-Language when the hook answers nothing usable or throws, and logs a throwing hook once', async () => {
    running = await start(() => 'de' as Locale);
    expect((await page(`${running.origin}/auth/mojeid`, { 'accept-language': 'en' })).lang).toBe('en');
    await running.close();

    running = await start(() => {
      throw new Error('session store down');
    });
    expect((await page(`${running.origin}/auth/mojeid`, { 'accept-language': 'en' })).lang).toBe('en');
    expect((await page(`${running.origin}/auth/mojeid`, { 'accept-language': 'cs' })).lang).toBe('cs');
    expect(running.logLines.filter((line) => line.startsWith('locale_hook_failed'))).toHaveLength(1);
    expect(running.logLines.join('\n')).not.toContain('session store down');
  });
});
