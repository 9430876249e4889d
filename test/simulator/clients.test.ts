/**
 * Token endpoint client authentication exactly as registered (field notes, Appendix 6.6),
 * dynamic registration (§5.1.3) and clients added at run time.
 */
import * as client from 'openid-client';
import { loginThroughSimulator, startSimulator, type RunningSimulator } from 'mojeid-simulator';
import { BASIC_CLIENT, POST_CLIENT, REDIRECT_URI, authorizationRequest, codeFlow, discover, startTestSimulator, userinfoClaims } from './helpers.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(async () => {
  await sim.close();
});

/** A fresh authorization code for `clientId` (PKCE left out: mojeID does not require it). */
async function codeFor(config: client.Configuration): Promise<string> {
  const { url } = await authorizationRequest(config, { scope: 'openid' });
  url.searchParams.delete('code_challenge');
  url.searchParams.delete('code_challenge_method');
  const callback = await loginThroughSimulator(url, { account: 'partial' });
  return callback.searchParams.get('code') as string;
}

async function tokenRequest(headers: Record<string, string>, form: Record<string, string>): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(`${sim.issuer}token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
    body: new URLSearchParams(form),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

describe('token endpoint client authentication', () => {
  it('a client_secret_post client logs in with client_secret_post', async () => {
    const { idToken } = await codeFlow(await discover(sim, POST_CLIENT), { scope: 'openid' }, { account: 'business' });
    expect(idToken.aud).toBe(POST_CLIENT.client_id);
  });

  it('a client_secret_post client using client_secret_basic is refused: unauthorized_client (Appendix 6.6)', async () => {
    const code = await codeFor(await discover(sim, POST_CLIENT));
    const answer = await tokenRequest(
      { authorization: basic(POST_CLIENT.client_id, POST_CLIENT.client_secret) },
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
    );
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: 'unauthorized_client', error_description: 'Failed to verify client due to: Wrong authentication method used' });
    expect(answer.headers.get('www-authenticate')).toBeNull();

    // Refused before the code was used: the registered method still redeems it.
    const retry = await tokenRequest(
      {},
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: POST_CLIENT.client_id, client_secret: POST_CLIENT.client_secret },
    );
    expect(retry.status).toBe(200);
    expect(retry.body['id_token']).toEqual(expect.any(String));
  });

  it('openid-client sees the refusal as an OAuth error response', async () => {
    const wrongMethod = await client.discovery(new URL(sim.issuer), POST_CLIENT.client_id, undefined, client.ClientSecretBasic(POST_CLIENT.client_secret), {
      execute: [client.allowInsecureRequests],
    });
    const started = await authorizationRequest(wrongMethod, { scope: 'openid' });
    const callback = await loginThroughSimulator(started.url, { account: 'partial' });
    const failure = client.authorizationCodeGrant(wrongMethod, callback, {
      pkceCodeVerifier: started.verifier,
      expectedState: started.state,
      expectedNonce: started.nonce,
    });
    await expect(failure).rejects.toBeInstanceOf(client.ResponseBodyError);
    await expect(failure).rejects.toMatchObject({ error: 'unauthorized_client', status: 401 });
  });

  it('a client_secret_basic client using client_secret_post is refused', async () => {
    const code = await codeFor(await discover(sim, BASIC_CLIENT));
    const answer = await tokenRequest(
      {},
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: BASIC_CLIENT.client_id, client_secret: BASIC_CLIENT.client_secret },
    );
    expect(answer.body).toMatchObject({ error: 'unauthorized_client', error_description: 'Failed to verify client due to: Wrong authentication method used' });
  });

  it('a wrong secret is refused with unauthorized_client', async () => {
    const code = await codeFor(await discover(sim, BASIC_CLIENT));
    const answer = await tokenRequest(
      { authorization: basic(BASIC_CLIENT.client_id, 'not-the-secret') },
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
    );
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: 'unauthorized_client', error_description: 'Failed to verify client due to: invalid secret provided' });
    expect(answer.headers.get('www-authenticate')).toBeNull();
  });

  it('an authorization code works once', async () => {
    const code = await codeFor(await discover(sim, BASIC_CLIENT));
    const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI };
    const auth = { authorization: basic(BASIC_CLIENT.client_id, BASIC_CLIENT.client_secret) };
    expect((await tokenRequest(auth, form)).status).toBe(200);
    expect((await tokenRequest(auth, form)).body['error']).toBe('invalid_grant');
  });
});

describe('dynamic registration (§5.1.3)', () => {
  it('registers a client without an initial access token, as in the manual example', async () => {
    const response = await fetch(`${sim.issuer}registration/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        application_type: 'web',
        redirect_uris: [REDIRECT_URI],
        client_name: 'Název služby',
        token_endpoint_auth_method: 'client_secret_post',
      }),
    });
    expect(response.status).toBe(201);
    const registered = (await response.json()) as Record<string, unknown>;
    // §8.3: a combination of 12 characters (lower- and uppercase letters and digits).
    expect(registered['client_id']).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(registered).toMatchObject({
      client_secret: expect.any(String),
      registration_access_token: expect.any(String),
      registration_client_uri: `${sim.issuer}registration/?client_id=${registered['client_id'] as string}`,
      token_endpoint_auth_method: 'client_secret_post',
      client_name: 'Název služby',
    });
    // The registration expires after 24 hours (§5.1.3).
    const expiresIn = (registered['client_secret_expires_at'] as number) - Date.now() / 1000;
    expect(expiresIn).toBeGreaterThan(24 * 3600 - 60);
    expect(expiresIn).toBeLessThanOrEqual(24 * 3600);

    // Information about the registration: GET registration_client_uri with the access token.
    const read = await fetch(registered['registration_client_uri'] as string, {
      headers: { authorization: `Bearer ${registered['registration_access_token'] as string}`, accept: 'application/json' },
    });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ client_id: registered['client_id'], client_name: 'Název služby', client_secret_expires_at: registered['client_secret_expires_at'] });

    // The new client logs in; without full access it never gets the full-access-only claims.
    const config = await client.discovery(
      new URL(sim.issuer),
      registered['client_id'] as string,
      undefined,
      client.ClientSecretPost(registered['client_secret'] as string),
      { execute: [client.allowInsecureRequests] },
    );
    const { userinfo } = await codeFlow(config, { scope: 'openid', claims: userinfoClaims('mojeid_valid', 'mojeid_is_adult') }, { account: 'nia-high' });
    expect(userinfo).toEqual({ sub: '248289761002', mojeid_is_adult: 'true' });
  });
});

describe('pairwise subjects (production advertises subject_types_supported public and pairwise)', () => {
  async function registered(redirectUri: string): Promise<client.Configuration> {
    const response = await fetch(`${sim.issuer}registration/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ redirect_uris: [redirectUri], subject_type: 'pairwise', token_endpoint_auth_method: 'client_secret_basic' }),
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body['subject_type']).toBe('pairwise');
    return client.discovery(new URL(sim.issuer), body['client_id'] as string, undefined, client.ClientSecretBasic(body['client_secret'] as string), {
      execute: [client.allowInsecureRequests],
    });
  }

  it('gives a pairwise client its own sub, the same in ID token and UserInfo and for every client of the same host', async () => {
    const first = await registered(REDIRECT_URI);
    const sameHost = await registered(REDIRECT_URI);
    const { idToken, userinfo } = await codeFlow(first, { scope: 'openid' }, { account: 'nia-high' });
    expect(idToken.sub).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(idToken.sub).not.toBe('248289761002');
    expect(userinfo['sub']).toBe(idToken.sub);
    expect((await codeFlow(sameHost, { scope: 'openid' }, { account: 'nia-high' })).idToken.sub).toBe(idToken.sub);
    expect((await codeFlow(first, { scope: 'openid' }, { account: 'partial' })).idToken.sub).not.toBe(idToken.sub);
  });
});

describe('clients', () => {
  it('can be added while the simulator runs', async () => {
    const extra = { client_id: 'addedLater01', client_secret: 'added-secret-0123456789', redirect_uris: [REDIRECT_URI] };
    sim.addClient(extra);
    const { idToken } = await codeFlow(await discover(sim, extra), { scope: 'openid' }, { account: 'partial' });
    expect(idToken.aud).toBe('addedLater01');
  });

  it('are checked when added', async () => {
    expect(() => sim.addClient({ client_id: '', client_secret: 'x', redirect_uris: [REDIRECT_URI] })).toThrow(TypeError);
    expect(() => sim.addClient({ client_id: 'x', client_secret: 'x', redirect_uris: ['not a url'] })).toThrow(/redirect URI/);
    await expect(startSimulator({ clients: [{ client_id: 'bad', client_secret: 's', redirect_uris: [] }] })).rejects.toThrow(/redirect_uris/);
  });

  it('an unregistered redirect_uri gets an error page, not a redirect', async () => {
    const config = await discover(sim);
    const url = client.buildAuthorizationUrl(config, { redirect_uri: 'http://127.0.0.1:2/elsewhere', scope: 'openid' });
    const response = await fetch(url, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('<main data-step="error">');
    expect(html).toContain('redirect_uri');
    await expect(loginThroughSimulator(url, { account: 'partial' })).rejects.toThrow(/unexpected page/);
  });
});
