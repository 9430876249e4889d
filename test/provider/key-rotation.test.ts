/**
 * Key rotation (issue 11 point 5; OpenID conformance `rp-key-rotation-op-sign-key`): mojeID starts
 * signing with a key that is not in the JWKS we hold. The login that meets it fetches the keys
 * again at once (oauth4webapi alone would refuse it until the cached set is a minute old), one
 * request serves concurrent logins, and ID tokens naming unknown keys cannot make us ask mojeID
 * more than once a minute. Real logins through the app against the test provider, counting the
 * provider's JWKS requests.
 */
import { jest } from '@jest/globals';
import * as oidc from 'openid-client';
import { resolveConfig } from '../../src/config.js';
import { nodeHttpFetch } from '../../src/http-transport.js';
import { JWKS_REFETCH_FAILURE_HOLD_MS, JWKS_REFETCH_INTERVAL_MS, gateJwksRefetches } from '../../src/jwks-refetch.js';
import { ProviderClient, type ClientCredentials, type CredentialSource } from '../../src/provider.js';
import { toMojeIdError } from '../../src/error-mapping.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { TestBrowser, type Hop } from '../helpers/browser.js';
import { startTestProvider, type TestProvider } from '../helpers/test-provider.js';

const JWKS = '/oidc/key.jwk';
const UNKNOWN_KEY = "the ID token is signed with a key that is not among mojeID's published keys (jwks_uri), even after fetching them again";
let provider: TestProvider;
let app: TestApp | undefined;

beforeEach(async () => {
  provider = await startTestProvider();
});

afterEach(async () => {
  jest.useRealTimers();
  await app?.close();
  app = undefined;
  await provider.close();
});

const jwksRequests = (): number => provider.counts[JWKS] ?? 0;
const seconds = (s: number): number => s * 1000;

/** Moves `Date.now()` (ours and openid-client's) by hand; the timers the servers use stay real. */
function fakeClock(): { advanceTo(ms: number): void; start: number } {
  jest.useFakeTimers({ doNotFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask', 'hrtime', 'performance'] });
  const start = Date.now();
  return { start, advanceTo: (ms) => jest.setSystemTime(start + ms) };
}

async function startTheApp(): Promise<TestApp> {
  app = await startApp({ issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret });
  return app;
}

/** App -> provider -> app callback; the callback's answer. */
async function login(origin: string, browser = new TestBrowser()): Promise<Hop> {
  const started = await browser.get(`${origin}/auth/mojeid/login`);
  expect(started.status).toBe(302);
  const answered = await browser.get(started.location as string);
  return browser.get(answered.location as string);
}

async function expectAccepted(origin: string): Promise<void> {
  const browser = new TestBrowser();
  const hop = await login(origin, browser);
  expect(hop.status).toBe(303);
  expect((await browser.get(`${origin}/me`)).status).toBe(200);
}

async function expectUnknownKey(testApp: TestApp): Promise<void> {
  const before = testApp.errors.length;
  const hop = await login(testApp.origin);
  expect(hop.body).toContain('data-code="token_validation_failed"');
  const error = testApp.errors[before];
  expect(error?.code).toBe('token_validation_failed');
  // Exactly our words: nothing from the token (its kid, its claims) is echoed.
  expect(error?.message).toBe(`the response from mojeID failed validation: ${UNKNOWN_KEY}`);
}

describe('a login meeting a new signing key', () => {
  it('succeeds at once, after one JWKS request, with the cached keys only seconds old', async () => {
    const testApp = await startTheApp();
    await expectAccepted(testApp.origin);
    expect(jwksRequests()).toBe(1);
    await provider.rotateKey();
    await expectAccepted(testApp.origin);
    expect(jwksRequests()).toBe(2);
    // The new keys are kept: later logins ask for nothing.
    await expectAccepted(testApp.origin);
    await expectAccepted(testApp.origin);
    expect(jwksRequests()).toBe(2);
  });

  it('costs one JWKS request for 10 logins that meet it together', async () => {
    const testApp = await startTheApp();
    await expectAccepted(testApp.origin);
    await provider.rotateKey();
    provider.behave({ tokenBarrier: 10 });
    await Promise.all(Array.from({ length: 10 }, () => expectAccepted(testApp.origin)));
    expect(jwksRequests()).toBe(2);
  });

  it('fails clearly when mojeID does not publish the key, after one JWKS request', async () => {
    const testApp = await startTheApp();
    await expectAccepted(testApp.origin);
    provider.behave({ signing: 'unknown-key' });
    await expectUnknownKey(testApp);
    expect(jwksRequests()).toBe(2);
  });

  it('makes no JWKS request for tokens signed with a known key', async () => {
    const clock = fakeClock();
    const testApp = await startTheApp();
    await expectAccepted(testApp.origin);
    await Promise.all(Array.from({ length: 5 }, () => expectAccepted(testApp.origin)));
    // Past the minute after which an unknown key would be fetched: a known one still is not.
    clock.advanceTo(seconds(90));
    await expectAccepted(testApp.origin);
    expect(jwksRequests()).toBe(1);
  });
});

describe('ID tokens naming unknown keys, one after another', () => {
  it('cost mojeID at most one JWKS request a minute, and every such login fails clearly', async () => {
    const clock = fakeClock();
    const testApp = await startTheApp();
    await expectAccepted(testApp.origin);
    provider.behave({ signing: 'random-kid' });
    const flood = async (): Promise<void> => {
      for (let i = 0; i < 3; i += 1) await expectUnknownKey(testApp);
      await Promise.all(Array.from({ length: 5 }, () => expectUnknownKey(testApp)));
    };
    await flood();
    expect(jwksRequests()).toBe(2);
    clock.advanceTo(seconds(30));
    await flood();
    clock.advanceTo(seconds(59));
    await flood();
    expect(jwksRequests()).toBe(2);
    clock.advanceTo(seconds(61));
    await flood();
    expect(jwksRequests()).toBe(3);
    clock.advanceTo(seconds(100));
    await flood();
    expect(jwksRequests()).toBe(3);
  });

  it('delay a real rotation by at most that minute', async () => {
    const clock = fakeClock();
    const testApp = await startTheApp();
    await expectAccepted(testApp.origin);
    provider.behave({ signing: 'random-kid' });
    await expectUnknownKey(testApp);
    await provider.rotateKey();
    provider.behave({});
    clock.advanceTo(seconds(30));
    // The keys were fetched 30 s ago: not again yet.
    expect((await login(testApp.origin)).body).toContain('data-code="token_validation_failed"');
    expect(jwksRequests()).toBe(2);
    clock.advanceTo(seconds(61));
    await expectAccepted(testApp.origin);
    expect(jwksRequests()).toBe(3);
  });
});

describe('across configurations (credentials renewed meanwhile)', () => {
  /** Same values, new object: a renewal as `ProviderClient` sees it, which mojeID still accepts. */
  function renewingSource(): CredentialSource & { renew(): void } {
    let current: ClientCredentials = { clientId: provider.clientId, clientSecret: provider.clientSecret };
    return {
      ready: Promise.resolve(),
      current: () => current,
      refresh: () => Promise.resolve(),
      renew() {
        current = { ...current };
      },
    };
  }

  async function codeGrant(client: ProviderClient, redirectUri: string): Promise<unknown> {
    const configuration = await client.configurationForCallback();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const authorization = oidc.buildAuthorizationUrl(configuration, { redirect_uri: redirectUri, scope: 'openid', state, nonce });
    const answer = await fetch(authorization, { redirect: 'manual' });
    const callback = new URL(answer.headers.get('location') as string);
    try {
      await oidc.authorizationCodeGrant(configuration, callback, { expectedState: state, expectedNonce: nonce, idTokenExpected: true });
      return undefined;
    } catch (error) {
      return error;
    }
  }

  it('a new configuration does not buy another JWKS request within the minute', async () => {
    const source = renewingSource();
    const config = resolveConfig({ issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, baseUrl: 'http://127.0.0.1:3000', useEnvironment: false });
    const client = new ProviderClient(config, { credentials: source });
    const first = await client.configuration();
    provider.behave({ signing: 'random-kid' });
    expect(toMojeIdError(await codeGrant(client, config.redirectUri), 'token').message).toContain(UNKNOWN_KEY);
    expect(jwksRequests()).toBe(2);
    source.renew();
    // Its keys, copied from the first, look old enough to oauth4webapi to be fetched again at once.
    expect(await client.configuration()).not.toBe(first);
    const error = toMojeIdError(await codeGrant(client, config.redirectUri), 'token');
    expect(error.code).toBe('token_validation_failed');
    expect(error.message).toContain(UNKNOWN_KEY);
    expect(jwksRequests()).toBe(2);
  });
});

describe('gateJwksRefetches', () => {
  let clock: number;
  let jwksUri: string;
  let gated: oidc.CustomFetch;
  const get = (url: string): Promise<Response> => gated(url, { method: 'GET', headers: { accept: 'application/json' }, body: undefined, redirect: 'manual' });

  beforeEach(() => {
    clock = 1_000_000;
    jwksUri = `${provider.issuer}key.jwk`;
    gated = gateJwksRefetches(nodeHttpFetch(), () => jwksUri, () => clock);
  });

  it('sends concurrent requests as one, each caller with a response of its own', async () => {
    const responses = await Promise.all(Array.from({ length: 10 }, () => get(jwksUri)));
    expect(jwksRequests()).toBe(1);
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<{ keys: Array<{ kid: string }> }>));
    expect(new Set(bodies.map((b) => b.keys[0]?.kid))).toEqual(new Set(['key-1']));
    expect(responses.every((r) => r.status === 200 && r.headers.get('content-type') === 'application/json')).toBe(true);
  });

  it('answers again from the last request until the interval is over', async () => {
    await get(jwksUri);
    await provider.rotateKey();
    clock += JWKS_REFETCH_INTERVAL_MS - 1;
    const replayed = (await (await get(jwksUri)).json()) as { keys: Array<{ kid: string }> };
    expect(replayed.keys.map((k) => k.kid)).toEqual(['key-1']);
    expect(jwksRequests()).toBe(1);
    clock += 1;
    const fetched = (await (await get(jwksUri)).json()) as { keys: Array<{ kid: string }> };
    expect(fetched.keys.map((k) => k.kid)).toEqual(['key-2']);
    expect(jwksRequests()).toBe(2);
  });

  it('holds a failed request only briefly', async () => {
    provider.behave({ down: { jwks: true } });
    expect((await get(jwksUri)).status).toBe(503);
    clock += JWKS_REFETCH_FAILURE_HOLD_MS - 1;
    expect((await get(jwksUri)).status).toBe(503);
    expect(jwksRequests()).toBe(1);
    provider.behave({});
    clock += 1;
    expect((await get(jwksUri)).status).toBe(200);
    expect(jwksRequests()).toBe(2);
  });

  it('shares a request that failed to connect with the callers waiting for it', async () => {
    jwksUri = 'http://127.0.0.1:1/keys';
    const outcomes = await Promise.allSettled(Array.from({ length: 3 }, () => get(jwksUri)));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    const reasons = new Set(outcomes.map((o) => (o as PromiseRejectedResult).reason as unknown));
    expect(reasons.size).toBe(1);
  });

  it('lets every other request through', async () => {
    const discovery = `${provider.issuer}.well-known/openid-configuration`;
    await Promise.all([get(discovery), get(discovery)]);
    expect(provider.counts['/oidc/.well-known/openid-configuration']).toBe(2);
    await Promise.all([gated(jwksUri, { method: 'HEAD', headers: {}, body: undefined, redirect: 'manual' }), get(jwksUri), get(jwksUri)]);
    expect(jwksRequests()).toBe(2);
  });
});
