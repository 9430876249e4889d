/**
 * `sessionClaims` and `defaultUser`: the default session user keeps `sub`, display name and e-mail,
 * and of the other claims only those the app lists (Appendix 7 point 4; the session store is a
 * second copy of personal data). The same through real logins is in pii-scan.test.ts.
 */
import { ConfigurationError, defaultUser, resolveConfig, type MojeIdOptions } from '../../src/index.js';
import { buildProfile } from '../../src/profile.js';
import type { MojeIdClaims } from '../../src/claims/types.js';

const base = { clientId: 'abc', clientSecret: 's', baseUrl: 'https://shop.example.cz', environment: 'test', useEnvironment: false } as const;

function issuesOf(options: MojeIdOptions): Array<{ option: string; variable: string; message: string }> {
  try {
    resolveConfig(options);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.issues.map((i) => ({ option: i.option, variable: i.variable, message: i.message }));
    throw error;
  }
  return [];
}

function profileWith(claims: MojeIdClaims): ReturnType<typeof buildProfile> {
  return buildProfile({
    claims,
    claimProblems: [],
    idToken: { iss: 'https://mojeid.regtest.nic.cz/oidc/', sub: claims.sub },
    userinfo: undefined,
    tokens: { accessToken: 'access-token-value', idToken: 'id.token.value', tokenType: 'bearer', expiresIn: 600, refreshToken: undefined, scope: 'openid' },
  });
}

const CLAIMS: MojeIdClaims = {
  sub: '248289761777',
  email: 'eva.mala@example.cz',
  given_name: 'Eva',
  family_name: 'Malá',
  birthdate: '1971-04-02',
  mojeid_ident_card: '309812774',
  mojeid_bank_account_iban: 'CZ1203000000000123456789',
};

describe('sessionClaims in the configuration', () => {
  it('defaults to none, so the default user keeps only sub', () => {
    expect(resolveConfig(base).sessionClaims).toEqual([]);
  });

  it('reads MOJEID_SESSION_CLAIMS as comma- or space-separated names, without repeats', () => {
    const config = resolveConfig({ ...base, useEnvironment: true, env: { MOJEID_SESSION_CLAIMS: 'given_name, family_name given_name,sub' } });
    expect(config.sessionClaims).toEqual(['given_name', 'family_name', 'sub']);
    expect(Object.isFrozen(config.sessionClaims)).toBe(true);
  });

  it('names the variable for a claim outside the catalogue, including names every object inherits', () => {
    for (const name of ['shoe_size', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(issuesOf({ ...base, sessionClaims: [name] })).toEqual([
        { option: 'sessionClaims', variable: 'MOJEID_SESSION_CLAIMS', message: expect.stringContaining(`unknown claim ${JSON.stringify(name)}`) as unknown as string },
      ]);
    }
    expect(issuesOf({ ...base, useEnvironment: true, env: { MOJEID_SESSION_CLAIMS: 'given_name,birth_date' } })).toEqual([
      { option: 'sessionClaims', variable: 'MOJEID_SESSION_CLAIMS', message: expect.stringContaining('"birth_date"') as unknown as string },
    ]);
  });

  it('refuses a single string in code, where a list was meant', () => {
    expect(issuesOf({ ...base, sessionClaims: 'given_name' as unknown as string[] })).toEqual([
      { option: 'sessionClaims', variable: 'MOJEID_SESSION_CLAIMS', message: expect.stringContaining('list of claim names') as unknown as string },
    ]);
  });
});

describe('defaultUser', () => {
  it('keeps id, display name, e-mail and sub, and drops every other claim by default', () => {
    const user = defaultUser(profileWith(CLAIMS));
    expect(user).toEqual({ provider: 'mojeid', id: CLAIMS.sub, displayName: 'Eva Malá', email: 'eva.mala@example.cz', claims: { sub: CLAIMS.sub } });
    const stored = JSON.stringify(user);
    for (const value of ['1971-04-02', '309812774', 'CZ1203000000000123456789', 'access-token-value', 'id.token.value']) expect(stored).not.toContain(value);
  });

  it('keeps the listed claims that were released, and nothing for listed claims that were not', () => {
    const user = defaultUser(profileWith(CLAIMS), ['birthdate', 'phone_number']);
    expect(user.claims).toEqual({ sub: CLAIMS.sub, birthdate: '1971-04-02' });
  });

  it('copies own claims only: a listed inherited name copies nothing and changes no prototype', () => {
    const inherited = Object.assign(Object.create({ mojeid_ident_pass: '77001234' }) as MojeIdClaims, { sub: CLAIMS.sub });
    const user = defaultUser(profileWith(inherited), ['mojeid_ident_pass', 'constructor', '__proto__']);
    expect(Object.getPrototypeOf(user.claims)).toBe(Object.prototype);
    expect(Object.keys(user.claims)).toEqual(['sub']);
    expect(JSON.stringify(user)).not.toContain('77001234');
  });
});
