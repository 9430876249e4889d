/** The example app's HTTPS and account-creation variables (HTTPS_CERT_FILE, HTTPS_KEY_FILE, SIMULATOR_STATUS_DELAY). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../example-app/src/config.js';
import { issuesOf } from './config-issues.js';
import { TestCertificateAuthority, selfSignedCertificate } from 'mojeid-simulator';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-config-'));
const cert = selfSignedCertificate({ commonName: 'localhost', kind: 'server', hosts: ['localhost'] });
const certFile = path.join(dir, 'cert.pem');
const keyFile = path.join(dir, 'key.pem');
const caFile = path.join(dir, 'ca.pem');
fs.writeFileSync(certFile, cert.certPem);
fs.writeFileSync(keyFile, cert.keyPem);
fs.writeFileSync(caFile, TestCertificateAuthority.create().certPem);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('serves HTTPS on https://localhost:PORT when given a certificate and key', () => {
  const config = loadConfig({ HTTPS_CERT_FILE: certFile, HTTPS_KEY_FILE: keyFile });
  expect(config.baseUrl).toBe('https://localhost:3000');
  expect(config.https).toBe(true);
  expect(config.tls?.cert).toBe(cert.certPem);
});

it('names what is wrong with the HTTPS variables', () => {
  expect(issuesOf({ HTTPS_CERT_FILE: certFile })).toEqual([{ variable: 'HTTPS_KEY_FILE', message: expect.stringContaining('needs both') }]);
  expect(issuesOf({ HTTPS_CERT_FILE: path.join(dir, 'nope.pem'), HTTPS_KEY_FILE: keyFile })).toEqual([{ variable: 'HTTPS_CERT_FILE', message: expect.stringContaining('ENOENT') }]);
  expect(issuesOf({ HTTPS_CERT_FILE: keyFile, HTTPS_KEY_FILE: keyFile })).toEqual([{ variable: 'HTTPS_CERT_FILE', message: expect.stringContaining('not a PEM') }]);
  expect(issuesOf({ HTTPS_CERT_FILE: certFile, HTTPS_KEY_FILE: keyFile, BASE_URL: 'http://localhost:3000' })).toEqual([{ variable: 'BASE_URL', message: expect.stringContaining('serve HTTPS') }]);
  expect(issuesOf({ SIMULATOR_STATUS_DELAY: 'soon' })).toEqual([{ variable: 'SIMULATOR_STATUS_DELAY', message: expect.stringContaining('seconds') }]);
});

it('offers account creation with the simulator, or when notifications can be verified', () => {
  expect(loadConfig({}).accountCreation).toBe(true);
  const real = { MOJEID_ENV: 'test', MOJEID_CLIENT_ID: 'abc', MOJEID_CLIENT_SECRET: 's', BASE_URL: 'https://shop.example.cz' };
  expect(loadConfig(real).accountCreation).toBe(false);
  expect(loadConfig({ ...real, MOJEID_NOTIFY_CA_FILE: caFile }).accountCreation).toBe(true);
  expect(issuesOf({ ...real, MOJEID_NOTIFY_CA_FILE: path.join(dir, 'missing.pem') })).toEqual([{ variable: 'MOJEID_NOTIFY_CA_FILE', message: expect.stringContaining('cannot read') }]);
});
