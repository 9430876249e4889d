/**
 * The renewal options in the configuration schema (§5.1.3): their variables, defaults and checks,
 * and what the strategy makes of them.
 */
import { ConfigurationError, MojeIdStrategy, RedisCredentialStore, resolveConfig, type MojeIdOptions } from '../../src/index.js';
import { MemoryCredentialStore } from './helpers.js';

const BASE: MojeIdOptions = { useEnvironment: false, environment: 'test', clientId: 's6BhdRkqt3', clientSecret: 'secret', baseUrl: 'https://shop.example.cz' };

function issuesOf(options: MojeIdOptions): string[] {
  try {
    resolveConfig(options);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.issues.map((i) => `${i.variable}: ${i.message}`);
    throw error;
  }
  return [];
}

describe('renewal configuration', () => {
  it('reads the MOJEID_* variables of a dynamic registration', () => {
    const config = resolveConfig({
      env: {
        MOJEID_ENV: 'test',
        MOJEID_CLIENT_ID: 's6BhdRkqt3',
        MOJEID_CLIENT_SECRET: 'secret',
        MOJEID_BASE_URL: 'https://shop.example.cz',
        MOJEID_REGISTRATION_ACCESS_TOKEN: 'MY.SECRET.REGISTRATION.ACCESS.TOKEN',
        MOJEID_REGISTRATION_CLIENT_URI: 'https://mojeid.regtest.nic.cz/oidc/registration/?client_id=s6BhdRkqt3',
        MOJEID_CLIENT_SECRET_EXPIRES_AT: '1577858400',
        MOJEID_CREDENTIALS_FILE: '/var/lib/shop/mojeid.json',
        MOJEID_RENEWAL_MARGIN: '3600',
      },
    });
    expect(config).toMatchObject({
      registrationAccessToken: 'MY.SECRET.REGISTRATION.ACCESS.TOKEN',
      registrationClientUri: 'https://mojeid.regtest.nic.cz/oidc/registration/?client_id=s6BhdRkqt3',
      clientSecretExpiresAt: 1577858400,
      credentialsFile: '/var/lib/shop/mojeid.json',
      renewalMargin: 3600,
    });
    // Like the client secret, the token never shows in logs of the config.
    expect(JSON.stringify(config)).not.toContain('MY.SECRET');
  });

  it('derives the configuration endpoint as mojeID lays it out, and keeps credentials in a file by default', () => {
    const config = resolveConfig({ ...BASE, registrationAccessToken: 'token' });
    expect(config.registrationClientUri).toBe('https://mojeid.regtest.nic.cz/oidc/registration/?client_id=s6BhdRkqt3');
    expect(config.credentialsFile).toBe('.mojeid-credentials.json');
    expect(config.renewalMargin).toBe(6 * 3600);
    expect(resolveConfig(BASE).credentialsFile).toBeUndefined();
    expect(resolveConfig({ ...BASE, registrationAccessToken: 'token', credentialStore: new MemoryCredentialStore() }).credentialsFile).toBeUndefined();
  });

  it('refuses a configuration endpoint off the issuer (the token is sent there) or over plain http', () => {
    expect(issuesOf({ ...BASE, registrationClientUri: 'https://attacker.example/oidc/registration/?client_id=x' })).toEqual([
      "MOJEID_REGISTRATION_CLIENT_URI: must be on the issuer's origin https://mojeid.regtest.nic.cz, got https://attacker.example",
    ]);
    expect(issuesOf({ ...BASE, registrationClientUri: 'http://mojeid.regtest.nic.cz/oidc/registration/' })[0]).toMatch(/must use https/);
  });

  it('names the variable of every unusable value', () => {
    const issues = issuesOf({
      useEnvironment: true,
      env: { MOJEID_ENV: 'test', MOJEID_CLIENT_ID: 'a', MOJEID_CLIENT_SECRET: 's', MOJEID_BASE_URL: 'https://shop.example.cz', MOJEID_CLIENT_SECRET_EXPIRES_AT: 'tomorrow', MOJEID_RENEWAL_MARGIN: '0' },
    });
    expect(issues).toEqual([expect.stringMatching(/^MOJEID_CLIENT_SECRET_EXPIRES_AT: /), expect.stringMatching(/^MOJEID_RENEWAL_MARGIN: /)]);
  });

  it('lets the secret come from a credentials file or store instead of MOJEID_CLIENT_SECRET', () => {
    const { clientSecret: _omitted, ...withoutSecret } = BASE;
    expect(issuesOf(withoutSecret)).toEqual([expect.stringMatching(/^MOJEID_CLIENT_SECRET: not set/)]);
    expect(issuesOf({ ...withoutSecret, credentialsFile: '/tmp/x.json' })).toEqual([]);
    expect(issuesOf({ ...withoutSecret, credentialStore: new MemoryCredentialStore() })).toEqual([]);
  });
});

describe('the strategy with a credential store', () => {
  it('takes the secret from the store, and explains an empty one at the first login', async () => {
    const { clientSecret: _omitted, ...withoutSecret } = BASE;
    const filled = new MojeIdStrategy(
      { ...withoutSecret, credentialStore: new MemoryCredentialStore({ client_id: 's6BhdRkqt3', client_secret: 'from-the-store', client_secret_expires_at: 0 }) },
      () => undefined,
    );
    const empty = new MojeIdStrategy({ ...withoutSecret, credentialStore: new MemoryCredentialStore() }, () => undefined);
    try {
      await filled.renewal?.ready;
      expect(filled.renewal?.current()).toEqual({ clientId: 's6BhdRkqt3', clientSecret: 'from-the-store' });
      await expect(empty.provider.configuration()).rejects.toThrow(/MOJEID_CLIENT_SECRET.*holds no credentials/);
    } finally {
      filled.close();
      empty.close();
    }
  });

  it('has no renewal without a registration access token or a store', () => {
    const strategy = new MojeIdStrategy(BASE, () => undefined);
    expect(strategy.renewal).toBeUndefined();
    strategy.close(); // harmless
  });
});

describe('RedisCredentialStore', () => {
  it('keeps the credentials as JSON under one key through `call`', async () => {
    const data = new Map<string, string>();
    const client = {
      call: async (command: string, ...args: Array<string | number>): Promise<unknown> => {
        if (command === 'GET') return data.get(String(args[0])) ?? null;
        if (command === 'SET') return void data.set(String(args[0]), String(args[1]));
        throw new Error(`unexpected ${command}`);
      },
    };
    const store = new RedisCredentialStore({ client, key: 'shop:mojeid' });
    expect(await store.load()).toBeUndefined();
    await store.save({ client_id: 'a', client_secret: 'b', client_secret_expires_at: 5 });
    expect(JSON.parse(data.get('shop:mojeid') as string)).toEqual({ client_id: 'a', client_secret: 'b', client_secret_expires_at: 5 });
    expect(await store.load()).toEqual({ client_id: 'a', client_secret: 'b', client_secret_expires_at: 5 });
    expect(() => new RedisCredentialStore({ client: {} as never })).toThrow(/ioredis client/);
    const broken = new RedisCredentialStore({ client: { call: async () => Promise.reject(new Error('ECONNREFUSED')) } });
    await expect(broken.load()).rejects.toThrow(/cannot read the Redis key mojeid:client-credentials: ECONNREFUSED/);
  });
});
