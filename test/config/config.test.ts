import { acrSatisfies } from '../../src/assurance.js';
import { resolveConfig, optionsFromEnvironment, renderConfigurationTable } from '../../src/config.js';
import { ConfigurationError } from '../../src/errors.js';

const VALID_ENV = {
  MOJEID_ENV: 'test',
  MOJEID_CLIENT_ID: 'abcDEF123456',
  MOJEID_CLIENT_SECRET: 'super-secret-value',
  MOJEID_BASE_URL: 'https://shop.example.cz',
};

function issuesFor(env: Record<string, string | undefined>): ConfigurationError {
  try {
    resolveConfig({ env });
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('resolveConfig from MOJEID_* variables', () => {
  it('accepts a minimal valid environment and derives the callback URL', () => {
    const config = resolveConfig({ env: VALID_ENV });
    expect(config.issuer).toBe('https://mojeid.regtest.nic.cz/oidc/');
    expect(config.environment).toBe('test');
    expect(config.redirectUri).toBe('https://shop.example.cz/auth/mojeid/callback');
    expect(config.scope).toEqual(['openid']);
    expect(config.tokenEndpointAuthMethod).toBe('client_secret_basic');
    expect(config.pkce).toBe(true);
    expect(config.endpoints.logoutUrl).toBe('https://mojeid.regtest.nic.cz/logout/');
  });

  it('uses mojeid.cz for MOJEID_ENV=production (§8.3)', () => {
    const config = resolveConfig({ env: { ...VALID_ENV, MOJEID_ENV: 'production' } });
    expect(config.issuer).toBe('https://mojeid.cz/oidc/');
    expect(config.endpoints.logoutUrl).toBe('https://mojeid.cz/logout/');
  });

  it('never exposes the client secret through JSON or enumeration', () => {
    const config = resolveConfig({ env: VALID_ENV });
    expect(config.clientSecret).toBe('super-secret-value');
    expect(JSON.stringify(config)).not.toContain('super-secret-value');
    expect(Object.keys(config)).not.toContain('clientSecret');
  });

  it('lists every missing required variable, each by name', () => {
    const error = issuesFor({});
    expect(error.code).toBe('invalid_configuration');
    const variables = error.issues.map((i) => i.variable);
    expect(variables).toEqual(expect.arrayContaining(['MOJEID_ENV', 'MOJEID_CLIENT_ID', 'MOJEID_CLIENT_SECRET', 'MOJEID_BASE_URL']));
    expect(error.message).toContain('MOJEID_CLIENT_ID');
  });

  const cases: Array<[string, Record<string, string>, string, RegExp]> = [
    ['an unknown environment', { MOJEID_ENV: 'staging' }, 'MOJEID_ENV', /"test" or "production".*staging/],
    ['a plain-http issuer on a public host', { MOJEID_ISSUER: 'http://mojeid.cz/oidc/' }, 'MOJEID_ISSUER', /https/],
    ['an issuer that is not a URL', { MOJEID_ISSUER: 'mojeid' }, 'MOJEID_ISSUER', /absolute URL/],
    ['a base URL with a path', { MOJEID_BASE_URL: 'https://shop.example.cz/app' }, 'MOJEID_BASE_URL', /origin only/],
    ['a plain-http base URL on a public host', { MOJEID_BASE_URL: 'http://shop.example.cz' }, 'MOJEID_BASE_URL', /https/],
    ['an unknown token auth method', { MOJEID_TOKEN_AUTH_METHOD: 'private_key_jwt' }, 'MOJEID_TOKEN_AUTH_METHOD', /client_secret_basic/],
    ['an unknown scope', { MOJEID_SCOPE: 'openid profile wallet' }, 'MOJEID_SCOPE', /"wallet"/],
    ['an unknown claim', { MOJEID_CLAIMS: 'email!,shoe_size' }, 'MOJEID_CLAIMS', /"shoe_size".*claims\.md/],
    ['claims JSON that does not parse', { MOJEID_CLAIMS: '{"email":' }, 'MOJEID_CLAIMS', /does not parse/],
    ['an unknown acr level', { MOJEID_ACR_VALUES: 'low' }, 'MOJEID_ACR_VALUES', /substantial.*high/],
    ['a negative max_age', { MOJEID_MAX_AGE: '-5' }, 'MOJEID_MAX_AGE', /whole number/],
    ['a prompt mixing none with others', { MOJEID_PROMPT: 'none login' }, 'MOJEID_PROMPT', /cannot be combined/],
    ['an unknown prompt', { MOJEID_PROMPT: 'always' }, 'MOJEID_PROMPT', /none, login/],
    ['a non-boolean PKCE switch', { MOJEID_PKCE: 'maybe' }, 'MOJEID_PKCE', /true or false/],
    ['an unknown account requirement', { MOJEID_ACCEPT: 'validated,rich' }, 'MOJEID_ACCEPT', /"rich"/],
    ['a zero HTTP timeout', { MOJEID_HTTP_TIMEOUT: '0' }, 'MOJEID_HTTP_TIMEOUT', /greater than 0/],
    ['an off-site post-logout redirect', { MOJEID_POST_LOGOUT_REDIRECT: '//evil.example' }, 'MOJEID_POST_LOGOUT_REDIRECT', /same-origin path/],
    ['an unknown locale', { MOJEID_LOCALE: 'de' }, 'MOJEID_LOCALE', /"auto", "cs" or "en"/],
    ['a redirect URI with a fragment', { MOJEID_REDIRECT_URI: 'https://shop.example.cz/cb#x' }, 'MOJEID_REDIRECT_URI', /fragment/],
  ];
  it.each(cases)('reports %s under its own variable', (_what, overrides, variable, message) => {
    const error = issuesFor({ ...VALID_ENV, ...overrides });
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.variable).toBe(variable);
    expect(error.issues[0]?.message).toMatch(message);
  });

  it('does not echo the client secret in any message', () => {
    const error = issuesFor({ ...VALID_ENV, MOJEID_ENV: 'nope', MOJEID_CLIENT_SECRET: 'hunter2-hunter2' });
    expect(error.message).not.toContain('hunter2');
  });

  it('accepts plain http for a loopback issuer and base URL (the simulator)', () => {
    const config = resolveConfig({
      env: { ...VALID_ENV, MOJEID_ISSUER: 'http://127.0.0.1:9400/oidc/', MOJEID_BASE_URL: 'http://localhost:3000' },
    });
    expect(config.environment).toBe('custom');
    expect(config.endpoints.logoutUrl).toBe('http://127.0.0.1:9400/logout/');
  });

  it('parses the claims shorthand: "!" marks essential', () => {
    const config = resolveConfig({ env: { ...VALID_ENV, MOJEID_CLAIMS: 'email!, given_name family_name' } });
    expect(config.claims).toEqual({ email: 'essential', given_name: 'optional', family_name: 'optional' });
  });

  it('requests the deciding flags as essential for MOJEID_ACCEPT', () => {
    const config = resolveConfig({ env: { ...VALID_ENV, MOJEID_ACCEPT: 'validated,nia' } });
    expect(config.accept).toEqual(['validated', 'nia']);
    expect(config.claims).toMatchObject({ mojeid_valid: 'essential', mojeid_nia: 'essential' });
  });

  it('always includes openid in the scope, once', () => {
    const config = resolveConfig({ env: { ...VALID_ENV, MOJEID_SCOPE: 'email openid profile email' } });
    expect(config.scope).toEqual(['openid', 'email', 'profile']);
  });

  it('lets options given in code override variables', () => {
    const config = resolveConfig({ env: VALID_ENV, environment: 'production', scope: ['email'] });
    expect(config.issuer).toBe('https://mojeid.cz/oidc/');
    expect(config.scope).toEqual(['openid', 'email']);
  });

  it('ignores the environment entirely with useEnvironment: false', () => {
    const error = (() => {
      try {
        resolveConfig({ env: VALID_ENV, useEnvironment: false });
      } catch (e) {
        return e as ConfigurationError;
      }
      throw new Error('expected an error');
    })();
    expect(error.issues.map((i) => i.option)).toContain('clientId');
  });

  it('reads BASE_URL when MOJEID_BASE_URL is not set', () => {
    const { MOJEID_BASE_URL: _unused, ...rest } = VALID_ENV;
    const { options } = optionsFromEnvironment({ ...rest, BASE_URL: 'https://app.example.cz' });
    expect(options.baseUrl).toBe('https://app.example.cz');
  });
});

describe('acrSatisfies (§5.1.12, field notes)', () => {
  it.each([
    ['http://eidas.europa.eu/oidc/assurance_level/high', 'high', true],
    ['http://eidas.europa.eu/LoA/high', 'high', true],
    ['http://eidas.europa.eu/oidc/assurance_level/high', 'substantial', true],
    ['http://eidas.europa.eu/oidc/assurance_level/substantial', 'high', false],
    ['http://eidas.europa.eu/LoA/substantial', 'substantial', true],
    ['', 'substantial', false],
    ['pwd', 'substantial', false],
    [undefined, 'substantial', false],
  ] as const)('acr %p satisfies %p: %p', (acr, level, expected) => {
    expect(acrSatisfies(acr, level)).toBe(expected);
  });
});

describe('the configuration reference table', () => {
  it('documents every variable the schema reads', () => {
    const table = renderConfigurationTable();
    for (const variable of ['MOJEID_ENV', 'MOJEID_CLIENT_SECRET', 'MOJEID_CLAIMS', 'MOJEID_ACR_VALUES', 'MOJEID_ACCEPT']) {
      expect(table).toContain(`\`${variable}\``);
    }
  });
});
