/**
 * The simulator's refresh tokens (rotated at each use, withdrawn by `revokeGrants`), claims that
 * change between a login and a refresh (`updateClaims`), and `openid2_id` in the ID token when
 * the `claims` parameter asks for it there (OpenID 2.0 to OpenID Connect Migration 1.0 §4).
 */
import * as client from 'openid-client';
import { TEST_ACCOUNTS, loginThroughSimulator, type RunningSimulator } from 'mojeid-simulator';
import { authorizationRequest, codeFlow, discover, idTokenClaims, startTestSimulator } from './helpers.js';

let sim: RunningSimulator;
let config: client.Configuration;

beforeEach(async () => {
  sim = await startTestSimulator();
  config = await discover(sim);
});

afterEach(async () => {
  await sim.close();
});

async function offlineTokens(): Promise<client.TokenEndpointResponse & client.TokenEndpointResponseHelpers> {
  const started = await authorizationRequest(config, { scope: 'openid email offline_access', prompt: 'consent' });
  const callback = await loginThroughSimulator(started.url, { account: 'partial' });
  return client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce });
}

describe('refresh tokens', () => {
  it('rotates at every use; the used one is refused afterwards', async () => {
    const first = (await offlineTokens()).refresh_token as string;
    const second = await client.refreshTokenGrant(config, first);
    expect(second.refresh_token).toEqual(expect.any(String));
    expect(second.refresh_token).not.toBe(first);
    await expect(client.refreshTokenGrant(config, first)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('revokeGrants withdraws them, by sub or by account id', async () => {
    const token = (await offlineTokens()).refresh_token as string;
    expect(sim.revokeGrants('nobody')).toBe(0);
    expect(sim.revokeGrants('partial')).toBeGreaterThan(0);
    await expect(client.refreshTokenGrant(config, token)).rejects.toMatchObject({ error: 'invalid_grant' });
    const again = (await offlineTokens()).refresh_token as string;
    const partialSub = TEST_ACCOUNTS.find((a) => a.id === 'partial')?.claims['sub'] as string;
    expect(sim.revokeGrants(partialSub)).toBeGreaterThan(0);
    await expect(client.refreshTokenGrant(config, again)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('UserInfo after a refresh shows claims changed meanwhile; the shared test accounts stay as they were', async () => {
    const tokens = await offlineTokens();
    const sub = tokens.claims()?.sub as string;
    sim.updateClaims('partial', { email: 'nova.adresa@example.cz', nickname: null });
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string);
    const userinfo = await client.fetchUserInfo(config, refreshed.access_token, sub);
    expect(userinfo.email).toBe('nova.adresa@example.cz');
    expect(TEST_ACCOUNTS.find((a) => a.id === 'partial')?.claims['email']).toBe('petra.svobodova@example.cz');
    expect(() => sim.updateClaims('partial', { sub: 'other' })).toThrow(/sub/);
    expect(() => sim.updateClaims('nobody', {})).toThrow(/nobody/);
  });
});

describe('openid2_id (§5.3.2)', () => {
  it('comes in the ID token when the claims parameter asks for it there', async () => {
    const { idToken, userinfo } = await codeFlow(config, { scope: 'openid openid2', claims: idTokenClaims('openid2_id') }, { account: 'partial' });
    expect(idToken['openid2_id']).toBe(`${sim.origin}/openid2/petra-svobodova/#Qm8rT2kLpA`);
    expect(userinfo['openid2_id']).toBe(idToken['openid2_id']);
  });
});
