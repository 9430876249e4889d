/** The account-creation options (ch. 6) in the configuration schema: defaults, variables, one message per bad value. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigurationError, resolveConfig, type MojeIdOptions } from '../../src/index.js';
import { TestCertificateAuthority, selfSignedCertificate } from 'mojeid-simulator';

const base = { clientId: 'abc', clientSecret: 's', baseUrl: 'https://shop.example.cz', useEnvironment: false } as const;

function issuesOf(options: MojeIdOptions): Array<{ variable: string; message: string }> {
  try {
    resolveConfig(options);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.issues.map((i) => ({ variable: i.variable, message: i.message }));
    throw error;
  }
  return [];
}

const ca = TestCertificateAuthority.create({ commonName: 'Test CZ.NIC CA' });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-ca-'));
const caFile = path.join(dir, 'ca.pem');
fs.writeFileSync(caFile, ca.certPem);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('has safe defaults: the environment’s endpoints (§8.2), no transfer, 1 h nonces, no way to notify configured', () => {
  const config = resolveConfig({ ...base, environment: 'test' });
  expect(config.endpoints.registrationUrl).toBe('https://mojeid.regtest.nic.cz/registration/endpoint/');
  expect(config.endpoints.transferUrl).toBe('https://mojeid.regtest.nic.cz/transfer/endpoint/');
  expect(config.accountTransfer).toBe(false);
  expect(config.accountRegistrationTtl).toBe(3600);
  expect(config.notifyCa).toEqual([]);
  expect(config.notifyTrustedProxies).toEqual([]);
  expect(config.notifyProxyHeader).toBe('x-ssl-client-verify');
  expect(config.notifyProxyCertHeader).toBe('x-ssl-client-cert');
  expect(config.notifyProxyVerdictOnly).toBe(false);
  expect(config.notifyPins).toEqual([]);
  expect(config.notifyInsecureTestMode).toBe(false);
});

it('reads the pins and the proxy certificate options (MOJEID_NOTIFY_PINS, _PROXY_CERT_HEADER, _PROXY_VERDICT_ONLY)', () => {
  const digest = Buffer.alloc(32, 7).toString('base64');
  const config = resolveConfig({
    ...base,
    useEnvironment: true,
    env: {
      MOJEID_ENV: 'production',
      MOJEID_NOTIFY_CA_FILE: caFile,
      MOJEID_NOTIFY_TRUSTED_PROXIES: '127.0.0.1',
      MOJEID_NOTIFY_PROXY_CERT_HEADER: 'X-Client-Cert',
      MOJEID_NOTIFY_PINS: `sha256/${digest}; subject:CN=mojeid.cz notifications, O=CZ.NIC`,
    },
  });
  expect(config.notifyProxyCertHeader).toBe('x-client-cert');
  expect(config.notifyPins).toEqual([
    { kind: 'spki-sha256', digest },
    { kind: 'subject', attributes: [['CN', 'mojeid.cz notifications'], ['O', 'CZ.NIC']] },
  ]);
  const verdictOnly = resolveConfig({ ...base, environment: 'production', useEnvironment: true, env: { MOJEID_NOTIFY_TRUSTED_PROXIES: '127.0.0.1', MOJEID_NOTIFY_PROXY_VERDICT_ONLY: 'true' } });
  expect(verdictOnly.notifyProxyVerdictOnly).toBe(true);
  expect(verdictOnly.notifyCa).toEqual([]);
});

it('reads every MOJEID_* variable of account creation', () => {
  const config = resolveConfig({
    ...base,
    useEnvironment: true,
    env: {
      MOJEID_ENV: 'production',
      MOJEID_ACCOUNT_REGISTRATION_URL: 'https://direct.mojeid.cz/registration/direct/',
      MOJEID_ACCOUNT_TRANSFER_URL: 'https://mojeid.cz/transfer/endpoint/',
      MOJEID_ACCOUNT_TRANSFER: 'true',
      MOJEID_ACCOUNT_REGISTRATION_TTL: '7200',
      MOJEID_NOTIFY_CA_FILE: caFile,
      MOJEID_NOTIFY_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/24 ::1',
      MOJEID_NOTIFY_PROXY_HEADER: 'X-Client-Verify',
    },
  });
  expect(config.endpoints.registrationUrl).toBe('https://direct.mojeid.cz/registration/direct/');
  expect(config.accountTransfer).toBe(true);
  expect(config.accountRegistrationTtl).toBe(7200);
  expect(config.notifyCa.map((c) => c.fingerprint256)).toEqual([ca.cert.fingerprint256]);
  expect(config.notifyTrustedProxies).toEqual(['127.0.0.1', '10.0.0.0/24', '::1']);
  expect(config.notifyProxyHeader).toBe('x-client-verify');
});

it('takes the CA as PEM text or a Buffer too', () => {
  expect(resolveConfig({ ...base, environment: 'test', notifyCa: ca.certPem }).notifyCa).toHaveLength(1);
  expect(resolveConfig({ ...base, environment: 'test', notifyCa: Buffer.from(ca.certPem) }).notifyCa).toHaveLength(1);
});

it('names each bad value once, with the variable', () => {
  const leaf = selfSignedCertificate({ commonName: 'a leaf', kind: 'client' });
  const expired = TestCertificateAuthority.create({ notBefore: new Date('2019-01-01'), notAfter: new Date('2020-01-01') });
  const cases: Array<[MojeIdOptions, string, RegExp]> = [
    [{ notifyCa: path.join(dir, 'missing.pem') }, 'MOJEID_NOTIFY_CA_FILE', /cannot read .*ENOENT/],
    [{ notifyCa: Buffer.from('hello') }, 'MOJEID_NOTIFY_CA_FILE', /contains no PEM certificate/],
    [{ notifyCa: leaf.certPem }, 'MOJEID_NOTIFY_CA_FILE', /is not a CA certificate/],
    [{ notifyCa: expired.certPem }, 'MOJEID_NOTIFY_CA_FILE', /expired/],
    [{ notifyTrustedProxies: ['127.0.0.1', 'proxy.example.cz', '10.0.0.0/99'], notifyCa: ca.certPem }, 'MOJEID_NOTIFY_TRUSTED_PROXIES', /"proxy\.example\.cz", "10\.0\.0\.0\/99"/],
    [{ notifyProxyHeader: 'x ssl' }, 'MOJEID_NOTIFY_PROXY_HEADER', /header name/],
    [{ notifyProxyCertHeader: 'x ssl cert' }, 'MOJEID_NOTIFY_PROXY_CERT_HEADER', /header name/],
    [{ notifyPins: ['sha256/tooShort='] }, 'MOJEID_NOTIFY_PINS', /44 characters of base64/],
    [{ notifyPins: ['subject:CN'] }, 'MOJEID_NOTIFY_PINS', /subject:KEY=value/],
    [{ notifyPins: ['md5/abc'] }, 'MOJEID_NOTIFY_PINS', /expected sha256\/<base64>/],
    [{ notifyTrustedProxies: ['127.0.0.1'] }, 'MOJEID_NOTIFY_CA_FILE', /MOJEID_NOTIFY_PROXY_VERDICT_ONLY=true for the weaker mode/],
    [{ accountRegistrationTtl: 0 }, 'MOJEID_ACCOUNT_REGISTRATION_TTL', /greater than 0/],
    [{ accountRegistrationUrl: 'http://mojeid.cz/registration/endpoint/' }, 'MOJEID_ACCOUNT_REGISTRATION_URL', /must use https/],
  ];
  for (const [options, variable, message] of cases) {
    const issues = issuesOf({ ...base, environment: 'test', ...options });
    expect(issues).toEqual([{ variable, message: expect.stringMatching(message) }]);
  }
});

it('refuses the insecure test mode with the production environment (§6.2), allows it with the test instance', () => {
  expect(issuesOf({ ...base, environment: 'production', notifyInsecureTestMode: true })).toEqual([
    { variable: 'MOJEID_NOTIFY_INSECURE_TEST_MODE', message: expect.stringContaining('production notifications must be verified') },
  ]);
  expect(issuesOf({ ...base, issuer: 'https://mojeid.cz/oidc/', notifyInsecureTestMode: true })).toHaveLength(1);
  expect(resolveConfig({ ...base, environment: 'test', notifyInsecureTestMode: true }).notifyInsecureTestMode).toBe(true);
});

it.each([
  'https://MOJEID.CZ/oidc/',
  'https://mojeid.cz:443/oidc/',
  'https://mojeid.cz./oidc/',
  'https://www.mojeid.cz/oidc/',
  'https://idp.example.cz/oidc/',
])('refuses the insecure test mode with the issuer %s: only the test instance or a loopback issuer may use it', (issuer) => {
  expect(issuesOf({ ...base, issuer, notifyInsecureTestMode: true })).toEqual([
    { variable: 'MOJEID_NOTIFY_INSECURE_TEST_MODE', message: expect.stringContaining('test instance') },
  ]);
});

it.each(['https://mojeid.regtest.nic.cz/oidc/', 'https://MOJEID.regtest.nic.cz.:443/oidc/', 'http://127.0.0.1:9000/oidc/', 'http://localhost:8080/oidc/', 'http://[::1]:8080/oidc/'])(
  'allows the insecure test mode with the issuer %s',
  (issuer) => {
    expect(resolveConfig({ ...base, issuer, notifyInsecureTestMode: true }).notifyInsecureTestMode).toBe(true);
  },
);

it('reports a variable that does not parse once', () => {
  const issues = issuesOf({ ...base, environment: 'test', useEnvironment: true, env: { MOJEID_NOTIFY_INSECURE_TEST_MODE: 'maybe', MOJEID_ACCOUNT_REGISTRATION_TTL: 'soon' } });
  expect(issues.map((i) => i.variable).sort()).toEqual(['MOJEID_ACCOUNT_REGISTRATION_TTL', 'MOJEID_NOTIFY_INSECURE_TEST_MODE']);
});
