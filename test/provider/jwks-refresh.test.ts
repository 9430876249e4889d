/**
 * Single-flight JWKS refresh: openid-client drops a JWKS older than 300 s and every login that
 * notices fetches it anew; `configurationForCallback()` refreshes it a little earlier, once, for
 * all concurrent logins. Against the test provider, counting its JWKS requests.
 */
import { jest } from '@jest/globals';
import * as oidc from 'openid-client';
import { resolveConfig } from '../../src/config.js';
import { KEY_MISS_REFETCH_AGE_S, ProviderClient } from '../../src/provider.js';
import { startTestProvider, type TestProvider } from '../helpers/test-provider.js';

const JWKS = '/oidc/key.jwk';
let provider: TestProvider;
let offset: number;
let client: ProviderClient;
let redirectUri: string;

beforeEach(async () => {
  provider = await startTestProvider();
  offset = 0;
  const config = resolveConfig({
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    baseUrl: 'http://127.0.0.1:3000',
    useEnvironment: false,
  });
  redirectUri = config.redirectUri;
  client = new ProviderClient(config, { now: () => Date.now() + offset });
});

afterEach(async () => {
  jest.useRealTimers();
  await provider.close();
});

const jwksRequests = (): number => provider.counts[JWKS] ?? 0;
const seconds = (s: number): number => s * 1000;
const tenAtOnce = (): Promise<oidc.Configuration[]> => Promise.all(Array.from({ length: 10 }, () => client.configurationForCallback()));

it('fetches the JWKS once with discovery', async () => {
  await client.configuration();
  expect(jwksRequests()).toBe(1);
});

// 290 s by the date oauth4webapi is given, which is KEY_MISS_REFETCH_AGE_S before the fetch.
it('does not refresh a JWKS younger than 230 s', async () => {
  const discovered = await client.configuration();
  offset = seconds(225);
  const configurations = await tenAtOnce();
  expect(jwksRequests()).toBe(1);
  expect(new Set(configurations)).toEqual(new Set([discovered]));
});

it('refreshes an older JWKS with one request that concurrent logins share', async () => {
  const discovered = await client.configuration();
  offset = seconds(291);
  const configurations = await tenAtOnce();
  expect(jwksRequests()).toBe(2);
  const [refreshed] = configurations;
  expect(new Set(configurations).size).toBe(1);
  expect(refreshed).not.toBe(discovered);
  expect(oidc.getJwksCache(refreshed as oidc.Configuration)?.uat).toBe(Math.floor((Date.now() + offset) / 1000) - KEY_MISS_REFETCH_AGE_S);
  // Fresh again: later logins, and the start of a login, use it as it is.
  await tenAtOnce();
  expect(await client.configuration()).toBe(refreshed);
  expect(jwksRequests()).toBe(2);
});

it('lets the logins go on when the refresh fails, and does not retry it at once', async () => {
  const discovered = await client.configuration();
  provider.behave({ down: { jwks: true } });
  offset = seconds(291);
  expect(new Set(await tenAtOnce())).toEqual(new Set([discovered]));
  expect(jwksRequests()).toBe(2);
  await tenAtOnce();
  expect(jwksRequests()).toBe(2);
  // Later, and the JWKS back: refreshed.
  provider.behave({});
  offset = seconds(330);
  await tenAtOnce();
  expect(jwksRequests()).toBe(3);
});

describe('with openid-client verifying ID tokens', () => {
  /** One code exchange with ID token verification (the JWKS is needed), as the strategy does it. */
  async function login(): Promise<void> {
    const configuration = await client.configurationForCallback();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const authorization = oidc.buildAuthorizationUrl(configuration, { redirect_uri: redirectUri, scope: 'openid', state, nonce });
    const answer = await fetch(authorization, { redirect: 'manual' });
    const callback = new URL(answer.headers.get('location') as string);
    const tokens = await oidc.authorizationCodeGrant(configuration, callback, { expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    expect(tokens.claims()?.sub).toBe('Usr1234567ab');
  }

  it('uses the refreshed keys: no login fetches the JWKS itself once oauth4webapi would find the old set stale', async () => {
    // openid-client reads the real clock: move it (and only it) with ours.
    jest.useFakeTimers({ doNotFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask', 'hrtime', 'performance'] });
    const start = Date.now();
    await login();
    expect(jwksRequests()).toBe(1);
    jest.setSystemTime(start + seconds(291));
    await Promise.all([login(), login(), login()]);
    expect(jwksRequests()).toBe(2);
    // Past 300 s since the first set: openid-client would refetch it in every login that still held it.
    jest.setSystemTime(start + seconds(301));
    await Promise.all([login(), login(), login()]);
    expect(jwksRequests()).toBe(2);
  });
});
