import { startApp, type TestApp } from '../helpers/app.js';
import { TestBrowser, type Hop } from '../helpers/browser.js';
import { startTestProvider, type TestProvider } from '../helpers/test-provider.js';
import type { MojeIdProfile, MojeIdRouterOptions, VerifyCallback } from '../../src/index.js';

let provider: TestProvider;
let app: TestApp;

async function setup(options: MojeIdRouterOptions = {}): Promise<void> {
  provider = await startTestProvider();
  app = await startApp({ issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, scope: 'openid profile email', ...options });
}

afterEach(async () => {
  await app?.close();
  await provider?.close();
});

/** Start at the app, let the provider answer, return the app's answer to the callback. */
async function login(browser: TestBrowser, start = '/auth/mojeid/login'): Promise<Hop> {
  const started = await browser.get(`${app.origin}${start}`);
  expect(started.status).toBe(302);
  const answered = await browser.get(started.location as string);
  expect(answered.status).toBe(302);
  return browser.get(answered.location as string);
}

describe('the authorization request', () => {
  it('sends state, nonce, PKCE S256, the scope, and the claims parameter', async () => {
    await setup({ claims: { email: 'essential', nickname: 'optional' } });
    const browser = new TestBrowser();
    const started = await browser.get(`${app.origin}/auth/mojeid/login`);
    const url = new URL(started.location as string);
    expect(url.origin + url.pathname).toBe(`${provider.issuer}authorization/`);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('client_id')).toBe(provider.clientId);
    expect(url.searchParams.get('redirect_uri')).toBe(`${app.origin}/auth/mojeid/callback`);
    expect(url.searchParams.get('scope')).toBe('openid profile email');
    // 32 random bytes, then the second it was issued (base 36), which names an expired login.
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{43}\.[0-9a-z]+$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{40,}$/);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(JSON.parse(url.searchParams.get('claims') ?? '')).toEqual({ userinfo: { email: { essential: true }, nickname: null } });
  });

  it('asks for claims in the ID token when UserInfo is switched off, those its scope releases included', async () => {
    await setup({ claims: { email: 'essential' }, userinfo: false, scope: 'openid email' });
    const started = await new TestBrowser().get(`${app.origin}/auth/mojeid/login`);
    expect(JSON.parse(new URL(started.location as string).searchParams.get('claims') ?? '')).toEqual({ id_token: { email: { essential: true }, email_verified: null } });
  });

  it('asks for the claims of a scope in the ID token when UserInfo is off and no claim is listed (they vanished before)', async () => {
    await setup({ userinfo: false, scope: 'openid phone' });
    const started = await new TestBrowser().get(`${app.origin}/auth/mojeid/login`);
    expect(JSON.parse(new URL(started.location as string).searchParams.get('claims') ?? '')).toEqual({ id_token: { phone_number: null, phone_number_verified: null } });
  });

  it('sends acr_values, max_age, prompt and ui_locales when configured', async () => {
    await setup({ acrValues: 'high', maxAge: 600, prompt: 'login', uiLocales: 'cs en' });
    const started = await new TestBrowser().get(`${app.origin}/auth/mojeid/login`);
    const params = new URL(started.location as string).searchParams;
    expect(params.get('acr_values')).toBe('http://eidas.europa.eu/oidc/assurance_level/high');
    expect(params.get('max_age')).toBe('600');
    expect(params.get('prompt')).toBe('login');
    expect(params.get('ui_locales')).toBe('cs en');
  });

  it('omits PKCE only when configured off', async () => {
    await setup({ pkce: false });
    const started = await new TestBrowser().get(`${app.origin}/auth/mojeid/login`);
    expect(new URL(started.location as string).searchParams.has('code_challenge')).toBe(false);
  });
});

describe('a successful login', () => {
  it('regenerates the session, then redirects to the saved returnTo', async () => {
    await setup();
    const browser = new TestBrowser();
    const before = JSON.parse((await browser.get(`${app.origin}/session-id`)).body) as { sessionId: string };
    const done = await login(browser, '/auth/mojeid/login?returnTo=%2Fprivate%2Fpage%3Fx%3D1');
    expect(done.status).toBe(303);
    expect(done.location).toBe(`${app.origin}/private/page?x=1`);
    const me = await browser.get(`${app.origin}/me`);
    expect(me.status).toBe(200);
    const body = JSON.parse(me.body) as { user: { id: string; email: string; claims: Record<string, unknown> }; sessionId: string };
    expect(body.user.id).toBe('Usr1234567ab');
    expect(body.user.email).toBe('jan.novak@example.cz');
    expect(body.sessionId).not.toBe(before.sessionId);
    expect(JSON.stringify(body)).not.toMatch(/access_?token|id_?token/i);
  });

  it('hands verify a profile with normalised claims, acr and tokens', async () => {
    let seen: import('../../src/index.js').MojeIdProfile | undefined;
    provider = await startTestProvider();
    provider.behave({ claims: { mojeid_valid: 'true', mojeid_age: '42', mojeid_address_def: '{"formatted":"Sunny 5, Prague"}' } });
    app = await startApp({
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      acrValues: 'substantial',
      verify: (profile, done) => {
        seen = profile;
        done(null, { id: profile.id });
      },
    });
    const done = await login(new TestBrowser());
    expect(done.status).toBe(303);
    expect(seen?.provider).toBe('mojeid');
    expect(seen?.claims.mojeid_valid).toBe(true);
    expect(seen?.claims.mojeid_age).toBe(42);
    expect(seen?.claims.mojeid_address_def).toEqual({ formatted: 'Sunny 5, Prague' });
    expect(seen?.name).toEqual({ givenName: 'Jan', familyName: 'Novák' });
    expect(seen?.assuranceLevel).toBe('substantial');
    expect(seen?.tokens.accessToken).toEqual(expect.any(String));
    expect(seen?.raw.idToken['nonce']).toEqual(expect.any(String));
  });

  it('lets an async verify resolve with the user', async () => {
    await setup({ verify: async (profile: { id: string }) => ({ id: `local-${profile.id}` }) } as unknown as MojeIdRouterOptions);
    const browser = new TestBrowser();
    expect((await login(browser)).status).toBe(303);
    expect(JSON.parse((await browser.get(`${app.origin}/me`)).body).user.id).toBe('local-Usr1234567ab');
  });

  it('makes no UserInfo request when UserInfo is off', async () => {
    await setup({ userinfo: false });
    expect((await login(new TestBrowser())).status).toBe(303);
    expect(provider.counts['/oidc/userinfo/'] ?? 0).toBe(0);
    expect(provider.counts['/oidc/token/']).toBe(1);
  });

  it('discovers once per process, not per login', async () => {
    await setup();
    for (let i = 0; i < 3; i += 1) expect((await login(new TestBrowser())).status).toBe(303);
    expect(provider.counts['/oidc/.well-known/openid-configuration']).toBe(1);
    expect(provider.counts['/oidc/key.jwk']).toBe(1);
  });

  it('fetches discovery and the JWKS once even when the first logins arrive together', async () => {
    await setup();
    const results = await Promise.all(Array.from({ length: 8 }, () => login(new TestBrowser())));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(303));
    expect(provider.counts['/oidc/.well-known/openid-configuration']).toBe(1);
    expect(provider.counts['/oidc/key.jwk']).toBe(1);
  });

  it('completes two logins started in two tabs of one session', async () => {
    await setup();
    const browser = new TestBrowser();
    const tab1 = await browser.get(`${app.origin}/auth/mojeid/login?returnTo=/one`);
    const tab2 = await browser.get(`${app.origin}/auth/mojeid/login?returnTo=/two`);
    const answer1 = await browser.get(tab1.location as string);
    const answer2 = await browser.get(tab2.location as string);
    expect((await browser.get(answer2.location as string)).location).toBe(`${app.origin}/two`);
    expect((await browser.get(answer1.location as string)).location).toBe(`${app.origin}/one`);
  });
});

describe('a login that must fail', () => {
  async function expectRefused(hop: Hop, code: string, status?: number): Promise<void> {
    expect(hop.body).toContain(`data-code="${code}"`);
    if (status) expect(hop.status).toBe(status);
    expect(app.errors.map((e) => e.code)).toContain(code);
    expect(hop.body).not.toMatch(/\bat \w+ \(|node_modules|Error:/);
  }

  it('refuses an ID token whose acr is below the requested level', async () => {
    await setup({ acrValues: 'high' });
    provider.behave({ idTokenClaims: (c) => ({ ...c, acr: 'http://eidas.europa.eu/oidc/assurance_level/substantial' }) });
    const browser = new TestBrowser();
    await expectRefused(await login(browser), 'insufficient_assurance', 403);
    expect((await browser.get(`${app.origin}/me`)).status).toBe(401);
  });

  it('refuses an ID token without acr when a level was requested', async () => {
    await setup({ acrValues: 'substantial' });
    provider.behave({ idTokenClaims: ({ acr: _acr, ...c }) => c });
    await expectRefused(await login(new TestBrowser()), 'insufficient_assurance', 403);
  });

  it('accepts the LoA spelling of a higher level', async () => {
    await setup({ acrValues: 'substantial' });
    provider.behave({ idTokenClaims: (c) => ({ ...c, acr: 'http://eidas.europa.eu/LoA/high' }) });
    expect((await login(new TestBrowser())).status).toBe(303);
  });

  it('refuses an authorization response whose iss is another issuer (RFC 9207)', async () => {
    await setup();
    provider.behave({ authorizationResponse: (p) => (p.set('iss', 'https://evil.example/'), p) });
    await expectRefused(await login(new TestBrowser()), 'token_validation_failed');
    expect(provider.counts['/oidc/token/'] ?? 0).toBe(0);
  });

  it('refuses an ID token with another nonce', async () => {
    await setup();
    provider.behave({ idTokenClaims: (c) => ({ ...c, nonce: 'forged' }) });
    await expectRefused(await login(new TestBrowser()), 'token_validation_failed');
  });

  it('refuses an ID token signed with a key not in the JWKS', async () => {
    await setup();
    provider.behave({ signing: 'unknown-key' });
    await expectRefused(await login(new TestBrowser()), 'token_validation_failed');
  });

  it('refuses alg none', async () => {
    await setup();
    provider.behave({ signing: 'alg-none' });
    await expectRefused(await login(new TestBrowser()), 'token_validation_failed');
  });

  it('refuses UserInfo whose sub differs from the ID token (§5.1.10)', async () => {
    await setup();
    provider.behave({ userinfo: (c) => ({ ...c, sub: 'someone-else' }) });
    await expectRefused(await login(new TestBrowser()), 'userinfo_failed');
  });

  it('explains which essential claims the user withheld, and logs nobody in', async () => {
    await setup({ claims: { email: 'essential', phone_number: 'essential', nickname: 'optional' } });
    provider.behave({ userinfo: (c) => ({ ...c, email: null }) });
    const browser = new TestBrowser();
    const hop = await login(browser);
    await expectRefused(hop, 'missing_required_claims', 403);
    expect(hop.body).toContain('<code>email</code>');
    expect(hop.body).toContain('<code>phone_number</code>');
    expect(hop.body).not.toContain('<code>nickname</code>');
    expect((await browser.get(`${app.origin}/me`)).status).toBe(401);
  });

  it('shows a refusal (403 login_refused), not a fault, when verify says no', async () => {
    await setup({ verify: (_profile: MojeIdProfile, done: VerifyCallback) => done(null, false, { message: 'account suspended' }) });
    const browser = new TestBrowser();
    await expectRefused(await login(browser), 'login_refused', 403);
    expect(app.logLines.join('\n')).toContain('account suspended');
    expect((await browser.get(`${app.origin}/me`)).status).toBe(401);
  });

  it('accepts only validated accounts when asked to', async () => {
    await setup({ accept: ['validated'] });
    provider.behave({ claims: { mojeid_valid: 'false' } });
    await expectRefused(await login(new TestBrowser()), 'account_not_accepted', 403);
  });

  it('reports that the user declined at mojeID (access_denied)', async () => {
    await setup();
    provider.behave({ authorizationResponse: (p) => new URLSearchParams({ error: 'access_denied', state: p.get('state') ?? '' }) });
    const hop = await login(new TestBrowser());
    await expectRefused(hop, 'access_denied', 401);
    expect(hop.body).toContain('mojeid-retry');
  });

  it('reports login_required for prompt=none without a mojeID session', async () => {
    await setup();
    provider.behave({ authorizationResponse: (p) => new URLSearchParams({ error: 'login_required', state: p.get('state') ?? '', iss: provider.issuer }) });
    await expectRefused(await login(new TestBrowser()), 'login_required');
  });

  it('maps invalid_client at the token endpoint to unauthorized_client with a hint', async () => {
    provider = await startTestProvider();
    app = await startApp({ issuer: provider.issuer, clientId: provider.clientId, clientSecret: 'wrong-secret' });
    await expectRefused(await login(new TestBrowser()), 'unauthorized_client', 502);
    expect(app.logLines.join('\n')).toMatch(/MOJEID_TOKEN_AUTH_METHOD/);
    expect(app.logLines.join('\n')).not.toContain('wrong-secret');
  });

  it('maps a WWW-Authenticate challenge for bad credentials to unauthorized_client too', async () => {
    provider = await startTestProvider();
    provider.behave({ challengeOnBadClient: true });
    app = await startApp({ issuer: provider.issuer, clientId: provider.clientId, clientSecret: 'wrong-secret' });
    await expectRefused(await login(new TestBrowser()), 'unauthorized_client', 502);
  });

  it('refuses a replayed callback (the back button after login)', async () => {
    await setup();
    const browser = new TestBrowser();
    const started = await browser.get(`${app.origin}/auth/mojeid/login`);
    const answered = await browser.get(started.location as string);
    expect((await browser.get(answered.location as string)).status).toBe(303);
    const again = await browser.get(answered.location as string);
    await expectRefused(again, 'state_mismatch', 400);
    expect(again.body).toContain('href="/"');
  });

  it('refuses a callback from a login started in another browser', async () => {
    await setup();
    const started = await new TestBrowser().get(`${app.origin}/auth/mojeid/login`);
    const answered = await new TestBrowser().get(started.location as string);
    await expectRefused(await new TestBrowser().get(answered.location as string), 'state_mismatch', 400);
  });

  it('refuses a bare callback instead of starting a new login from it', async () => {
    await setup();
    const hop = await new TestBrowser().get(`${app.origin}/auth/mojeid/callback?foo=bar`);
    await expectRefused(hop, 'state_mismatch', 400);
    expect(provider.authorizations).toHaveLength(0);
  });

  it.each([
    ['a repeated state', (url: URL) => `${url.href}&state=again`],
    ['a non-UTF-8 parameter', (url: URL) => `${url.href}&code=%FF%FE`],
    ['an oversized code', (url: URL) => `${url.origin}${url.pathname}?code=${'a'.repeat(5000)}&state=${url.searchParams.get('state')}`],
  ])('refuses a callback with %s', async (_what, mangle) => {
    await setup();
    const browser = new TestBrowser();
    const started = await browser.get(`${app.origin}/auth/mojeid/login`);
    const answered = await browser.get(started.location as string);
    const hop = await browser.get(mangle(new URL(answered.location as string)));
    await expectRefused(hop, 'invalid_callback', 400);
    expect(provider.counts['/oidc/token/'] ?? 0).toBe(0);
  });
});

describe('returnTo', () => {
  it.each(['//evil.example', '/\\evil.example', 'https:evil.example', 'https://evil.example/', '/%2F%2Fevil.example', '\\\\evil.example', '/ok\r\nSet-Cookie: x=1', 'javascript:alert(1)'])(
    'never redirects off-site for %p',
    async (returnTo) => {
      await setup();
      const browser = new TestBrowser();
      const done = await login(browser, `/auth/mojeid/login?returnTo=${encodeURIComponent(returnTo)}`);
      expect(done.status).toBe(303);
      expect(new URL(done.location as string).origin).toBe(app.origin);
    },
  );
});

describe('when mojeID is unreachable', () => {
  it('the app boots, a login gets a 503 page, and the next attempt after recovery works', async () => {
    await setup();
    provider.behave({ down: { discovery: true } });
    const browser = new TestBrowser();
    const refused = await browser.get(`${app.origin}/auth/mojeid/login`);
    expect(refused.status).toBe(503);
    expect(refused.body).toContain('data-code="provider_unavailable"');
    provider.behave({});
    await new Promise((r) => setTimeout(r, 1100)); // the first retry back-off is one second
    expect((await login(browser)).status).toBe(303);
  });

  it('a slow token endpoint ends in a 503 within the configured timeout', async () => {
    await setup({ httpTimeout: 1 });
    provider.behave({ delayMs: { token: 3000 } });
    const started = Date.now();
    const hop = await login(new TestBrowser());
    expect(hop.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(2900);
  });
});

describe('logout', () => {
  async function loggedIn(): Promise<TestBrowser> {
    await setup();
    const browser = new TestBrowser();
    expect((await login(browser)).status).toBe(303);
    return browser;
  }

  async function csrfFrom(browser: TestBrowser): Promise<string> {
    const page = await browser.get(`${app.origin}/auth/mojeid`);
    return /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  }

  it('logs out by POST with the CSRF token and offers mojeID logout (ch. 7)', async () => {
    const browser = await loggedIn();
    const token = await csrfFrom(browser);
    expect(token).not.toBe('');
    const out = await browser.post(`${app.origin}/auth/mojeid/logout`, { _csrf: token });
    expect(out.status).toBe(200);
    expect(out.body).toContain(`href="${new URL('/logout/', provider.issuer).href}"`);
    expect((await browser.get(`${app.origin}/me`)).status).toBe(401);
  });

  it('does not log out by GET', async () => {
    const browser = await loggedIn();
    expect((await browser.get(`${app.origin}/auth/mojeid/logout`)).status).toBe(404);
    expect((await browser.get(`${app.origin}/me`)).status).toBe(200);
  });

  it('refuses a cross-site POST without the token', async () => {
    const browser = await loggedIn();
    const out = await browser.post(`${app.origin}/auth/mojeid/logout`, {}, { origin: 'https://evil.example' });
    expect(out.status).toBe(403);
    expect((await browser.get(`${app.origin}/me`)).status).toBe(200);
  });

  it('refuses a POST with a wrong token', async () => {
    const browser = await loggedIn();
    await csrfFrom(browser);
    expect((await browser.post(`${app.origin}/auth/mojeid/logout`, { _csrf: 'x'.repeat(43) })).status).toBe(403);
    expect((await browser.get(`${app.origin}/me`)).status).toBe(200);
  });
});

describe('requireMojeIdLogin', () => {
  it('sends pages to the login page with the button (§5.1.4) and back, and answers API clients with 401 JSON', async () => {
    await setup();
    const browser = new TestBrowser();
    const page = await browser.get(`${app.origin}/private/page?tab=2`);
    expect(page.status).toBe(303);
    expect(page.location).toBe(`${app.origin}/auth/mojeid?returnTo=${encodeURIComponent('/private/page?tab=2')}`);
    const loginPage = await browser.get(page.location as string);
    expect(loginPage.body).toContain(`class="mojeid-button" href="/auth/mojeid/login?returnTo=${encodeURIComponent('/private/page?tab=2')}"`);
    const api = await browser.get(`${app.origin}/private/page`, { accept: 'application/json' });
    expect(api.status).toBe(401);
    expect(JSON.parse(api.body)).toEqual({ error: 'login_required', login: '/auth/mojeid?returnTo=%2Fprivate%2Fpage' });
  });
});

describe('the login page', () => {
  it('shows the button and the two links in Czech or English, with strict security headers', async () => {
    await setup();
    const cs = await new TestBrowser().get(`${app.origin}/auth/mojeid`, { 'accept-language': 'cs-CZ,cs;q=0.9' });
    expect(cs.body).toContain('Přihlásit přes mojeID');
    expect(cs.body).toContain('Proč mojeID');
    expect(cs.body).toContain('Založit účet mojeID');
    expect(cs.body).not.toMatch(/<script|style=/);
    const csp = cs.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const en = await new TestBrowser().get(`${app.origin}/auth/mojeid?lang=en`);
    expect(en.body).toContain('Log in with mojeID');
    expect(en.body).toContain('https://www.mojeid.cz/en/why-mojeid/');
  });
});
