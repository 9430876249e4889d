/**
 * The simulator's discovery document against production mojeID's (fixture of October 2024, field
 * notes), key by key, and the manual mode's differences (§5.1.12, Appendix 1).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CLAIM_CATALOGUE } from '../../src/claims/catalogue.js';
import type { RunningSimulator } from 'mojeid-simulator';
import { startTestSimulator } from './helpers.js';

const PRODUCTION = JSON.parse(
  readFileSync(path.resolve(process.cwd(), 'test/fixtures/mojeid/production-openid-configuration-2024-10.json'), 'utf8'),
) as Record<string, unknown>;

/** Keys whose value is a URL at production's origin: compared by path after the origin. */
const URL_KEYS = ['issuer', 'jwks_uri', 'authorization_endpoint', 'registration_endpoint', 'token_endpoint', 'userinfo_endpoint'];

/**
 * Keys oidc-provider cannot advertise with production's value, and why. The simulator's value is
 * still checked: the reason must stay true.
 */
const CANNOT_MATCH: Readonly<Record<string, { reason: string; simulator: unknown }>> = {
  grant_types_supported: {
    reason: 'oidc-provider 9 has no JWT bearer grant (RFC 7523); the others are the same',
    simulator: ['authorization_code', 'implicit', 'refresh_token'],
  },
  response_types_supported: {
    reason: 'oidc-provider 9 refuses the bare `token` response type; the simulator keeps to the code flow and id_token variants',
    simulator: ['code', 'id_token', 'code id_token', 'none'],
  },
  request_uri_parameter_supported: {
    reason: 'oidc-provider 9 takes `request_uri` only from pushed authorization requests, which mojeID does not have',
    simulator: false,
  },
  id_token_signing_alg_values_supported: {
    reason: "one RSA key, like production's JWKS, so no ES*; oidc-provider 9 never signs with `none`",
    simulator: ['RS256', 'RS384', 'RS512', 'HS256', 'HS384', 'HS512', 'PS256', 'PS384', 'PS512'],
  },
  userinfo_signing_alg_values_supported: {
    reason: "one RSA key, like production's JWKS, so no ES*; oidc-provider 9 never signs with `none`",
    simulator: ['RS256', 'RS384', 'RS512', 'HS256', 'HS384', 'HS512', 'PS256', 'PS384', 'PS512'],
  },
  request_object_signing_alg_values_supported: {
    reason: 'oidc-provider 9 does not accept unsigned (`none`) request objects',
    simulator: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'HS256', 'HS384', 'HS512', 'PS256', 'PS384', 'PS512'],
  },
  claims_supported: {
    reason: "the same names in another order: production's is a Python set's, the simulator's Appendix 1's (compared as a set)",
    simulator: undefined,
  },
  // The simulator does not encrypt (JWE): oidc-provider 9 has no RSA1_5, and the library under
  // test never asks for encrypted responses.
  ...Object.fromEntries(
    ['id_token', 'userinfo', 'request_object'].flatMap((what) =>
      ['alg', 'enc'].map((part) => [`${what}_encryption_${part}_values_supported`, { reason: 'no JWE in the simulator', simulator: undefined }]),
    ),
  ),
};

/**
 * Keys the simulator may advertise although production lacks them, each with the reason. None
 * today: what oidc-provider adds beyond production is removed in `discovery.ts`.
 */
const SIMULATOR_ONLY: Readonly<Record<string, string>> = {};

let sim: RunningSimulator;
let manual: RunningSimulator;
beforeAll(async () => {
  sim = await startTestSimulator();
  manual = await startTestSimulator({ mode: 'manual' });
});
afterAll(async () => {
  await Promise.all([sim.close(), manual.close()]);
});

async function discovery(s: RunningSimulator): Promise<Record<string, unknown>> {
  const response = await fetch(`${s.issuer}.well-known/openid-configuration`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

function pathAfterOrigin(value: unknown, origin: string): unknown {
  return typeof value === 'string' && value.startsWith(origin) ? value.slice(origin.length) : value;
}

describe("production mode: production's discovery document, key by key", () => {
  it('runs in production mode unless told otherwise', () => {
    expect(sim.mode).toBe('production');
    expect(manual.mode).toBe('manual');
  });

  it.each(Object.keys(PRODUCTION).filter((key) => !URL_KEYS.includes(key) && !(key in CANNOT_MATCH)))('%s has production’s value', async (key) => {
    const document = await discovery(sim);
    expect(document).toHaveProperty([key]);
    expect(document[key]).toEqual(PRODUCTION[key]);
  });

  it.each(URL_KEYS)('%s has production’s path at the simulator’s origin', async (key) => {
    const document = await discovery(sim);
    expect(pathAfterOrigin(document[key], sim.origin)).toBe(pathAfterOrigin(PRODUCTION[key], 'https://mojeid.cz'));
  });

  it.each(Object.entries(CANNOT_MATCH))('%s differs only as documented', async (key, { simulator }) => {
    const document = await discovery(sim);
    expect(PRODUCTION).toHaveProperty([key]);
    if (key === 'claims_supported') {
      expect([...(document[key] as string[])].sort()).toEqual([...(PRODUCTION[key] as string[])].sort());
      return;
    }
    if (simulator === undefined) expect(document).not.toHaveProperty([key]);
    else expect(document[key]).toEqual(simulator);
  });

  it('advertises no key production lacks', async () => {
    const document = await discovery(sim);
    const extra = Object.keys(document).filter((key) => !(key in PRODUCTION) && !(key in SIMULATOR_ONLY));
    expect(extra).toEqual([]);
  });

  it('still accepts PKCE without advertising it, and has no end_session_endpoint', async () => {
    const document = await discovery(sim);
    expect(document).not.toHaveProperty('code_challenge_methods_supported');
    expect(document).not.toHaveProperty('end_session_endpoint');
  });
});

describe("manual mode: the manual's acr values and Appendix 1 claims", () => {
  it('advertises the eIDAS levels as §5.1.12 spells them, and no login-method values', async () => {
    const document = await discovery(manual);
    expect(document['acr_values_supported']).toEqual([
      'http://eidas.europa.eu/oidc/assurance_level/substantial',
      'http://eidas.europa.eu/oidc/assurance_level/high',
    ]);
  });

  it('advertises sub and the Appendix 1 (§9.1) claims only', async () => {
    const document = await discovery(manual);
    expect(document['claims_supported']).toEqual(['sub', ...CLAIM_CATALOGUE.filter((d) => d.documented).map((d) => d.name)]);
    expect(document['claims_supported']).toContain('mojeid_url_twitter');
    expect(document['claims_supported']).not.toContain('mojeid_url_twiter');
  });

  it('is otherwise the production document', async () => {
    const [production, manualDocument] = await Promise.all([discovery(sim), discovery(manual)]);
    const differing = Object.keys(production).filter(
      (key) => JSON.stringify(pathAfterOrigin(production[key], sim.origin)) !== JSON.stringify(pathAfterOrigin(manualDocument[key], manual.origin)),
    );
    expect(differing.sort()).toEqual(['acr_values_supported', 'claims_supported']);
    expect(Object.keys(manualDocument).sort()).toEqual(Object.keys(production).sort());
  });
});
