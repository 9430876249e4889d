/**
 * The test driver: its cookie jar (RFC 6265 subset) and how it fails when asked for something
 * the simulator does not show.
 */
import type * as client from 'openid-client';
import { CookieJar, loginThroughSimulator, type RunningSimulator } from 'mojeid-simulator';
import { authorizationRequest, codeFlow, discover, startTestSimulator } from './helpers.js';

describe('CookieJar', () => {
  it('sends host-only cookies by path, longest path first', () => {
    const jar = new CookieJar();
    jar.store('http://127.0.0.1:1/oidc/authorization/', ['a=1; Path=/; HttpOnly; SameSite=Lax', 'b=2; path=/oidc/interaction/x1']);
    // Default path: the request path up to its last slash, /oidc/interaction/x1/login.
    jar.store('http://127.0.0.1:1/oidc/interaction/x1/login/step', ['c=3']);
    expect(jar.header('http://127.0.0.1:1/oidc/interaction/x1/login')).toBe('c=3; b=2; a=1');
    expect(jar.header('http://127.0.0.1:1/oidc/interaction/x1')).toBe('b=2; a=1');
    // `/oidc/interaction/x1` does not path-match `/oidc/interaction/x10`.
    expect(jar.header('http://127.0.0.1:1/oidc/interaction/x10')).toBe('a=1');
    expect(jar.header('http://localhost:1/')).toBeUndefined();
    expect(jar.names('http://127.0.0.1:9/')).toEqual(['a']);
  });

  it('replaces, expires and deletes cookies', () => {
    const jar = new CookieJar();
    jar.store('http://h.test/', ['s=1; Path=/', 'gone=1; Path=/; Max-Age=0', 'old=1; Path=/; Expires=Thu, 01 Jan 1970 00:00:01 GMT']);
    expect(jar.header('http://h.test/')).toBe('s=1');
    jar.store('http://h.test/', ['s=2; Path=/']);
    expect(jar.header('http://h.test/')).toBe('s=2');
    jar.store('http://h.test/', ['s=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT']);
    expect(jar.header('http://h.test/')).toBeUndefined();
    jar.store('https://h.test/', ['sec=1; Secure; Path=/']);
    expect(jar.header('http://h.test/')).toBeUndefined();
    expect(jar.header('https://h.test/')).toBe('sec=1');
    jar.clear();
    expect(jar.header('https://h.test/')).toBeUndefined();
  });
});

describe('loginThroughSimulator', () => {
  let sim: RunningSimulator;
  let config: client.Configuration;
  beforeAll(async () => {
    sim = await startTestSimulator();
    config = await discover(sim);
  });
  afterAll(async () => {
    await sim.close();
  });

  it('names the accounts on offer when asked for an unknown one', async () => {
    const { url } = await authorizationRequest(config);
    await expect(loginThroughSimulator(url, { account: 'nobody' })).rejects.toThrow('the simulator has no account "nobody"; it offers: partial, nia-high, business');
  });

  it('refuses to withhold a claim that was not requested', async () => {
    const { url } = await authorizationRequest(config, { scope: 'openid email' });
    await expect(loginThroughSimulator(url, { account: 'partial', withhold: ['phone_number'] })).rejects.toThrow(
      'cannot withhold phone_number: the consent page lists only email, email_verified',
    );
  });

  it('says when deny or withhold had no page to act on (consent remembered in the jar)', async () => {
    const cookies = new CookieJar();
    await codeFlow(config, { scope: 'openid email' }, { account: 'partial', cookies });
    const again = await authorizationRequest(config, { scope: 'openid email' });
    await expect(loginThroughSimulator(again.url, { account: 'partial', cookies, deny: true })).rejects.toThrow(/showed no page to deny on/);
    const third = await authorizationRequest(config, { scope: 'openid email' });
    await expect(loginThroughSimulator(third.url, { account: 'partial', cookies, withhold: ['email'] })).rejects.toThrow(/no consent page/);
  });

  it("deny: 'login' denies on the consent page when the session skips the login page", async () => {
    const cookies = new CookieJar();
    await codeFlow(config, { scope: 'openid' }, { account: 'partial', cookies });
    const started = await authorizationRequest(config, { scope: 'openid phone' });
    const callback = await loginThroughSimulator(started.url, { account: 'partial', cookies, deny: 'login' });
    expect(callback.searchParams.get('error')).toBe('access_denied');
  });

  it('returns the form_post response as a URL with the posted fields', async () => {
    const started = await authorizationRequest(config, { scope: 'openid', response_mode: 'form_post' });
    const callback = await loginThroughSimulator(started.url, { account: 'business' });
    expect(callback.searchParams.get('state')).toBe(started.state);
    expect(callback.searchParams.get('code')).toEqual(expect.any(String));
    expect(callback.searchParams.get('iss')).toBe(sim.issuer);
  });
});
