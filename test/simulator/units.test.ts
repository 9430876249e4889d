/**
 * Small pieces: accounts, claims helpers, HTML escaping, CLI options.
 */
import { EIDAS_LOA_HIGH, EIDAS_LOA_SUBSTANTIAL, amrOf, requestedAcr, selectAcr } from '../../simulator/src/acr.js';
import { AccountDirectory, EIDAS_HIGH, EIDAS_SUBSTANTIAL, ageOn, subOf, TEST_ACCOUNTS } from '../../simulator/src/accounts.js';
import type { SimulatorAccount, SimulatorLoginMethod } from '../../simulator/src/types.js';
import { providerClaimsConfiguration, releasableClaims, requestedClaims } from '../../simulator/src/claims.js';
import { HELP, parseCliOptions, startupText } from '../../simulator/src/cli-options.js';
import { mojeidDiscoveryDocument } from '../../simulator/src/discovery.js';
import { escapeHtml } from '../../simulator/src/views.js';

describe('accounts (§8.1)', () => {
  it('has the three recommended accounts with stable ids and 12-character subs', () => {
    expect(TEST_ACCOUNTS.map((a) => a.id)).toEqual(['partial', 'nia-high', 'business']);
    for (const account of TEST_ACCOUNTS) expect(subOf(account)).toMatch(/^.{12}$/);
    expect(Object.isFrozen(TEST_ACCOUNTS)).toBe(true);
    expect(TEST_ACCOUNTS.map((a) => a.acr)).toEqual([undefined, 'http://eidas.europa.eu/oidc/assurance_level/high', undefined]);
    expect(TEST_ACCOUNTS.map((a) => a.loginMethods)).toEqual([['password'], ['password', 'security-key'], ['password', 'otp']]);
    expect(Object.isFrozen(TEST_ACCOUNTS[0]?.loginMethods)).toBe(true);
  });

  it('derives a stable 12-character sub when an account has none', () => {
    const account = { id: 'custom', label: 'X', description: 'Y', claims: {} };
    expect(subOf(account)).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(subOf(account)).toBe(subOf({ ...account }));
    expect(subOf({ ...account, id: 'other' })).not.toBe(subOf(account));
  });

  it('refuses duplicate ids', () => {
    const account = { id: 'a', label: 'A', description: '', claims: {} };
    expect(() => new AccountDirectory([account, { ...account, claims: { sub: 'another-sub1' } }])).toThrow(/two simulator accounts have the id "a"/);
  });

  it('computes ages in whole years', () => {
    expect(ageOn('2000-06-15', new Date('2018-06-14T12:00:00Z'))).toBe(17);
    expect(ageOn('2000-06-15', new Date('2018-06-15T12:00:00Z'))).toBe(18);
  });
});

describe('claims', () => {
  it('maps scopes to their Appendix 1 claims and leaves mojeid_* claims to the claims parameter', () => {
    const config = providerClaimsConfiguration();
    expect(config['email']).toEqual(['email', 'email_verified']);
    expect(config['phone']).toEqual(['phone_number', 'phone_number_verified']);
    expect(config['address']).toEqual(['address']);
    expect(config['openid2']).toEqual(['openid2_id']);
    expect(config['profile']).toEqual(expect.arrayContaining(['name', 'given_name', 'family_name', 'birthdate', 'profile']));
    expect(config['mojeid_valid']).toBeNull();
  });

  it('keeps full-access-only claims from clients without full access', () => {
    const account = { id: 'x', label: '', description: '', claims: { mojeid_valid: 'true', mojeid_is_adult: 'true', ['__proto__']: 'x' } };
    expect(releasableClaims(account, 'sub123456789', false)).toEqual({ mojeid_is_adult: 'true', sub: 'sub123456789' });
    expect(releasableClaims(account, 'sub123456789', true)).toEqual({ mojeid_valid: 'true', mojeid_is_adult: 'true', sub: 'sub123456789' });
  });

  it('lists requested claims from scope and claims parameter, ignoring unknown and broken input', () => {
    const names = (scope: unknown, claims: unknown, full = true): string[] => requestedClaims(scope, claims, full).map((d) => d.name);
    expect(names('openid email', '{"id_token":{"mojeid_nia":null,"unknown_claim":null}}')).toEqual(['email', 'email_verified', 'mojeid_nia']);
    expect(names('openid email', '{"id_token":{"mojeid_nia":null}}', false)).toEqual(['email', 'email_verified']);
    expect(names('openid', 'not json')).toEqual([]);
    expect(names(undefined, { userinfo: { address: null } })).toEqual(['address']);
  });
});

describe('acr selection (acr.ts)', () => {
  const account = (acr: string | undefined, loginMethods: SimulatorLoginMethod[]): SimulatorAccount => ({
    id: 'x',
    label: '',
    description: '',
    claims: {},
    loginMethods,
    ...(acr ? { acr } : {}),
  });
  const password = account(undefined, ['password']);
  const otp = account(undefined, ['otp', 'password']);
  const key = account(undefined, ['security-key']);
  const substantial = account(EIDAS_LOA_SUBSTANTIAL, ['password']);
  const high = account(EIDAS_HIGH, ['password']);

  it('asserts the first requested value the account meets, in the order given (OIDC Core §3.1.2.1)', () => {
    expect(selectAcr(key, ['pwd', 'phr'], 'production')).toBe('pwd');
    expect(selectAcr(key, ['phr', 'pwd'], 'production')).toBe('phr');
    expect(selectAcr(otp, ['phr', 'mod-pr', 'pwd'], 'production')).toBe('mod-pr');
    expect(selectAcr(password, ['phr', 'mod-pr'], 'production')).toBeUndefined();
    expect(selectAcr(high, [EIDAS_LOA_HIGH, 'pwd'], 'production')).toBe(EIDAS_LOA_HIGH);
    expect(selectAcr(substantial, [EIDAS_LOA_HIGH, 'pwd'], 'production')).toBe('pwd');
  });

  it('lets high meet substantial, never the reverse, whichever spelling the account was given', () => {
    expect(selectAcr(high, [EIDAS_LOA_SUBSTANTIAL], 'production')).toBe(EIDAS_LOA_SUBSTANTIAL);
    expect(selectAcr(substantial, [EIDAS_LOA_HIGH], 'production')).toBeUndefined();
    expect(selectAcr(substantial, [EIDAS_SUBSTANTIAL], 'manual')).toBe(EIDAS_SUBSTANTIAL);
    expect(selectAcr(high, [EIDAS_SUBSTANTIAL], 'manual')).toBe(EIDAS_SUBSTANTIAL);
  });

  it("ignores values the mode does not advertise, and production's empty value", () => {
    expect(selectAcr(high, [EIDAS_HIGH, EIDAS_SUBSTANTIAL], 'production')).toBeUndefined();
    expect(selectAcr(high, [EIDAS_LOA_HIGH, 'pwd', 'phr'], 'manual')).toBeUndefined();
    expect(selectAcr(high, ['', 'unknown'], 'production')).toBeUndefined();
  });

  it("gives the strongest value when acr is asked for without values", () => {
    expect(selectAcr(high, 'any', 'production')).toBe(EIDAS_LOA_HIGH);
    expect(selectAcr(otp, 'any', 'production')).toBe('mod-pr');
    expect(selectAcr(otp, 'any', 'manual')).toBeUndefined();
    expect(selectAcr(high, 'any', 'manual')).toBe(EIDAS_HIGH);
  });

  it('reads acr_values before the claims parameter, and nothing when acr is not asked for', () => {
    expect(requestedAcr('phr  pwd', { values: ['x'] })).toEqual(['phr', 'pwd']);
    expect(requestedAcr(undefined, { essential: true, values: ['phr'] })).toEqual(['phr']);
    expect(requestedAcr(undefined, { value: 'pwd' })).toEqual(['pwd']);
    expect(requestedAcr(undefined, null)).toBe('any');
    expect(requestedAcr(undefined, undefined)).toBeUndefined();
    expect(requestedAcr('', undefined)).toBeUndefined();
  });

  it('reports amr (RFC 8176) for the strongest login method; password only without any', () => {
    expect(amrOf(password)).toEqual(['pwd']);
    expect(amrOf(otp)).toEqual(['pwd', 'otp', 'mfa']);
    expect(amrOf(key)).toEqual(['pwd', 'hwk', 'mfa']);
    expect(amrOf({ id: 'y', label: '', description: '', claims: {} })).toEqual(['pwd']);
  });
});

describe('discovery document rewrite', () => {
  it('drops what mojeID does not advertise and keeps the rest', () => {
    const out = mojeidDiscoveryDocument({
      issuer: 'http://127.0.0.1:1/oidc/',
      code_challenge_methods_supported: ['S256'],
      end_session_endpoint: 'x',
      authorization_response_iss_parameter_supported: true,
      claims_supported: ['sub'],
    });
    expect(out).not.toHaveProperty('code_challenge_methods_supported');
    expect(out).not.toHaveProperty('end_session_endpoint');
    expect(out).not.toHaveProperty('authorization_response_iss_parameter_supported');
    expect(out['issuer']).toBe('http://127.0.0.1:1/oidc/');
    expect((out['claims_supported'] as string[]).length).toBeGreaterThan(90);
  });
});

describe('views', () => {
  it('escapes HTML', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('CLI options', () => {
  it('registers a client from the documented flags', () => {
    expect(
      parseCliOptions(['--port', '9400', '--client-id', 'X', '--client-secret', 'Y', '--redirect-uri', 'http://127.0.0.1:3000/cb', '--auth-method', 'client_secret_post']),
    ).toEqual({
      kind: 'run',
      host: '127.0.0.1',
      port: 9400,
      mode: 'production',
      clients: [{ client_id: 'X', client_secret: 'Y', redirect_uris: ['http://127.0.0.1:3000/cb'], token_endpoint_auth_method: 'client_secret_post', full_access: true }],
    });
  });

  it('defaults to port 9400 and no client', () => {
    expect(parseCliOptions([])).toEqual({ kind: 'run', host: '127.0.0.1', port: 9400, mode: 'production', clients: [] });
  });

  it('takes --mode manual and refuses other modes', () => {
    expect(parseCliOptions(['--mode', 'manual'])).toMatchObject({ kind: 'run', mode: 'manual' });
    expect(parseCliOptions(['--mode', 'test'])).toEqual({ kind: 'error', message: '--mode must be production or manual, got test' });
    expect(HELP).toContain('--mode <m>');
  });

  it('names the manual mode in the startup text, and leaves the default output as it was', () => {
    const info = { origin: 'http://127.0.0.1:9400', issuer: 'http://127.0.0.1:9400/oidc/', logoutUrl: 'http://127.0.0.1:9400/logout/', caFile: '/tmp/ca.pem' };
    expect(startupText({ ...info, mode: 'manual' }, [])).toMatch(/^mojeID simulator running at http:\/\/127\.0\.0\.1:9400\nMode: manual /);
    expect(startupText({ ...info, mode: 'production' }, [])).toBe(startupText(info, []));
    expect(startupText(info, [])).not.toContain('Mode:');
  });

  it('accepts several redirect URIs and partial access', () => {
    const command = parseCliOptions(['--client-id', 'X', '--client-secret', 'Y', '--redirect-uri', 'http://a.test/cb', '--redirect-uri', 'http://b.test/cb', '--partial-access']);
    expect(command).toMatchObject({ kind: 'run', clients: [{ redirect_uris: ['http://a.test/cb', 'http://b.test/cb'], full_access: false }] });
  });

  it.each([
    [['--help'], 'help'],
    [['-h'], 'help'],
    [['--port', 'x'], 'error'],
    [['--port', '70000'], 'error'],
    [['--client-id', 'X'], 'error'],
    [['--client-id', 'X', '--client-secret', 'Y'], 'error'],
    [['--client-id', 'X', '--client-secret', 'Y', '--redirect-uri', 'http://a.test/cb', '--auth-method', 'private_key_jwt'], 'error'],
    [['--client-secret', 'Y'], 'error'],
    [['--unknown'], 'error'],
  ])('%j is %s', (args, kind) => {
    expect(parseCliOptions(args).kind).toBe(kind);
  });
});
