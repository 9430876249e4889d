/**
 * The provider misbehaves on purpose (the spirit of the OpenID Foundation's Basic RP and Config RP
 * test plans): every case must end in a failed login with a clear error and no session user, and
 * the unusual-but-legitimate cases must succeed.
 */
import { jest } from '@jest/globals';
import { startApp, type TestApp } from '../helpers/app.js';
import { TestBrowser, type Hop } from '../helpers/browser.js';
import { startTestProvider, type Behaviour, type TestProvider } from '../helpers/test-provider.js';
import type { MojeIdRouterOptions } from '../../src/index.js';

let provider: TestProvider;
let app: TestApp;

async function setup(options: MojeIdRouterOptions = {}, behaviour: Behaviour = {}): Promise<void> {
  provider = await startTestProvider();
  provider.behave(behaviour);
  app = await startApp({ issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, ...options });
}

afterEach(async () => {
  await app?.close();
  await provider?.close();
});

async function attempt(browser = new TestBrowser()): Promise<{ hop: Hop; browser: TestBrowser }> {
  const started = await browser.get(`${app.origin}/auth/mojeid/login`);
  if (started.status !== 302) return { hop: started, browser };
  const answered = await browser.get(started.location as string);
  return { hop: await browser.get(answered.location as string), browser };
}

async function expectRefused(code: string): Promise<void> {
  const { hop, browser } = await attempt();
  expect(hop.status).toBeGreaterThanOrEqual(400);
  expect(hop.body).toContain(`data-code="${code}"`);
  expect(hop.body).not.toMatch(/\bat \w+ \(|node_modules|stack/i);
  expect((await browser.get(`${app.origin}/me`)).status).toBe(401);
}

async function expectAccepted(): Promise<Record<string, unknown>> {
  const { hop, browser } = await attempt();
  expect(hop.body).toBe('See Other. Redirecting to /');
  expect(hop.status).toBe(303);
  const me = await browser.get(`${app.origin}/me`);
  expect(me.status).toBe(200);
  return (JSON.parse(me.body) as { user: Record<string, unknown> }).user;
}

const now = (): number => Math.floor(Date.now() / 1000);

describe('ID tokens that must be refused', () => {
  it.each<[string, Behaviour]>([
    ['an invalid signature', { signing: 'bad-signature' }],
    ['alg none', { signing: 'alg-none' }],
    ['a key not in the JWKS', { signing: 'unknown-key' }],
    ['a wrong iss', { idTokenClaims: (c) => ({ ...c, iss: 'https://evil.example/oidc/' }) }],
    ['a wrong aud', { idTokenClaims: (c) => ({ ...c, aud: 'another-client' }) }],
    ['several audiences without our azp', { idTokenClaims: (c) => ({ ...c, aud: [c['aud'], 'another-client'], azp: 'another-client' }) }],
    ['an expired token', { idTokenClaims: (c) => ({ ...c, exp: now() - 120, iat: now() - 600 }) }],
    ['iat missing', { idTokenClaims: ({ iat: _iat, ...c }) => c }],
    ['iat far in the future', { idTokenClaims: (c) => ({ ...c, iat: now() + 3600, exp: now() + 7200 }) }],
    ['sub missing', { idTokenClaims: ({ sub: _sub, ...c }) => c }],
    ['nonce missing', { idTokenClaims: ({ nonce: _nonce, ...c }) => c }],
    ['a different nonce', { idTokenClaims: (c) => ({ ...c, nonce: 'other' }) }],
  ])('refuses %s', async (_name, behaviour) => {
    await setup({}, behaviour);
    await expectRefused('token_validation_failed');
  });

  it('refuses a missing kid when the JWKS has several keys', async () => {
    provider = await startTestProvider();
    await provider.rotateKey();
    // Publish an unrelated extra key too, so "the" key is ambiguous without kid.
    const extra = await import('jose').then(async (jose) => {
      const { publicKey } = await jose.generateKeyPair('RS256', { extractable: true });
      return { ...(await jose.exportJWK(publicKey)), kid: 'extra' };
    });
    provider.behave({ signing: 'no-kid', extraJwks: [extra] });
    app = await startApp({ issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret });
    await expectRefused('token_validation_failed');
  });

  it('refuses auth_time missing when max_age was sent', async () => {
    await setup({ maxAge: 300 }, { idTokenClaims: ({ auth_time: _a, ...c }) => c });
    await expectRefused('token_validation_failed');
  });

  it('refuses auth_time older than max_age', async () => {
    await setup({ maxAge: 60 }, { idTokenClaims: (c) => ({ ...c, auth_time: now() - 3600 }) });
    await expectRefused('token_validation_failed');
  });

  it('refuses acr lower than requested (high requested, substantial returned)', async () => {
    await setup({ acrValues: 'high' }, { idTokenClaims: (c) => ({ ...c, acr: 'http://eidas.europa.eu/oidc/assurance_level/substantial' }) });
    await expectRefused('insufficient_assurance');
  });
});

describe('authorization responses that must be refused', () => {
  it('refuses a response without state', async () => {
    await setup({}, { authorizationResponse: (p) => (p.delete('state'), p) });
    await expectRefused('state_mismatch');
  });

  it('refuses a response with a different state', async () => {
    await setup({}, { authorizationResponse: (p) => (p.set('state', 'forged-state'), p) });
    await expectRefused('state_mismatch');
  });

  it('refuses a response whose iss is another issuer (mix-up, RFC 9207)', async () => {
    await setup({}, { authorizationResponse: (p) => (p.set('iss', 'https://other-op.example/'), p) });
    await expectRefused('token_validation_failed');
  });

  it('reports an error response with error_description', async () => {
    await setup({}, { authorizationResponse: (p) => new URLSearchParams({ error: 'invalid_request', error_description: 'bad scope', state: p.get('state') ?? '' }) });
    await expectRefused('provider_error');
    expect(app.logLines.join('\n')).toContain('bad scope');
  });

  it('reports an error response without error_description', async () => {
    await setup({}, { authorizationResponse: (p) => new URLSearchParams({ error: 'server_error', state: p.get('state') ?? '' }) });
    await expectRefused('provider_error');
  });

  it('refuses a replayed code', async () => {
    await setup();
    const browser = new TestBrowser();
    const first = await browser.get(`${app.origin}/auth/mojeid/login`);
    const answered = await browser.get(first.location as string);
    // A second login in the same browser, then the first login's code presented with the second's state.
    expect((await browser.get(answered.location as string)).status).toBe(303);
    const second = await browser.get(`${app.origin}/auth/mojeid/login`);
    const state = new URL(second.location as string).searchParams.get('state') as string;
    const replay = new URL(answered.location as string);
    replay.searchParams.set('state', state);
    const hop = await browser.get(replay);
    expect(hop.body).toMatch(/data-code="(invalid_callback|token_validation_failed)"/);
  });
});

describe('UserInfo responses that must be refused', () => {
  it.each<[string, Behaviour, string]>([
    ['a different sub', { userinfo: (c) => ({ ...c, sub: 'other-user' }) }, 'userinfo_failed'],
    ['HTML', { userinfo: () => ({ status: 200, contentType: 'text/html', body: '<html>oops</html>' }) }, 'userinfo_failed'],
    ['non-JSON text', { userinfo: () => ({ status: 200, contentType: 'application/json', body: '{not json' }) }, 'userinfo_failed'],
    ['a 500', { userinfo: () => ({ status: 500, contentType: 'text/plain', body: 'boom' }) }, 'userinfo_failed'],
    ['a body of several megabytes', { userinfo: () => ({ status: 200, contentType: 'application/json', body: `{"sub":"Usr1234567ab","x":"${'a'.repeat(4 * 1024 * 1024)}"}` }) }, 'userinfo_failed'],
  ])('refuses %s', async (_name, behaviour, code) => {
    await setup({}, behaviour);
    await expectRefused(code);
  });

  it('gives up on a slow UserInfo endpoint after the timeout', async () => {
    await setup({ httpTimeout: 1 }, { delayMs: { userinfo: 3000 } });
    await expectRefused('provider_unavailable');
  });
});

describe('discovery that must be refused', () => {
  it('refuses a document whose issuer differs from the configured one', async () => {
    await setup({}, { discovery: (d) => ({ ...d, issuer: 'https://evil.example/oidc/' }) });
    await expectRefused('provider_unavailable');
  });

  it('reports discovery down as a 503', async () => {
    await setup({}, { down: { discovery: true } });
    const { hop } = await attempt();
    expect(hop.status).toBe(503);
  });

  it('refuses to log in when the JWKS is down', async () => {
    await setup({}, { down: { jwks: true } });
    await expectRefused('token_validation_failed');
  });
});

describe('unusual but legitimate providers', () => {
  it('accepts a token without kid when the JWKS has a single key', async () => {
    await setup({}, { signing: 'no-kid' });
    await expectAccepted();
  });

  it('refetches the JWKS once after key rotation, not on every login', async () => {
    await setup();
    await expectAccepted();
    await provider.rotateKey();
    // openid-client refetches on an unknown kid only once the cached set is a minute old (a
    // cool-down against JWKS flooding); move only the clock, not the timers, past it.
    jest.useFakeTimers({ doNotFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask', 'hrtime', 'performance'] });
    try {
      jest.setSystemTime(Date.now() + 61_000);
      await expectAccepted();
      await expectAccepted();
    } finally {
      jest.useRealTimers();
    }
    expect(provider.counts['/oidc/key.jwk']).toBe(2);
  });

  it('accepts claims only in UserInfo', async () => {
    await setup({ scope: 'openid email' });
    const user = await expectAccepted();
    expect(user['email']).toBe('jan.novak@example.cz');
  });

  it('accepts claims only in the ID token, with UserInfo off', async () => {
    await setup({ userinfo: false, claims: { email: 'essential' } }, { idTokenClaims: (c) => ({ ...c, email: 'id-token@example.cz' }) });
    const user = await expectAccepted();
    expect(user['email']).toBe('id-token@example.cz');
    expect(provider.counts['/oidc/userinfo/'] ?? 0).toBe(0);
  });

  it('accepts clock skew within the tolerance', async () => {
    await setup({}, { idTokenClaims: (c) => ({ ...c, iat: now() + 20, exp: now() + 300 }) });
    await expectAccepted();
  });

  it('normalises string flags and JSON address strings', async () => {
    await setup(
      {
        claims: { email_verified: 'optional', mojeid_valid: 'optional', mojeid_address_def: 'optional' },
        sessionClaims: ['email_verified', 'mojeid_valid', 'mojeid_address_def'],
      },
      { claims: { email_verified: 'true', mojeid_valid: 'false', mojeid_address_def: '{"locality":"Praha","country":"CZ"}' } },
    );
    const user = await expectAccepted();
    expect(user['claims']).toMatchObject({ email_verified: true, mojeid_valid: false, mojeid_address_def: { locality: 'Praha', country: 'CZ' } });
  });
});
