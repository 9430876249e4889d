/**
 * Property-based test of POST /auth/mojeid/notify over real TLS with a valid CZ.NIC client
 * certificate: generated bodies never cause a 5xx, a crash or a leak, and never consume or alter
 * the nonce the app issued, which still gets its one acceptance afterwards.
 */
import fc from 'fast-check';
import { MemoryRegistrationStore } from '../../src/index.js';
import { TestCertificateAuthority } from 'mojeid-simulator';
import { postNotification, startNotifyApp, type NotifyApp } from '../helpers/notify.js';

const cznic = TestCertificateAuthority.create({ commonName: 'Test CZ.NIC client CA' });
const serverCert = cznic.issueServerCertificate(['127.0.0.1', 'localhost']);
const mojeidCert = cznic.issue({ commonName: 'mojeid.cz notifications', kind: 'client' });
const NONCE = 'fuzz-nonce-issued-by-the-app-Qm8rT2kLpAxyz0123456789abc';
const LEAK = /\bat [\w.<>]+ \(|node_modules|\.ts:\d+|Error: |fuzz-nonce-issued/;

let app: NotifyApp;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  const store = new MemoryRegistrationStore();
  app = await startNotifyApp({ tls: { certPem: serverCert.certPem, keyPem: serverCert.keyPem, clientCa: [cznic.certPem] }, store, router: { notifyCa: cznic.certPem } });
  await store.save({ registrationNonce: NONCE, localUser: 'user-42', variant: 'registration', createdAt: Date.now(), expiresAt: Date.now() + 600_000 });
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await app.close();
});

const KEYS = ['registration_nonce', 'sub', 'status', 'mode', 'reason', 'x', '', '__proto__', 'status[]'];
const VALUES = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('REGISTERED', 'VALIDATED', 'IDENTIFIED', 'CONDITIONALLY_IDENTIFIED', 'registered', '%FF', '%0D%0Amode:accept', '248289761001', NONCE.slice(0, -1), `${NONCE}x`),
);
const body = fc.oneof(
  fc.array(fc.tuple(fc.constantFrom(...KEYS), VALUES), { maxLength: 8 }).map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')),
  fc.string({ maxLength: 200 }),
  fc.constant('a'.repeat(8192)),
);

it('never answers 5xx, never leaks, and leaves the issued nonce for the real notification', async () => {
  await fc.assert(
    fc.asyncProperty(body, async (raw) => {
      const answer = await postNotification(`${app.origin}/auth/mojeid/notify`, raw, { ca: cznic.certPem, cert: mojeidCert.certPem, key: mojeidCert.keyPem });
      expect(answer.status).toBeLessThan(500);
      expect(answer.body).not.toMatch(LEAK);
      // Only a well-formed status change for a known status may be accepted (no nonce involved).
      if (answer.body.startsWith('mode:accept')) expect(raw).toMatch(/status=(VALIDATED|IDENTIFIED|CONDITIONALLY_IDENTIFIED)/);
    }),
    { numRuns: 400 },
  );
  expect(app.logLines.join('\n')).not.toMatch(LEAK);
  const registrations = app.notifications.filter((n) => n.status === 'REGISTERED');
  expect(registrations).toEqual([]);
  const real = await postNotification(`${app.origin}/auth/mojeid/notify`, { registration_nonce: NONCE, sub: '248289761001', status: 'REGISTERED' }, { ca: cznic.certPem, cert: mojeidCert.certPem, key: mojeidCert.keyPem });
  expect(real).toEqual({ status: 200, body: 'mode:accept\n' });
  expect(unhandled).toEqual([]);
});
