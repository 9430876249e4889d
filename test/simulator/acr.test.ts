/**
 * `acr` as a strict provider asserts it, and `amr`, through real logins in both modes: the first
 * requested value (OIDC Core §3.1.2.1) the mode advertises and the account meets; eIDAS levels of
 * §5.1.12 (production's `LoA` spelling or the manual's), login methods of §4.3.1 / §9.5.4.
 */
import type * as client from 'openid-client';
import {
  CookieJar,
  EIDAS_HIGH,
  EIDAS_LOA_HIGH,
  EIDAS_LOA_SUBSTANTIAL,
  EIDAS_SUBSTANTIAL,
  TEST_ACCOUNTS,
  type RunningSimulator,
  type SimulatorAccount,
} from 'mojeid-simulator';
import { codeFlow, discover, startTestSimulator } from './helpers.js';

/** A security key without NIA: `phr` is about the login method, not the eIDAS level. */
const SECURITY_KEY: SimulatorAccount = {
  id: 'security-key',
  label: 'Eva Klíčová',
  description: 'Bezpečnostní klíč bez NIA / Security key, no NIA',
  loginMethods: ['password', 'security-key'],
  claims: { sub: '248289761104', name: 'Eva Klíčová' },
};

/** Paired with NIA at substantial, password only; given production's spelling on purpose. */
const NIA_SUBSTANTIAL: SimulatorAccount = {
  id: 'nia-substantial',
  label: 'Karel Dvořák',
  description: 'NIA, úroveň značná / NIA-paired, eIDAS level substantial',
  acr: EIDAS_LOA_SUBSTANTIAL,
  loginMethods: ['password'],
  claims: { sub: '248289761105', name: 'Karel Dvořák' },
};

const ACCOUNTS = [...TEST_ACCOUNTS, SECURITY_KEY, NIA_SUBSTANTIAL];

let production: RunningSimulator;
let manual: RunningSimulator;
let productionConfig: client.Configuration;
let manualConfig: client.Configuration;
beforeAll(async () => {
  [production, manual] = await Promise.all([startTestSimulator({ accounts: ACCOUNTS }), startTestSimulator({ mode: 'manual', accounts: ACCOUNTS })]);
  [productionConfig, manualConfig] = await Promise.all([discover(production), discover(manual)]);
});
afterAll(async () => {
  await Promise.all([production.close(), manual.close()]);
});

async function acrFor(config: client.Configuration, account: string, acrValues?: string): Promise<unknown> {
  const { idToken } = await codeFlow(config, { scope: 'openid', ...(acrValues === undefined ? {} : { acr_values: acrValues }) }, { account });
  return idToken.acr;
}

describe('production mode: eIDAS levels in production spelling (§5.1.12, field notes)', () => {
  it.each([
    ['nia-high', EIDAS_LOA_HIGH, EIDAS_LOA_HIGH],
    ['nia-high', EIDAS_LOA_SUBSTANTIAL, EIDAS_LOA_SUBSTANTIAL],
    ['nia-high', `${EIDAS_LOA_SUBSTANTIAL} ${EIDAS_LOA_HIGH}`, EIDAS_LOA_SUBSTANTIAL],
    ['nia-substantial', EIDAS_LOA_SUBSTANTIAL, EIDAS_LOA_SUBSTANTIAL],
    ['nia-substantial', `${EIDAS_LOA_HIGH} ${EIDAS_LOA_SUBSTANTIAL}`, EIDAS_LOA_SUBSTANTIAL],
    ['nia-substantial', EIDAS_LOA_HIGH, undefined],
    ['partial', EIDAS_LOA_SUBSTANTIAL, undefined],
    ['security-key', EIDAS_LOA_SUBSTANTIAL, undefined],
  ])('%s asked for "%s" gets %s', async (account, acrValues, expected) => {
    expect(await acrFor(productionConfig, account, acrValues)).toBe(expected);
  });

  it("ignores the manual's spelling, which production does not advertise", async () => {
    expect(await acrFor(productionConfig, 'nia-high', EIDAS_HIGH)).toBeUndefined();
    expect(await acrFor(productionConfig, 'nia-high', `${EIDAS_HIGH} ${EIDAS_LOA_SUBSTANTIAL}`)).toBe(EIDAS_LOA_SUBSTANTIAL);
  });
});

describe('production mode: login methods pwd < mod-pr < phr (§4.3.1, §9.5.4)', () => {
  it.each([
    ['partial', 'pwd', 'pwd'],
    ['partial', 'mod-pr', undefined],
    ['partial', 'phr mod-pr pwd', 'pwd'],
    ['business', 'phr mod-pr pwd', 'mod-pr'],
    ['business', 'phr', undefined],
    ['business', 'pwd', 'pwd'],
    ['nia-high', 'phr mod-pr pwd', 'phr'],
    ['security-key', 'phr', 'phr'],
    ['security-key', 'mod-pr phr', 'mod-pr'],
    ['nia-substantial', 'phr', undefined],
  ])('%s asked for "%s" gets %s', async (account, acrValues, expected) => {
    expect(await acrFor(productionConfig, account, acrValues)).toBe(expected);
  });

  it('mixes levels and methods in the order asked for', async () => {
    expect(await acrFor(productionConfig, 'security-key', `${EIDAS_LOA_HIGH} phr`)).toBe('phr');
    expect(await acrFor(productionConfig, 'nia-high', `phr ${EIDAS_LOA_HIGH}`)).toBe('phr');
  });

  it('keeps no acr when none is asked for', async () => {
    expect(await acrFor(productionConfig, 'nia-high')).toBeUndefined();
  });

  it('answers each request anew when the login is reused (SSO)', async () => {
    const cookies = new CookieJar();
    const first = await codeFlow(productionConfig, { scope: 'openid', acr_values: 'pwd' }, { account: 'nia-high', cookies });
    expect(first.idToken.acr).toBe('pwd');
    // Same browser session, no login page: `account` is not used.
    const second = await codeFlow(productionConfig, { scope: 'openid', acr_values: `${EIDAS_LOA_HIGH} phr` }, { account: 'partial', cookies });
    expect(second.idToken.sub).toBe(first.idToken.sub);
    expect(second.idToken.acr).toBe(EIDAS_LOA_HIGH);
    const third = await codeFlow(productionConfig, { scope: 'openid', acr_values: EIDAS_HIGH }, { account: 'partial', cookies });
    expect(third.idToken.acr).toBeUndefined();
  });
});

describe("manual mode: the manual's eIDAS spelling only (§5.1.12)", () => {
  it.each([
    ['nia-high', EIDAS_HIGH, EIDAS_HIGH],
    ['nia-high', EIDAS_SUBSTANTIAL, EIDAS_SUBSTANTIAL],
    ['nia-substantial', EIDAS_SUBSTANTIAL, EIDAS_SUBSTANTIAL],
    ['nia-substantial', EIDAS_HIGH, undefined],
    ['partial', EIDAS_SUBSTANTIAL, undefined],
  ])('%s asked for "%s" gets %s', async (account, acrValues, expected) => {
    expect(await acrFor(manualConfig, account, acrValues)).toBe(expected);
  });

  it("ignores production's spelling and login-method values, which the manual does not name", async () => {
    expect(await acrFor(manualConfig, 'nia-high', EIDAS_LOA_HIGH)).toBeUndefined();
    expect(await acrFor(manualConfig, 'nia-high', 'phr pwd')).toBeUndefined();
    expect(await acrFor(manualConfig, 'nia-high', `${EIDAS_LOA_HIGH} ${EIDAS_HIGH}`)).toBe(EIDAS_HIGH);
  });
});

describe('amr (RFC 8176): how the account logged in', () => {
  it.each([
    ['partial', ['pwd']],
    ['business', ['pwd', 'otp', 'mfa']],
    ['nia-high', ['pwd', 'hwk', 'mfa']],
    ['security-key', ['pwd', 'hwk', 'mfa']],
  ])('%s: %j, in both modes', async (account, amr) => {
    for (const config of [productionConfig, manualConfig]) {
      const { idToken, userinfo } = await codeFlow(config, { scope: 'openid' }, { account });
      expect(idToken.amr).toEqual(amr);
      expect(userinfo).not.toHaveProperty('amr');
    }
  });
});
