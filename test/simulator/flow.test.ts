/**
 * The authorization code flow with openid-client v6 against the simulator, for each test
 * account of §8.1: claim shapes (Appendix 1), where claims go (field notes), acr (§5.1.12),
 * auth_time, max_age, prompt.
 */
import * as client from 'openid-client';
import { CLAIM_CATALOGUE, type ClaimDefinition } from '../../src/claims/catalogue.js';
import { CookieJar, EIDAS_LOA_HIGH, EIDAS_LOA_SUBSTANTIAL, TEST_ACCOUNTS, loginThroughSimulator, type RunningSimulator } from 'mojeid-simulator';
import { REDIRECT_URI, authorizationRequest, codeFlow, discover, idTokenClaims, startTestSimulator, userinfoClaims } from './helpers.js';

const CATALOGUE: readonly ClaimDefinition[] = CLAIM_CATALOGUE;
const ALL_SCOPES = 'openid profile email phone address openid2';
/** Every Appendix 1 claim that no scope releases: they are asked for one by one (§5.1.6). */
const UNSCOPED = CATALOGUE.filter((d) => d.documented && d.scope === undefined).map((d) => d.name);
/** The Appendix 1 flags that mojeID sends as the strings "true"/"false". */
const STRING_FLAGS = ['mojeid_valid', 'mojeid_is_adult', 'mojeid_nia', 'mojeid_student', 'phone_number_verified', 'mojeid_address_mail_verified'];

let sim: RunningSimulator;
let config: client.Configuration;
beforeAll(async () => {
  sim = await startTestSimulator();
  config = await discover(sim);
});
afterAll(async () => {
  await sim.close();
});

function everything(): Record<string, string> {
  return { scope: ALL_SCOPES, claims: userinfoClaims(...UNSCOPED) };
}

/** Each released claim has the type mojeID sends (Appendix 1; flags as strings). */
function expectMojeIdShapes(claims: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(claims)) {
    const definition = CATALOGUE.find((d) => d.name === name);
    if (!definition) continue;
    if (STRING_FLAGS.includes(name)) {
      expect([name, value]).toEqual([name, expect.stringMatching(/^(true|false)$/)]);
    } else if (definition.type === 'boolean') {
      expect([name, typeof value]).toEqual([name, 'boolean']);
    } else if (definition.type === 'integer') {
      expect([name, Number.isInteger(value)]).toEqual([name, true]);
    } else if (definition.type === 'address_string') {
      expect([name, typeof value]).toEqual([name, 'string']);
      expect(JSON.parse(value as string)).toEqual(expect.objectContaining({ formatted: expect.any(String), country: 'CZ' }));
    } else if (definition.type === 'address') {
      expect(value).toEqual(expect.objectContaining({ street_address: expect.any(String), locality: expect.any(String), postal_code: expect.any(String) }));
    } else {
      expect([name, typeof value]).toEqual([name, 'string']);
    }
  }
}

describe('the code flow for each test account (§8.1)', () => {
  it('partially identified account: verified e-mail and phone, not validated, no NIA', async () => {
    const { callback, idToken, userinfo } = await codeFlow(config, everything(), { account: 'partial' });
    expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
    expect(idToken.sub).toBe('248289761001');
    expect(idToken.sub).toHaveLength(12);
    expect(idToken).not.toHaveProperty('acr');
    expect(userinfo).toMatchObject({
      sub: '248289761001',
      email_verified: true,
      phone_number_verified: 'true',
      mojeid_valid: 'false',
      mojeid_nia: 'false',
      mojeid_is_adult: 'true',
      mojeid_address_mail_verified: 'false',
      address: expect.objectContaining({ locality: 'Brno', country: 'CZ' }),
    });
    expect(typeof userinfo['mojeid_age']).toBe('number');
    expect(JSON.parse(userinfo['mojeid_address_def'] as string)).toMatchObject({ locality: 'Brno' });
    expectMojeIdShapes(userinfo);
  });

  it('NIA-paired account, level high: validated, Czech name and address, adult', async () => {
    const { idToken, userinfo } = await codeFlow(config, everything(), { account: 'nia-high' });
    expect(idToken.sub).toBe('248289761002');
    expect(userinfo).toMatchObject({
      name: 'Jan Novák',
      given_name: 'Jan',
      family_name: 'Novák',
      birthdate: '1985-06-15',
      mojeid_nia: 'true',
      mojeid_valid: 'true',
      mojeid_is_adult: 'true',
      address: expect.objectContaining({ locality: 'Praha 3', postal_code: '130 00', country: 'CZ' }),
      mojeid_address_def_city: 'Praha 3',
    });
    for (const full of ['mojeid_address_def', 'mojeid_address_bill', 'mojeid_address_ship']) {
      expect(typeof userinfo[full]).toBe('string');
      expect(JSON.parse(userinfo[full] as string)).toEqual(expect.objectContaining({ street_address: expect.any(String) }));
    }
    expect(userinfo['mojeid_age']).toBeGreaterThanOrEqual(18);
    expectMojeIdShapes(userinfo);
  });

  it('validated business account: organisation, IČO, validated, no NIA', async () => {
    const { idToken, userinfo } = await codeFlow(config, everything(), { account: 'business' });
    expect(idToken.sub).toBe('248289761003');
    expect(userinfo).toMatchObject({
      mojeid_organization: 'Pekárna U Horáků s.r.o.',
      mojeid_ident_vat: '27074358',
      mojeid_vat: 'CZ27074358',
      mojeid_valid: 'true',
      mojeid_nia: 'false',
    });
    expect(JSON.parse(userinfo['mojeid_address_ship'] as string)).toMatchObject({ locality: 'Olomouc' });
    expectMojeIdShapes(userinfo);
  });

  it('fills most Appendix 1 claims for every test account', () => {
    const documented = CATALOGUE.filter((d) => d.documented).map((d) => d.name);
    for (const account of TEST_ACCOUNTS) {
      const filled = documented.filter((name) => account.claims[name] !== undefined);
      expect(filled.length).toBeGreaterThan(documented.length / 2);
    }
  });
});

describe('the callback', () => {
  it('carries code, state, iss (as pyoidc adds it) and client_id', async () => {
    const started = await authorizationRequest(config, { scope: 'openid' });
    const callback = await loginThroughSimulator(started.url, { account: 'partial' });
    expect(callback.searchParams.get('code')).toEqual(expect.any(String));
    expect(callback.searchParams.get('state')).toBe(started.state);
    expect(callback.searchParams.get('iss')).toBe(sim.issuer);
    expect(callback.searchParams.get('client_id')).toBe('basicClient1');
  });
});

describe('where claims go (field notes)', () => {
  it('claims asked for by scope only come from UserInfo, not the ID token', async () => {
    const { idToken, userinfo } = await codeFlow(config, { scope: 'openid profile email phone' }, { account: 'nia-high' });
    for (const name of ['email', 'name', 'given_name', 'phone_number', 'email_verified']) {
      expect(idToken).not.toHaveProperty(name);
      expect(userinfo).toHaveProperty(name);
    }
    // Not asked for: no mojeid_* claims anywhere.
    expect(Object.keys(userinfo).filter((k) => k.startsWith('mojeid_'))).toEqual([]);
  });

  it('claims asked for under claims.id_token are in the ID token', async () => {
    const { idToken, userinfo } = await codeFlow(
      config,
      { scope: 'openid email', claims: idTokenClaims('email', 'mojeid_valid', 'given_name') },
      { account: 'nia-high' },
    );
    expect(idToken).toMatchObject({ email: 'jan.novak@example.cz', mojeid_valid: 'true', given_name: 'Jan' });
    expect(idToken).not.toHaveProperty('family_name');
    expect(idToken).not.toHaveProperty('email_verified');
    expect(userinfo).toHaveProperty('email_verified', true);
  });

  it('the openid2 scope releases openid2_id (§5.3.2), on the simulator\'s own origin as mojeID\'s are on mojeid.cz', async () => {
    const { userinfo } = await codeFlow(config, { scope: 'openid openid2' }, { account: 'partial' });
    expect(userinfo['openid2_id']).toBe(`${sim.origin}/openid2/petra-svobodova/#Qm8rT2kLpA`);
  });

  it('every ID token has auth_time, the exact issuer and the nonce', async () => {
    const { idToken } = await codeFlow(config, { scope: 'openid' }, { account: 'business' });
    expect(idToken.iss).toBe(sim.issuer);
    expect(typeof idToken.auth_time).toBe('number');
    expect(Math.abs((idToken.auth_time as number) - Date.now() / 1000)).toBeLessThan(60);
    expect(idToken.aud).toBe('basicClient1');
  });
});

describe('acr and eIDAS levels (§5.1.12; both modes in acr.test.ts)', () => {
  it.each([
    ['substantial', EIDAS_LOA_SUBSTANTIAL, EIDAS_LOA_SUBSTANTIAL],
    ['high', EIDAS_LOA_HIGH, EIDAS_LOA_HIGH],
    ['high or substantial', `${EIDAS_LOA_HIGH} ${EIDAS_LOA_SUBSTANTIAL}`, EIDAS_LOA_HIGH],
  ])('the NIA account (high) meets %s in production spelling', async (_name, acrValues, expected) => {
    const { idToken } = await codeFlow(config, { scope: 'openid', acr_values: acrValues }, { account: 'nia-high' });
    expect(idToken.acr).toBe(expected);
  });

  it.each(['partial', 'business'])('the %s account gets no eIDAS acr, so an RP requiring one must refuse', async (account) => {
    const { idToken } = await codeFlow(config, { scope: 'openid', acr_values: EIDAS_LOA_HIGH }, { account });
    expect(idToken.acr).toBeUndefined();
  });

  it('an essential acr that the account cannot meet still ends the flow, without acr', async () => {
    const claims = JSON.stringify({ id_token: { acr: { essential: true, values: [EIDAS_LOA_HIGH] } } });
    const { idToken } = await codeFlow(config, { scope: 'openid', claims }, { account: 'partial' });
    expect(idToken.acr).toBeUndefined();
  });

  it('without acr_values the ID token has no acr', async () => {
    const { idToken } = await codeFlow(config, { scope: 'openid' }, { account: 'nia-high' });
    expect(idToken).not.toHaveProperty('acr');
  });
});

describe('sessions: SSO, max_age, prompt', () => {
  it('a second login in the same browser reuses the session; max_age=0 and prompt=login force a new login', async () => {
    const cookies = new CookieJar();
    const first = await codeFlow(config, { scope: 'openid' }, { account: 'partial', cookies });
    expect(first.idToken.sub).toBe('248289761001');

    // Same browser: no login page, so the account option is not used and the session's sub stays.
    const sso = await codeFlow(config, { scope: 'openid' }, { account: 'business', cookies });
    expect(sso.idToken.sub).toBe('248289761001');

    const maxAge = await codeFlow(config, { scope: 'openid', max_age: '0' }, { account: 'business', cookies });
    expect(maxAge.idToken.sub).toBe('248289761003');

    const promptLogin = await codeFlow(config, { scope: 'openid', prompt: 'login' }, { account: 'nia-high', cookies });
    expect(promptLogin.idToken.sub).toBe('248289761002');
  });

  it('prompt=none without a session ends with login_required', async () => {
    const started = await authorizationRequest(config, { scope: 'openid', prompt: 'none' });
    const callback = await loginThroughSimulator(started.url, { account: 'partial' });
    expect(callback.searchParams.get('error')).toBe('login_required');
    expect(callback.searchParams.get('state')).toBe(started.state);
    expect(callback.searchParams.get('iss')).toBe(sim.issuer);
    await expect(client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: started.verifier, expectedState: started.state })).rejects.toThrow(
      client.AuthorizationResponseError,
    );
  });

  it('prompt=none with a session logs in silently', async () => {
    const cookies = new CookieJar();
    await codeFlow(config, { scope: 'openid' }, { account: 'nia-high', cookies });
    const silent = await codeFlow(config, { scope: 'openid', prompt: 'none' }, { account: 'nia-high', cookies });
    expect(silent.idToken.sub).toBe('248289761002');
  });
});

describe('PKCE (field notes)', () => {
  it('is accepted but not required', async () => {
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid', state });
    const callback = await loginThroughSimulator(url, { account: 'partial' });
    const tokens = await client.authorizationCodeGrant(config, callback, { expectedState: state });
    expect(tokens.claims()?.sub).toBe('248289761001');
  });

  it('is enforced once sent: a wrong verifier fails', async () => {
    const started = await authorizationRequest(config, { scope: 'openid' });
    const callback = await loginThroughSimulator(started.url, { account: 'partial' });
    await expect(
      client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: client.randomPKCECodeVerifier(),
        expectedState: started.state,
        expectedNonce: started.nonce,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});

describe('offline_access (field notes: pyoidc needs prompt=consent)', () => {
  async function tokensFor(params: Record<string, string>): Promise<client.TokenEndpointResponse & client.TokenEndpointResponseHelpers> {
    const started = await authorizationRequest(config, params);
    const callback = await loginThroughSimulator(started.url, { account: 'partial' });
    return client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce });
  }

  it('gives a refresh token only when prompt includes consent', async () => {
    expect((await tokensFor({ scope: 'openid offline_access' })).refresh_token).toBeUndefined();
    const tokens = await tokensFor({ scope: 'openid offline_access', prompt: 'consent' });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string);
    expect(refreshed.access_token).toEqual(expect.any(String));
  });
});
