/**
 * `loginButton()`, `logoutForm()` and `router.loginButton()` as an app uses them: `res.send(...)`
 * from a real Express app, read back over HTTP, and inside the app's own template strings.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { ENVIRONMENTS, WHY_MOJEID_URL, escapeHtml, html, loginButton, logoutForm, mojeid, safeReturnTo, trustedHtml, SafeHtml } from '../../src/index.js';

interface Served {
  status: number;
  contentType: string;
  body: string;
}

/** Serves `app` on 127.0.0.1 port 0 for one GET of `path`. */
async function get(app: Express, path: string, headers: Record<string, string> = {}): Promise<Served> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, { headers });
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: await response.text() };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** `href` of the anchor with `class`, unescaped as a browser would read it. */
function hrefOf(body: string, className: string): string | undefined {
  return new RegExp(`<a class="${className}" href="([^"]*)"`).exec(body)?.[1]?.replace(/&amp;/g, '&');
}

/** Every link target of the "Why mojeID" / "Create mojeID account" paragraph (Appendix 7 point 2). */
function linkTargets(body: string): string[] {
  const links = /<p class="mojeid-links">([\s\S]*?)<\/p>/.exec(body)?.[1] ?? '';
  return [...links.matchAll(/href="([^"]*)"/g)].map((m) => (m[1] ?? '').replace(/&amp;/g, '&'));
}

describe('loginButton()', () => {
  it('is HTML that res.send sends as text/html, with the button and both links (Appendix 7 points 1-2)', async () => {
    const app = express();
    app.get('/', (_req, res) => void res.send(loginButton({ locale: 'en', loginUrl: '/auth/mojeid/login?returnTo=%2Forders' })));
    const served = await get(app, '/');
    expect(served.status).toBe(200);
    expect(served.contentType).toMatch(/^text\/html/);
    expect(served.body).not.toBe('{}');
    expect(hrefOf(served.body, 'mojeid-button')).toBe('/auth/mojeid/login?returnTo=%2Forders');
    expect(served.body).toContain('Log in with mojeID');
    // Without createAccountUrl, production's "Create mojeID account" page.
    expect(linkTargets(served.body)).toEqual([WHY_MOJEID_URL.en, ENVIRONMENTS.production.createAccountUrl]);
    expect(served.body).not.toContain('href=""');
  });

  it("links the test instance's registration page with environment: 'test', and a given URL over both", () => {
    expect(linkTargets(loginButton({ locale: 'cs', loginUrl: '/l', environment: 'test' }))).toEqual([WHY_MOJEID_URL.cs, ENVIRONMENTS.test.createAccountUrl]);
    expect(linkTargets(loginButton({ locale: 'cs', loginUrl: '/l', environment: 'test', createAccountUrl: '/register-mojeid', whyMojeIdUrl: '/why' }))).toEqual([
      '/why',
      '/register-mojeid',
    ]);
  });

  it('works inside a template string and inside the html template without double escaping', () => {
    const button = loginButton({ locale: 'en', loginUrl: '/auth/mojeid/login?returnTo=%2Fa&x=1' });
    const page = `<main>${button}</main>`;
    expect(page).toContain('<a class="mojeid-button" href="/auth/mojeid/login?returnTo=%2Fa&amp;x=1">');
    const safe = html`<main>${trustedHtml(button)}</main>`;
    expect(safe).toBeInstanceOf(SafeHtml);
    expect(String(safe)).toBe(page);
  });

  it('escapes what it is given', () => {
    const button = loginButton({ locale: 'en', loginUrl: '/login?x="><script>', createAccountUrl: "/c'" });
    expect(button).not.toContain('<script>');
    expect(button).toContain('href="/login?x=&quot;&gt;&lt;script&gt;"');
    expect(button).toContain('href="/c&#39;"');
  });

  it.each([
    [{ loginUrl: '' }, /loginUrl must be a non-empty URL/],
    [{ loginUrl: '/l', createAccountUrl: '' }, /createAccountUrl must be a non-empty URL/],
    [{ loginUrl: '/l', whyMojeIdUrl: ' ' }, /whyMojeIdUrl must be a non-empty URL/],
    [{ loginUrl: '/l', environment: 'staging' }, /environment must be "test" or "production"/],
  ])('refuses %j instead of rendering an empty link', (options, message) => {
    expect(() => loginButton({ locale: 'cs', ...(options as { loginUrl: string }) })).toThrow(message);
  });
});

describe('logoutForm()', () => {
  it('is HTML that res.send sends as text/html: a POST form with the CSRF field', async () => {
    const app = express();
    app.get('/', (_req, res) => void res.send(logoutForm({ locale: 'cs', logoutUrl: '/auth/mojeid/logout', csrfToken: 'tok"en' })));
    const served = await get(app, '/');
    expect(served.contentType).toMatch(/^text\/html/);
    expect(served.body).toContain('<form class="mojeid-logout" method="post" action="/auth/mojeid/logout">');
    expect(served.body).toContain('<input type="hidden" name="_csrf" value="tok&quot;en">');
    expect(`<nav>${logoutForm({ locale: 'en', logoutUrl: '/out', csrfToken: 't' })}</nav>`).toMatch(/^<nav><form [^]*Log out[^]*<\/form><\/nav>$/);
  });

  it('refuses a form that could only fail: no logout URL or no CSRF token', () => {
    expect(() => logoutForm({ locale: 'cs', logoutUrl: '', csrfToken: 't' })).toThrow(/logoutUrl must be a non-empty URL/);
    expect(() => logoutForm({ locale: 'cs', logoutUrl: '/out', csrfToken: '' })).toThrow(/csrfToken/);
  });
});

describe('router.loginButton()', () => {
  function router(options: Parameters<typeof mojeid>[0] = {}): ReturnType<typeof mojeid> {
    return mojeid({ useEnvironment: false, clientId: 'app', clientSecret: 'secret', baseUrl: 'http://127.0.0.1:3000', ...options });
  }

  it("uses the router's login path, a safe returnTo and the configured instance's registration page", async () => {
    const r = router({ environment: 'test', mountPath: '/login/mojeid' });
    const app = express();
    app.use(r);
    app.get('/', (req, res) => void res.send(r.loginButton({ req, returnTo: '/orders?id=7' })));
    const served = await get(app, '/', { 'accept-language': 'en-GB,en;q=0.9' });
    expect(served.contentType).toMatch(/^text\/html/);
    expect(hrefOf(served.body, 'mojeid-button')).toBe(`/login/mojeid/login?returnTo=${encodeURIComponent('/orders?id=7')}`);
    expect(served.body).toContain('Log in with mojeID');
    expect(linkTargets(served.body)).toEqual([WHY_MOJEID_URL.en, ENVIRONMENTS.test.createAccountUrl]);
    r.strategy.close();
  });

  it("points a custom issuer's button (the simulator) at that issuer's registration page, and drops a foreign returnTo", () => {
    const r = router({ issuer: 'http://127.0.0.1:9400/oidc/', locale: 'en' });
    const button = r.loginButton({ returnTo: '//evil.example/' });
    expect(hrefOf(button, 'mojeid-button')).toBe('/auth/mojeid/login');
    expect(linkTargets(button)).toEqual([WHY_MOJEID_URL.en, 'http://127.0.0.1:9400/registration/']);
    expect(r.loginButton({ locale: 'cs' })).toContain('Přihlásit přes mojeID');
    r.strategy.close();
  });
});

describe('the small HTML helpers apps may share', () => {
  it('escapes by construction and keeps only same-origin return paths', () => {
    expect(escapeHtml(`<a href="x">'&\``)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#96;');
    expect(String(html`<p title="${'"'}">${['a', html`<b>${'<'}</b>`]}${null}${false}</p>`)).toBe('<p title="&quot;">a<b>&lt;</b></p>');
    expect(safeReturnTo('/orders?x=1')).toBe('/orders?x=1');
    for (const unsafe of ['//evil.example', '/\\evil.example', 'https://evil.example/', 42, undefined]) expect(safeReturnTo(unsafe)).toBe('/');
  });

  it('returns a return path as a browser resolves it, so the redirect goes where the check looked', () => {
    // Found by the login-start fuzz test: "/ " was kept, sent as /%20, where a browser asking for it lands on /.
    expect(safeReturnTo('/ ')).toBe('/');
    expect(safeReturnTo('/a b?c=d e#f')).toBe('/a%20b?c=d%20e#f');
    expect(safeReturnTo('/a/../b')).toBe('/b');
    expect(safeReturnTo('/a/%2F/b')).toBe('/a/%2F/b');
    expect(safeReturnTo('/ ?')).toBe('/%20?');
    // Resolving must not turn a same-origin path into another host's.
    for (const sneaky of ['/.//evil.example', '/a/..//evil.example', '/./\\evil.example']) expect(safeReturnTo(sneaky)).toBe('/');
  });
});
