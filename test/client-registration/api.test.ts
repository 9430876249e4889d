/**
 * The client registration API (§5.1.3) against the simulator over real HTTP, and against small
 * servers that misbehave: registration, reading, Registration Change by POST, secret rotation,
 * expiry, and the errors a person can act on (Appendix 6.6).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ClientRegistrationError,
  ConfigurationError,
  ProviderUnavailableError,
  RegistrationChangeRefusedError,
  clientSecretExpiresAt,
  clientSecretExpiresIn,
  clientSecretNeedsRenewal,
  isClientSecretExpired,
  readClientRegistration,
  registerClient,
  rotateClientSecret,
  updateClientRegistration,
  type ClientRegistration,
} from '../../src/index.js';
import { fetchProviderMetadata, webfingerIssuer } from '../../src/client-registration/discovery.js';
import { startSimulator, type RunningSimulator } from 'mojeid-simulator';
import { tokenEndpointVerdict } from './helpers.js';

const REDIRECT_URI = 'http://127.0.0.1:1/auth/mojeid/callback';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});

function register(extra: Partial<Parameters<typeof registerClient>[0]> = {}): Promise<ClientRegistration> {
  return registerClient({ redirect_uris: [REDIRECT_URI], ...extra }, { issuer: sim.issuer });
}

/** A fetch that counts requests, to prove a refusal happened before anything was sent. */
function countingFetch(): { fetch: typeof fetch; count: () => number } {
  let count = 0;
  return {
    fetch: (input, init) => {
      count += 1;
      return fetch(input, init);
    },
    count: () => count,
  };
}

describe('registerClient (§5.1.3 automatic registration)', () => {
  it('registers for pairwise subjects, which production advertises, and refuses another subject type before sending', async () => {
    const registration = await register({ subject_type: 'pairwise' });
    expect(registration.subject_type).toBe('pairwise');
    const counting = countingFetch();
    await expect(
      registerClient({ redirect_uris: [REDIRECT_URI], subject_type: 'per-user' as 'pairwise' }, { issuer: sim.issuer, fetch: counting.fetch }),
    ).rejects.toThrow(/subject_type.*expected public or pairwise/);
    expect(counting.count()).toBe(0);
  });

  it('registers with the metadata of the manual and §4.4.1 / §6.2, and answers a typed registration', async () => {
    const registration = await register({
      client_name: 'Testovací e-shop',
      logo_uri: 'https://shop.example.cz/favicon.png',
      client_uri: 'https://shop.example.cz/',
      policy_uri: 'https://shop.example.cz/privacy',
      token_endpoint_auth_method: 'client_secret_post',
      assertion_uris: ['https://shop.example.cz/auth/mojeid/notify'],
    });
    expect(registration).toMatchObject({
      client_id: expect.stringMatching(/^[A-Za-z0-9]{12}$/),
      client_secret: expect.any(String),
      registration_access_token: expect.any(String),
      registration_client_uri: `${sim.issuer}registration/?client_id=${registration.client_id}`,
      redirect_uris: [REDIRECT_URI],
      client_name: 'Testovací e-shop',
      logo_uri: 'https://shop.example.cz/favicon.png',
      client_uri: 'https://shop.example.cz/',
      policy_uri: 'https://shop.example.cz/privacy',
      token_endpoint_auth_method: 'client_secret_post',
      assertion_uris: ['https://shop.example.cz/auth/mojeid/notify'],
      application_type: 'web',
    });
    expect(registration.other['grant_types']).toEqual(['authorization_code', 'refresh_token']);
    // 24 hours (§5.1.3).
    expect(clientSecretExpiresIn(registration)).toBeGreaterThan(24 * 3600 - 60);
    expect(clientSecretExpiresIn(registration)).toBeLessThanOrEqual(24 * 3600);
  });

  it('refuses, before sending anything, metadata mojeID would refuse', async () => {
    const counting = countingFetch();
    const attempt = registerClient(
      { redirect_uris: ['http://shop.example.cz/callback', 'not a url'], logo_uri: 'ftp://x/logo.png', token_endpoint_auth_method: 'none' as 'client_secret_post' },
      { issuer: sim.issuer, fetch: counting.fetch },
    );
    await expect(attempt).rejects.toBeInstanceOf(ConfigurationError);
    const issues = ((await attempt.catch((e: unknown) => e)) as ConfigurationError).issues.map((i) => i.option);
    expect(issues).toEqual(['redirect_uris', 'redirect_uris', 'logo_uri', 'token_endpoint_auth_method']);
    await expect(registerClient({ redirect_uris: [] }, { issuer: sim.issuer })).rejects.toThrow(/non-empty list/);
    expect(counting.count()).toBe(0);
  });

  it('needs an environment or an issuer, and talks https only (plain http on loopback)', async () => {
    await expect(registerClient({ redirect_uris: [REDIRECT_URI] }, {})).rejects.toThrow(/MOJEID_ENV.*not set/);
    await expect(registerClient({ redirect_uris: [REDIRECT_URI] }, { issuer: 'http://mojeid.example/oidc/' })).rejects.toThrow(/must use https/);
  });
});

describe('the configuration endpoint (§5.1.3)', () => {
  it('reads the registration with the registration access token', async () => {
    const registration = await register({ client_name: 'Reader' });
    const read = await readClientRegistration(registration, { issuer: sim.issuer });
    expect(read).toMatchObject({ client_id: registration.client_id, client_name: 'Reader', client_secret_expires_at: registration.client_secret_expires_at });
  });

  it('explains a refused registration access token, without echoing it', async () => {
    const registration = await register();
    const wrong = { ...registration, registration_access_token: 'not-the-token-0123456789' };
    const failure = (await readClientRegistration(wrong, { issuer: sim.issuer }).catch((e: unknown) => e)) as ClientRegistrationError;
    expect(failure).toBeInstanceOf(ClientRegistrationError);
    expect(failure).toMatchObject({ code: 'client_registration_failed', providerError: 'invalid_token', httpStatus: 401 });
    expect(failure.message).toMatch(/registration access token was refused/);
    expect(failure.message).not.toContain('not-the-token-0123456789');
  });

  it('changes members by POST and keeps the others (Registration Change)', async () => {
    const registration = await register({ client_name: 'Before', assertion_uris: ['https://shop.example.cz/notify'] });
    const changed = await updateClientRegistration(registration, { logo_uri: 'https://client.example.org/another-logo.png', policy_uri: 'https://client.example.org/policy-page' }, { issuer: sim.issuer });
    expect(changed).toMatchObject({
      client_name: 'Before',
      logo_uri: 'https://client.example.org/another-logo.png',
      policy_uri: 'https://client.example.org/policy-page',
      assertion_uris: ['https://shop.example.cz/notify'],
      client_secret: registration.client_secret,
      client_secret_expires_at: registration.client_secret_expires_at,
    });
    expect((await readClientRegistration(registration, { issuer: sim.issuer })).logo_uri).toBe('https://client.example.org/another-logo.png');
  });

  it('refuses locally to change redirect_uris or client_id, and to set the secret', async () => {
    const registration = await register();
    const counting = countingFetch();
    const options = { issuer: sim.issuer, fetch: counting.fetch };
    const changes = { redirect_uris: ['https://elsewhere.example/cb'] } as unknown as Parameters<typeof updateClientRegistration>[1];
    const refused = (await updateClientRegistration(registration, changes, options).catch((e: unknown) => e)) as RegistrationChangeRefusedError;
    expect(refused).toBeInstanceOf(RegistrationChangeRefusedError);
    expect(refused).toMatchObject({ code: 'registration_change_refused', fields: ['redirect_uris'] });
    expect(refused.message).toMatch(/cannot be changed after registration \(§5\.1\.3\).*register a new client/);
    await expect(updateClientRegistration(registration, { client_id: 'other' } as never, options)).rejects.toMatchObject({ fields: ['client_id'] });
    await expect(updateClientRegistration(registration, { client_secret: 'mine' } as never, options)).rejects.toThrow(/rotateClientSecret/);
    await expect(updateClientRegistration(registration, {}, options)).rejects.toThrow(/nothing to change/);
    expect(counting.count()).toBe(0);
  });

  it('sends the registration access token nowhere without an issuer or environment to check the URI against', async () => {
    const registration = await register();
    let received = 0;
    const counter = http.createServer((_req, res) => {
      received += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ client_id: registration.client_id, client_secret_expires_at: 0 }));
    });
    await new Promise<void>((resolve) => counter.listen(0, '127.0.0.1', resolve));
    try {
      const counterOrigin = `http://127.0.0.1:${(counter.address() as AddressInfo).port}`;
      const elsewhere = { ...registration, registration_client_uri: `${counterOrigin}/oidc/registration/?client_id=${registration.client_id}` };
      await expect(readClientRegistration(elsewhere)).rejects.toThrow(new RegExp(`say which mojeID .* before it goes to ${counterOrigin}`));
      await expect(rotateClientSecret(elsewhere)).rejects.toBeInstanceOf(ConfigurationError);
      await expect(updateClientRegistration(elsewhere, { client_name: 'x' })).rejects.toBeInstanceOf(ConfigurationError);
      // With an issuer, another origin is named next to the issuer's, and refused too.
      const refused = (await readClientRegistration(elsewhere, { issuer: sim.issuer }).catch((e: unknown) => e)) as ConfigurationError;
      expect(refused.message).toContain(new URL(sim.issuer).origin);
      expect(refused.message).toContain(counterOrigin);
      // mojeID itself: only under its registration endpoint.
      const offPath = { ...registration, registration_client_uri: 'https://mojeid.cz/oidc/other/?client_id=x' };
      await expect(readClientRegistration(offPath, { environment: 'production' })).rejects.toThrow(/under mojeID's registration endpoint https:\/\/mojeid\.cz\/oidc\/registration\//);
      expect(received).toBe(0);
    } finally {
      await new Promise((resolve) => counter.close(resolve));
    }
  });

  it('sends the registration access token only to the issuer, over https', async () => {
    const registration = await register();
    const counting = countingFetch();
    const elsewhere = { ...registration, registration_client_uri: 'https://attacker.example/oidc/registration/?client_id=x' };
    await expect(readClientRegistration(elsewhere, { issuer: sim.issuer, fetch: counting.fetch })).rejects.toThrow(/must be on the issuer's origin/);
    const plain = { ...registration, registration_client_uri: 'http://mojeid.example/oidc/registration/?client_id=x' };
    await expect(readClientRegistration(plain, { fetch: counting.fetch })).rejects.toThrow(/must use https/);
    expect(counting.count()).toBe(0);
  });

  it('rotates the secret with {"client_secret": null}: a new secret and lifetime, the old one refused', async () => {
    const registration = await register();
    expect((await tokenEndpointVerdict(sim.issuer, registration.client_id, registration.client_secret as string)).accepted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // so the new expiry is visibly later
    const rotated = await rotateClientSecret(registration, { issuer: sim.issuer });
    expect(rotated.client_secret).toEqual(expect.any(String));
    expect(rotated.client_secret).not.toBe(registration.client_secret);
    expect(rotated.client_secret_expires_at).toBeGreaterThan(registration.client_secret_expires_at);
    expect(rotated.registration_access_token).toBe(registration.registration_access_token);
    expect((await tokenEndpointVerdict(sim.issuer, registration.client_id, registration.client_secret as string)).accepted).toBe(false);
    expect((await tokenEndpointVerdict(sim.issuer, registration.client_id, rotated.client_secret as string)).accepted).toBe(true);
  });
});

describe('the simulator, as mojeID answers (§5.1.3)', () => {
  async function post(uri: string, token: string | undefined, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(uri, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it("answers the manual's example change: a new secret, logo_uri and policy_uri", async () => {
    const r = await register();
    const answer = await post(r.registration_client_uri as string, r.registration_access_token, {
      client_secret: null,
      logo_uri: 'https://client.example.org/another-logo.png',
      policy_uri: 'https://client.example.org/policy-page',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      client_id: r.client_id,
      client_secret: expect.any(String),
      logo_uri: 'https://client.example.org/another-logo.png',
      policy_uri: 'https://client.example.org/policy-page',
      registration_access_token: r.registration_access_token,
      registration_client_uri: r.registration_client_uri,
    });
    expect(answer.body['client_secret']).not.toBe(r.client_secret);
  });

  it('refuses to change redirect_uris or client_id, and a missing or foreign token', async () => {
    const r = await register();
    const other = await register();
    const uri = r.registration_client_uri as string;
    expect(await post(uri, r.registration_access_token, { redirect_uris: ['https://elsewhere.example/cb'] })).toMatchObject({
      status: 400,
      body: { error: 'invalid_request', error_description: expect.stringMatching(/redirect_uris cannot be changed/) },
    });
    expect(await post(uri, r.registration_access_token, { client_id: other.client_id })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    // The same redirect_uris are no change.
    expect((await post(uri, r.registration_access_token, { redirect_uris: [REDIRECT_URI], client_name: 'Same' })).status).toBe(200);
    expect(await post(uri, undefined, { client_name: 'x' })).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
    expect(await post(uri, other.registration_access_token, { client_name: 'x' })).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
    // Nothing changed by the refused requests.
    expect((await readClientRegistration(r, { issuer: sim.issuer })).client_secret).toBe(r.client_secret);
  });

  it('keeps assertion_uris per client and refuses unusable ones (§6.2)', async () => {
    const r = await register({ assertion_uris: ['http://127.0.0.1:1/notify'] });
    expect((await readClientRegistration(r, { issuer: sim.issuer })).assertion_uris).toEqual(['http://127.0.0.1:1/notify']);
    expect(await post(r.registration_client_uri as string, r.registration_access_token, { assertion_uris: ['not a url'] })).toMatchObject({
      status: 400,
      body: { error: 'invalid_client_metadata', error_description: expect.stringMatching(/assertion_uris/) },
    });
  });

  it('refuses an expired secret at the token endpoint with unauthorized_client', async () => {
    const shortLived = await startSimulator({ dynamicClientLifetime: 1 });
    try {
      const r = await registerClient({ redirect_uris: [REDIRECT_URI] }, { issuer: shortLived.issuer });
      expect(r.client_secret_expires_at - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(1);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      expect(isClientSecretExpired(r)).toBe(true);
      const verdict = await tokenEndpointVerdict(shortLived.issuer, r.client_id, r.client_secret as string);
      expect(verdict).toMatchObject({ accepted: false, error: 'unauthorized_client', description: expect.stringMatching(/expired/) });
      // Renewal after expiry still works with the registration access token, and the new secret does.
      const renewed = await rotateClientSecret(r, { issuer: shortLived.issuer });
      expect((await tokenEndpointVerdict(shortLived.issuer, r.client_id, renewed.client_secret as string)).accepted).toBe(true);
    } finally {
      await shortLived.close();
    }
  });

  it('checks its lifetime option', async () => {
    await expect(startSimulator({ dynamicClientLifetime: 0 })).rejects.toThrow(/dynamicClientLifetime/);
  });
});

describe('errors from servers that are not mojeID', () => {
  let server: http.Server;
  let origin: string;
  let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  beforeAll(async () => {
    server = http.createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const access = (): { registration_client_uri: string; registration_access_token: string } => ({
    registration_client_uri: `${origin}/oidc/registration/?client_id=abc`,
    registration_access_token: 'secret-token-value',
  });

  it('maps Appendix 6.6 errors to a message that says what to check', async () => {
    handler = (_req, res) => void res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_request', error_description: 'redirect_uris missing' }));
    const failure = (await readClientRegistration(access(), { issuer: `${origin}/oidc/` }).catch((e: unknown) => e)) as ClientRegistrationError;
    expect(failure).toMatchObject({ providerError: 'invalid_request', providerDescription: 'redirect_uris missing', httpStatus: 400 });
    expect(failure.message).toMatch(/HTTP 400 \(invalid_request\)\. Appendix 6\.6: missing required parameters/);
    handler = (_req, res) => void res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unauthorized_client' }));
    await expect(readClientRegistration(access(), { issuer: `${origin}/oidc/` })).rejects.toThrow(/wrong client_id, wrong client_secret/);
    handler = (_req, res) => void res.writeHead(403).end('Forbidden');
    await expect(readClientRegistration(access(), { issuer: `${origin}/oidc/` })).rejects.toThrow(/HTTP 403 \(no JSON error\).*consumer admin/);
  });

  it('does not follow redirects with the token, and says why a redirect is a problem', async () => {
    handler = (_req, res) => void res.writeHead(301, { location: `${origin}/oidc/registration/?client_id=abc&x` }).end();
    await expect(readClientRegistration(access(), { issuer: `${origin}/oidc/` })).rejects.toThrow(/HTTP 301 redirecting to .*use the exact URL/);
  });

  it('gives up after the timeout', async () => {
    handler = () => undefined; // never answers
    const started = Date.now();
    await expect(readClientRegistration(access(), { issuer: `${origin}/oidc/`, timeout: 1 })).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses oversized answers (512 KiB cap)', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"client_id":"abc","x":"${'a'.repeat(600 * 1024)}"}`);
    };
    await expect(readClientRegistration(access(), { issuer: `${origin}/oidc/` })).rejects.toThrow(/larger than 524288 bytes/);
  });

  it('refuses an answer for another client', async () => {
    handler = (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ client_id: 'zzz', client_secret_expires_at: 0 }));
    await expect(readClientRegistration(access(), { issuer: `${origin}/oidc/` })).rejects.toThrow(/answered for client zzz, not abc/);
  });

  it('checks that the discovery document names the issuer it was fetched for', async () => {
    handler = (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: 'https://mojeid.cz/oidc/' }));
    await expect(fetchProviderMetadata({ issuer: `${origin}/oidc/` })).rejects.toThrow(/names the issuer "https:\/\/mojeid.cz\/oidc\/"/);
  });
});

describe('discovery (§5.1.5)', () => {
  it('finds the issuer through WebFinger and reads its document', async () => {
    expect(await webfingerIssuer({ issuer: sim.issuer }, 'joe@mojeid.cz')).toBe(sim.issuer);
    const document = await fetchProviderMetadata({ issuer: sim.issuer });
    expect(document['registration_endpoint']).toBe(`${sim.issuer}registration/`);
  });
});

describe('expiry helpers (client_secret_expires_at, RFC 7591 §3.2.1)', () => {
  it('treat 0 as never and count seconds otherwise', () => {
    const now = Date.UTC(2025, 0, 1);
    const inAnHour = { client_secret_expires_at: now / 1000 + 3600 };
    expect(clientSecretExpiresAt({ client_secret_expires_at: 0 })).toBeUndefined();
    expect(clientSecretExpiresAt(inAnHour)?.getTime()).toBe(now + 3600_000);
    expect(clientSecretExpiresIn({ client_secret_expires_at: 0 }, now)).toBe(Infinity);
    expect(clientSecretExpiresIn(inAnHour, now)).toBe(3600);
    expect(isClientSecretExpired(inAnHour, now)).toBe(false);
    expect(isClientSecretExpired(inAnHour, now + 3600_000)).toBe(true);
    expect(clientSecretNeedsRenewal(inAnHour, 1800, now)).toBe(false);
    expect(clientSecretNeedsRenewal(inAnHour, 3600, now)).toBe(true);
    expect(clientSecretNeedsRenewal({ client_secret_expires_at: 0 }, 1e9, now)).toBe(false);
  });
});
