/**
 * Claims the user withholds at the consent page: production mojeID returns data the user did not
 * release "without a value" (login-response-processing), so production mode sends `null`; manual
 * mode leaves them out. Released claims, and claims the page never offered, are the same in both.
 */
import type * as client from 'openid-client';
import type { RunningSimulator } from 'mojeid-simulator';
import { PARTIAL_ACCESS_CLIENT, codeFlow, discover, idTokenClaims, startTestSimulator, userinfoClaims } from './helpers.js';

let production: RunningSimulator;
let manual: RunningSimulator;
let productionConfig: client.Configuration;
let manualConfig: client.Configuration;
beforeAll(async () => {
  [production, manual] = await Promise.all([startTestSimulator(), startTestSimulator({ mode: 'manual' })]);
  [productionConfig, manualConfig] = await Promise.all([discover(production), discover(manual)]);
});
afterAll(async () => {
  await Promise.all([production.close(), manual.close()]);
});

describe('production mode: withheld claims are null', () => {
  it('in UserInfo, asked for by scope or by the claims parameter', async () => {
    const { userinfo } = await codeFlow(
      productionConfig,
      { scope: 'openid email profile', claims: userinfoClaims('mojeid_valid', 'mojeid_is_adult') },
      { account: 'nia-high', withhold: ['email', 'family_name', 'mojeid_valid'] },
    );
    expect(userinfo).toMatchObject({ email: null, family_name: null, mojeid_valid: null });
    expect(userinfo).toMatchObject({ email_verified: true, given_name: 'Jan', mojeid_is_adult: 'true', sub: '248289761002' });
  });

  it('in the ID token when asked for there, and in UserInfo', async () => {
    const { idToken, userinfo } = await codeFlow(
      productionConfig,
      { scope: 'openid email', claims: idTokenClaims('email', 'mojeid_nia', 'given_name') },
      { account: 'partial', withhold: ['email', 'mojeid_nia'] },
    );
    expect(idToken).toMatchObject({ email: null, mojeid_nia: null, given_name: 'Petra' });
    expect(userinfo).toHaveProperty('email', null);
    // Asked for under id_token only: UserInfo has it neither way (field notes).
    expect(userinfo).not.toHaveProperty('mojeid_nia');
  });

  it('stays null on a later UserInfo call with the same grant', async () => {
    const first = await codeFlow(productionConfig, { scope: 'openid phone' }, { account: 'business', withhold: ['phone_number'] });
    expect(first.userinfo).toHaveProperty('phone_number', null);
    const again = await fetch(`${production.issuer}userinfo/`, { headers: { authorization: `Bearer ${first.accessToken}` } });
    expect(await again.json()).toMatchObject({ phone_number: null, phone_number_verified: 'true' });
  });

  it('leaves out what the consent page never offered: full-access-only claims for a client without full access', async () => {
    const partialConfig = await discover(production, PARTIAL_ACCESS_CLIENT);
    const { userinfo } = await codeFlow(partialConfig, { scope: 'openid', claims: userinfoClaims('mojeid_valid', 'mojeid_age') }, { account: 'partial', withhold: ['mojeid_age'] });
    expect(userinfo).toEqual({ sub: '248289761001', mojeid_age: null });
  });
});

describe('manual mode: withheld claims are left out', () => {
  it('in UserInfo and in the ID token', async () => {
    const { idToken, userinfo } = await codeFlow(
      manualConfig,
      { scope: 'openid email profile', claims: idTokenClaims('email', 'mojeid_valid', 'given_name') },
      { account: 'nia-high', withhold: ['email', 'family_name', 'mojeid_valid'] },
    );
    for (const name of ['email', 'family_name']) expect(userinfo).not.toHaveProperty(name);
    expect(idToken).not.toHaveProperty('email');
    expect(idToken).not.toHaveProperty('mojeid_valid');
    expect(idToken).toHaveProperty('given_name', 'Jan');
    expect(userinfo).toMatchObject({ email_verified: true, given_name: 'Jan' });
  });
});
