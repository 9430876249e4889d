/**
 * Login and consent pages: the form contract (field names), denial, withheld claims, full
 * access (Appendix 1 "Only for full access", ch. 8), and page safety.
 */
import * as client from 'openid-client';
import { CookieJar, loginThroughSimulator, type RunningSimulator } from 'mojeid-simulator';
import {
  PARTIAL_ACCESS_CLIENT,
  authorizationRequest,
  browserRequest,
  codeFlow,
  discover,
  followToPage,
  idTokenClaims,
  startTestSimulator,
  userinfoClaims,
  type StartedLogin,
} from './helpers.js';

let sim: RunningSimulator;
let config: client.Configuration;
beforeAll(async () => {
  sim = await startTestSimulator();
  config = await discover(sim);
});
afterAll(async () => {
  await sim.close();
});

function checkboxes(html: string): string[] {
  return [...html.matchAll(/<input type="checkbox" name="claim" value="([^"]+)" checked>/g)].map((m) => m[1] as string);
}

describe('the login page', () => {
  it('lists the three test accounts as buttons of one form, plus Deny, escaped and without scripts', async () => {
    const jar = new CookieJar();
    const { url } = await authorizationRequest(config, { scope: 'openid email' });
    const page = await followToPage(jar, url, sim.origin);
    expect(page.status).toBe(200);
    expect(page.url.pathname).toMatch(/^\/oidc\/interaction\/[\w-]+$/);
    expect(page.html).toContain('<main data-step="login">');
    const uid = page.url.pathname.split('/').pop() as string;
    expect(page.html).toContain(`<form method="post" action="/oidc/interaction/${uid}/login" id="login">`);
    expect(page.html).toContain(`<form method="post" action="/oidc/interaction/${uid}/abort" id="abort">`);
    for (const id of ['partial', 'nia-high', 'business']) expect(page.html).toContain(`name="account" value="${id}"`);
    expect(page.html).toContain('Odmítnout / Deny');
    expect(page.html).toContain('Jan Novák');
    // The client name has markup in it: escaped.
    expect(page.html).toContain('Testovací e-shop &lt;b&gt;&amp;&lt;/b&gt;');
    expect(page.html).not.toMatch(/<script/i);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('Deny on the login page sends the user back with error=access_denied', async () => {
    const started = await authorizationRequest(config, { scope: 'openid' });
    const callback = await loginThroughSimulator(started.url, { account: 'partial', deny: 'login' });
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe(started.state);
    expect(callback.searchParams.get('iss')).toBe(sim.issuer);
    expect(callback.searchParams.has('code')).toBe(false);
  });

  it('refuses an unknown account with a 400 page', async () => {
    const jar = new CookieJar();
    const { url } = await authorizationRequest(config, { scope: 'openid' });
    const page = await followToPage(jar, url, sim.origin);
    const answer = await browserRequest(jar, `${page.url.href}/login`, new URLSearchParams({ account: 'nobody' }));
    expect(answer.status).toBe(400);
    expect(answer.html).toContain('<main data-step="error">');
  });

  it('answers a form post without the interaction cookie with a 400 page', async () => {
    const jar = new CookieJar();
    const { url } = await authorizationRequest(config, { scope: 'openid' });
    const page = await followToPage(jar, url, sim.origin);
    const answer = await browserRequest(new CookieJar(), `${page.url.href}/login`, new URLSearchParams({ account: 'partial' }));
    expect(answer.status).toBe(400);
    expect(answer.html).toContain('The login has expired or its cookie is missing.');
  });
});

describe('the consent page', () => {
  async function consentPage(params: Record<string, string>): Promise<{ jar: CookieJar; html: string; url: URL; started: StartedLogin }> {
    const jar = new CookieJar();
    const started = await authorizationRequest(config, params);
    const login = await followToPage(jar, started.url, sim.origin);
    const posted = await browserRequest(jar, `${login.url.href}/login`, new URLSearchParams({ account: 'nia-high' }));
    expect(posted.status).toBe(303);
    const page = await followToPage(jar, new URL(posted.location as string, sim.origin), sim.origin);
    expect(page.html).toContain('<main data-step="consent">');
    return { jar, html: page.html, url: page.url, started };
  }

  it('lists every requested claim with a checked checkbox: scope claims and claims-parameter claims', async () => {
    const { html, url } = await consentPage({ scope: 'openid email phone', claims: userinfoClaims('mojeid_valid', 'mojeid_age') });
    expect(checkboxes(html)).toEqual(['email', 'email_verified', 'phone_number', 'phone_number_verified', 'mojeid_age', 'mojeid_valid']);
    expect(html).toContain(`action="${url.pathname}/confirm" id="consent"`);
    expect(html).toContain('jan.novak@example.cz');
    expect(html).toContain('Povolit / Allow');
    expect(html).toContain('Odmítnout / Deny');
  });

  it('posting claim= for some claims withholds the others, which come back as null (documented form contract)', async () => {
    const { jar, url, started } = await consentPage({ scope: 'openid email phone' });
    const form = new URLSearchParams([
      ['claim', 'email'],
      ['claim', 'phone_number'],
    ]);
    const confirmed = await browserRequest(jar, `${url.href}/confirm`, form);
    expect(confirmed.status).toBe(303);
    // Back to the authorization endpoint, then to the client.
    const resumed = await browserRequest(jar, new URL(confirmed.location as string, sim.origin));
    const callback = new URL(resumed.location as string);
    expect(callback.searchParams.get('state')).toBe(started.state);
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: started.verifier,
      expectedState: started.state,
      expectedNonce: started.nonce,
    });
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()?.sub ?? '');
    expect(userinfo).toMatchObject({ email: 'jan.novak@example.cz', phone_number: '+420.777123456' });
    // Production mode: data the user did not release comes "without a value" (withheld.test.ts).
    expect(userinfo).toHaveProperty('email_verified', null);
    expect(userinfo).toHaveProperty('phone_number_verified', null);
  });

  it('Deny on the consent page sends the user back with error=access_denied', async () => {
    const started = await authorizationRequest(config, { scope: 'openid email' });
    const callback = await loginThroughSimulator(started.url, { account: 'business', deny: true });
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe(started.state);
    expect(callback.searchParams.get('iss')).toBe(sim.issuer);
    await expect(client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: started.verifier, expectedState: started.state })).rejects.toMatchObject({
      error: 'access_denied',
    });
  });

  it('a withheld claim has no value in UserInfo nor in the ID token', async () => {
    const { idToken, userinfo } = await codeFlow(
      config,
      { scope: 'openid email profile', claims: idTokenClaims('email', 'mojeid_valid', 'given_name') },
      { account: 'nia-high', withhold: ['email', 'mojeid_valid'] },
    );
    expect(userinfo).toHaveProperty('email', null);
    expect(idToken).toHaveProperty('email', null);
    expect(idToken).toHaveProperty('mojeid_valid', null);
    expect(userinfo).toHaveProperty('email_verified', true);
    expect(userinfo).toHaveProperty('family_name', 'Novák');
    expect(idToken).toHaveProperty('given_name', 'Jan');
  });
});

describe('full access (Appendix 1, ch. 8)', () => {
  const FULL_ACCESS_ONLY = ['mojeid_valid', 'mojeid_nia', 'mojeid_student', 'mojeid_isic', 'mojeid_address_mail_verified'];

  it('a client without full access never gets the full-access-only claims, and is not asked about them', async () => {
    const partialConfig = await discover(sim, PARTIAL_ACCESS_CLIENT);
    const claims = userinfoClaims(...FULL_ACCESS_ONLY, 'mojeid_is_adult', 'mojeid_age');
    const { userinfo } = await codeFlow(partialConfig, { scope: 'openid email', claims }, { account: 'partial' });
    for (const name of FULL_ACCESS_ONLY) expect(userinfo).not.toHaveProperty(name);
    expect(userinfo).toMatchObject({ mojeid_is_adult: 'true', email: 'petra.svobodova@example.cz' });

    await expect(
      codeFlow(partialConfig, { scope: 'openid', claims }, { account: 'partial', withhold: ['mojeid_valid'] }),
    ).rejects.toThrow(/cannot withhold mojeid_valid/);
  });

  it('a client with full access gets them', async () => {
    const { userinfo } = await codeFlow(config, { scope: 'openid', claims: userinfoClaims(...FULL_ACCESS_ONLY) }, { account: 'partial' });
    expect(userinfo).toMatchObject({
      mojeid_valid: 'false',
      mojeid_nia: 'false',
      mojeid_student: 'true',
      mojeid_isic: 'S420123456789A',
      mojeid_address_mail_verified: 'false',
    });
  });
});
