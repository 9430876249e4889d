/**
 * Shared set-up for the simulator tests: a simulator with a few clients, and an openid-client
 * code flow (PKCE S256 + state + nonce) through `loginThroughSimulator`.
 */
import * as client from 'openid-client';
import {
  CookieJar,
  loginThroughSimulator,
  startSimulator,
  type LoginThroughSimulatorOptions,
  type RunningSimulator,
  type SimulatorClient,
  type SimulatorOptions,
} from 'mojeid-simulator';

/** Never contacted: the driver stops at the first redirect away from the simulator. */
export const REDIRECT_URI = 'http://127.0.0.1:1/callback';

export const BASIC_CLIENT: SimulatorClient = {
  client_id: 'basicClient1',
  client_secret: 'basic-secret-0123456789',
  redirect_uris: [REDIRECT_URI],
  client_name: 'Testovací e-shop <b>&</b>',
};

export const POST_CLIENT: SimulatorClient = {
  client_id: 'postClient01',
  client_secret: 'post-secret-0123456789',
  redirect_uris: [REDIRECT_URI],
  token_endpoint_auth_method: 'client_secret_post',
};

export const PARTIAL_ACCESS_CLIENT: SimulatorClient = {
  client_id: 'partialAcc01',
  client_secret: 'partial-secret-0123456789',
  redirect_uris: [REDIRECT_URI],
  full_access: false,
};

export function startTestSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ clients: [BASIC_CLIENT, POST_CLIENT, PARTIAL_ACCESS_CLIENT], ...options });
}

export async function discover(sim: RunningSimulator, c: SimulatorClient = BASIC_CLIENT): Promise<client.Configuration> {
  const auth = c.token_endpoint_auth_method === 'client_secret_post' ? client.ClientSecretPost(c.client_secret) : client.ClientSecretBasic(c.client_secret);
  return client.discovery(new URL(sim.issuer), c.client_id, undefined, auth, { execute: [client.allowInsecureRequests] });
}

export interface StartedLogin {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

/** An authorization URL with PKCE S256, state and nonce, plus `params` (scope, claims, ...). */
export async function authorizationRequest(config: client.Configuration, params: Record<string, string> = {}): Promise<StartedLogin> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  });
  return { url, verifier, state, nonce };
}

export interface FlowResult {
  callback: URL;
  idToken: client.IDToken;
  userinfo: Record<string, unknown>;
  accessToken: string;
}

/** Authorization request, login through the simulator, token request, UserInfo. */
export async function codeFlow(
  config: client.Configuration,
  params: Record<string, string>,
  login: LoginThroughSimulatorOptions,
): Promise<FlowResult> {
  const started = await authorizationRequest(config, params);
  const callback = await loginThroughSimulator(started.url.href, login);
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: started.verifier,
    expectedState: started.state,
    expectedNonce: started.nonce,
    idTokenExpected: true,
  });
  const idToken = tokens.claims();
  if (!idToken) throw new Error('no ID token');
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, idToken.sub);
  return { callback, idToken, userinfo: { ...userinfo }, accessToken: tokens.access_token };
}

/** The `claims` request parameter asking for `names` in the ID token (§5.1.6). */
export function idTokenClaims(...names: string[]): string {
  return JSON.stringify({ id_token: Object.fromEntries(names.map((n) => [n, null])) });
}

/** The `claims` request parameter asking for `names` from UserInfo (§5.1.6). */
export function userinfoClaims(...names: string[]): string {
  return JSON.stringify({ userinfo: Object.fromEntries(names.map((n) => [n, null])) });
}

export interface Fetched {
  status: number;
  location: string | null;
  headers: Headers;
  html: string;
}

/** One request as a browser would send it, keeping cookies in `jar`; no redirects followed. */
export async function browserRequest(jar: CookieJar, url: string | URL, form?: URLSearchParams): Promise<Fetched> {
  const headers: Record<string, string> = { accept: 'text/html' };
  const cookie = jar.header(url);
  if (cookie) headers['cookie'] = cookie;
  const response = await fetch(url, { method: form ? 'POST' : 'GET', headers, body: form, redirect: 'manual' });
  jar.store(url, response.headers.getSetCookie());
  return { status: response.status, location: response.headers.get('location'), headers: response.headers, html: await response.text() };
}

/** Follow redirects within `origin` until a page is shown; returns the page and its URL. */
export async function followToPage(jar: CookieJar, start: string | URL, origin: string): Promise<Fetched & { url: URL }> {
  let url = new URL(start);
  for (let i = 0; i < 10; i += 1) {
    const fetched = await browserRequest(jar, url);
    if (!fetched.location) return { ...fetched, url };
    url = new URL(fetched.location, url);
    if (url.origin !== origin) throw new Error(`left the simulator for ${url.href}`);
  }
  throw new Error('too many redirects');
}
