/**
 * eIDAS levels and login methods end to end: the library against the simulator in production
 * mode (production's discovery and `acr` spelling, unknown values ignored) and in the manual's
 * mode (§5.1.12 spelling). A login succeeds when the provider asserts what was asked for, and
 * fails when a lower level or no `acr` comes back.
 */
import { loginThroughSimulator, startSimulator, TEST_ACCOUNTS, type RunningSimulator, type SimulatorAccount, type SimulatorMode } from 'mojeid-simulator';
import type { MojeIdRouterOptions } from '../../src/index.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';

const CLIENT = { client_id: 'assuranceClient', client_secret: 'assurance-secret-for-tests-only' };

const EXTRA_ACCOUNTS: SimulatorAccount[] = [
  {
    id: 'nia-substantial',
    label: 'Karel Dvořák',
    description: 'NIA, eIDAS substantial, password only',
    acr: 'http://eidas.europa.eu/oidc/assurance_level/substantial',
    loginMethods: ['password'],
    claims: { sub: '248289761105', name: 'Karel Dvořák' },
  },
  {
    id: 'security-key',
    label: 'Alena Malá',
    description: 'security key, no NIA',
    loginMethods: ['password', 'security-key'],
    claims: { sub: '248289761106', name: 'Alena Malá' },
  },
];

let simulator: RunningSimulator | undefined;
let app: TestApp | undefined;

afterEach(async () => {
  await app?.close();
  await simulator?.close();
  app = undefined;
  simulator = undefined;
});

async function loginAs(mode: SimulatorMode, account: string, options: MojeIdRouterOptions): Promise<{ status: number; acrValues: string | null; user?: { claims: Record<string, unknown> } }> {
  simulator = await startSimulator({ mode, accounts: [...TEST_ACCOUNTS, ...EXTRA_ACCOUNTS] });
  app = await startApp({ issuer: simulator.issuer, clientId: CLIENT.client_id, clientSecret: CLIENT.client_secret, ...options });
  simulator.addClient({ ...CLIENT, redirect_uris: [`${app.origin}/auth/mojeid/callback`] });
  const browser = new TestBrowser();
  const started = await browser.get(`${app.origin}/auth/mojeid/login`);
  const acrValues = new URL(started.location as string).searchParams.get('acr_values');
  const done = await browser.get(await loginThroughSimulator(started.location as string, { account }));
  if (done.status !== 303) return { status: done.status, acrValues };
  const me = JSON.parse((await browser.get(`${app.origin}/me`)).body) as { user: { claims: Record<string, unknown> } };
  return { status: done.status, acrValues, user: me.user };
}

describe.each([
  ['production', 'http://eidas.europa.eu/LoA/'],
  ['manual', 'http://eidas.europa.eu/oidc/assurance_level/'],
] as const)('eIDAS through NIA against the simulator in %s mode', (mode, spelling) => {
  it(`logs in at high, asking in the ${mode} spelling`, async () => {
    const result = await loginAs(mode, 'nia-high', { acrValues: 'high' });
    expect(result.acrValues).toBe(`${spelling}high`);
    expect(result.status).toBe(303);
  });

  it('logs in at substantial', async () => {
    const result = await loginAs(mode, 'nia-substantial', { acrValues: 'substantial' });
    expect(result.acrValues).toBe(`${spelling}substantial ${spelling}high`);
    expect(result.status).toBe(303);
  });

  it('refuses a lower level than asked for', async () => {
    const result = await loginAs(mode, 'nia-substantial', { acrValues: 'high' });
    expect(result.status).toBe(403);
    expect(app?.errors.at(-1)?.code).toBe('insufficient_assurance');
  });

  it('refuses an account without NIA (no acr comes back)', async () => {
    const result = await loginAs(mode, 'partial', { acrValues: 'substantial' });
    expect(result.status).toBe(403);
    expect(app?.errors.at(-1)?.message).toContain("acr (absent)");
  });
});

describe('login methods against the simulator in production mode', () => {
  it('logs in with a security key when one is required', async () => {
    const result = await loginAs('production', 'security-key', { loginMethod: 'security-key' });
    expect(result.acrValues).toBe('phr');
    expect(result.status).toBe(303);
  });

  it('accepts a security key for multi-factor (a stronger method)', async () => {
    expect((await loginAs('production', 'security-key', { loginMethod: 'multi-factor' })).status).toBe(303);
  });

  it('refuses a password-only account when multi-factor is required', async () => {
    const result = await loginAs('production', 'partial', { loginMethod: 'multi-factor' });
    expect(result.status).toBe(403);
    expect(app?.errors.at(-1)?.code).toBe('insufficient_assurance');
  });

  it('cannot satisfy a login method against the manual mode, which advertises none', async () => {
    const result = await loginAs('manual', 'security-key', { loginMethod: 'security-key' });
    expect(result.status).toBe(403);
  });
});
