/**
 * Discovery, JWKS and WebFinger look like mojeID's (field notes, §5.1.5, ch. 8.3).
 */
import { CLAIM_CATALOGUE } from '../../src/claims/catalogue.js';
import type { RunningSimulator } from 'mojeid-simulator';
import { BASIC_CLIENT, discover, startTestSimulator } from './helpers.js';

const NOT_ADVERTISED = ['code_challenge_methods_supported', 'end_session_endpoint', 'authorization_response_iss_parameter_supported'];

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(async () => {
  await sim.close();
});

async function json(url: string): Promise<{ status: number; type: string | null; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as Record<string, unknown> };
}

describe('the discovery document', () => {
  it('has the issuer with the trailing slash, like https://mojeid.cz/oidc/', () => {
    expect(sim.issuer).toBe(`${sim.origin}/oidc/`);
    expect(sim.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.logoutUrl).toBe(`${sim.origin}/logout/`);
  });

  it.each([
    ['the issuer path', '/oidc/.well-known/openid-configuration'],
    ['the root path the manual names (§8.3)', '/.well-known/openid-configuration/'],
    ['the root path without trailing slash', '/.well-known/openid-configuration'],
  ])('is served at %s', async (_name, path) => {
    const { status, type, body } = await json(`${sim.origin}${path}`);
    expect(status).toBe(200);
    expect(type).toMatch(/^application\/json/);
    expect(body['issuer']).toBe(sim.issuer);
    expect(body['authorization_endpoint']).toBe(`${sim.issuer}authorization/`);
    expect(body['token_endpoint']).toBe(`${sim.issuer}token/`);
    expect(body['userinfo_endpoint']).toBe(`${sim.issuer}userinfo/`);
    expect(body['registration_endpoint']).toBe(`${sim.issuer}registration/`);
    expect(body['jwks_uri']).toBe(`${sim.issuer}key.jwk`);
    for (const key of NOT_ADVERTISED) expect(body).not.toHaveProperty(key);
  });

  it("advertises production's claims, acr values, the mojeID scopes and the claims parameter", async () => {
    const { body } = await json(`${sim.issuer}.well-known/openid-configuration`);
    const claims = body['claims_supported'] as string[];
    expect(claims).toContain('sub');
    // Production spells Appendix 1's mojeid_url_twitter as mojeid_url_twiter (field notes).
    for (const definition of CLAIM_CATALOGUE.filter((d) => d.name !== 'mojeid_url_twitter')) expect(claims).toContain(definition.name);
    expect(claims).toContain('mojeid_url_twiter');
    expect(body['acr_values_supported']).toEqual(['', 'pwd', 'mod-pr', 'phr', 'http://eidas.europa.eu/LoA/substantial', 'http://eidas.europa.eu/LoA/high']);
    expect(body['scopes_supported']).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'phone', 'address', 'openid2']));
    expect(body['claims_parameter_supported']).toBe(true);
    expect(body['token_endpoint_auth_methods_supported']).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post']));
    expect(body['response_types_supported']).toContain('code');
    expect(body['id_token_signing_alg_values_supported']).toContain('RS256');
  });

  it('passes openid-client discovery with its strict issuer check', async () => {
    const config = await discover(sim);
    expect(config.serverMetadata().issuer).toBe(sim.issuer);
    expect(config.clientMetadata().client_id).toBe(BASIC_CLIENT.client_id);
    // openid-client sends PKCE although the document does not advertise it (field notes).
    expect(config.serverMetadata().supportsPKCE()).toBe(false);
  });
});

describe('the JWKS', () => {
  it('is one RSA key without alg and use at /oidc/key.jwk, like mojeID (field notes)', async () => {
    const { status, body } = await json(`${sim.issuer}key.jwk`);
    expect(status).toBe(200);
    const keys = body['keys'] as Record<string, unknown>[];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'RSA', e: 'AQAB' });
    expect(keys[0]).not.toHaveProperty('alg');
    expect(keys[0]).not.toHaveProperty('use');
    expect(keys[0]).not.toHaveProperty('d');
  });
});

describe('WebFinger', () => {
  it('answers as §5.1.5 shows', async () => {
    const resource = 'acct:joe@mojeid.cz';
    const response = await fetch(
      `${sim.issuer}.well-known/webfinger?resource=${encodeURIComponent(resource)}&rel=${encodeURIComponent('http://openid.net/specs/connect/1.0/issuer')}`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/jrd\+json/);
    expect(await response.json()).toEqual({
      subject: resource,
      links: [{ rel: 'http://openid.net/specs/connect/1.0/issuer', href: sim.issuer }],
    });
  });

  it('refuses a request without resource', async () => {
    const response = await fetch(`${sim.issuer}.well-known/webfinger`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });
});
