/**
 * A resumed TLS session carries the client's certificate but not the chain it presented: OpenSSL
 * keeps the peer certificate in the session (ticket), not the intermediates. With mojeID's client
 * certificate issued by an intermediate CA and only CZ.NIC's root configured, the verdict must not
 * depend on whether the connection resumed a session (§6.2: "valid and signed by the CZ.NIC
 * certification authority"). Real TLS, TLS 1.2 with session tickets and TLS 1.3.
 */
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { TestCertificateAuthority } from 'mojeid-simulator';
import { startNotifyApp, type NotifyApp } from '../helpers/notify.js';

const cznic = TestCertificateAuthority.create({ commonName: 'Test CZ.NIC root CA' });
const intermediate = cznic.issueSubordinate('Test CZ.NIC client intermediate');
const serverCert = cznic.issueServerCertificate(['127.0.0.1']);
const mojeidCert = intermediate.issue({ commonName: 'mojeid.cz notifications', kind: 'client' });

let app: NotifyApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** POSTs a status change through `agent` (which caches TLS sessions) and says whether the session was resumed. */
function post(agent: https.Agent, url: string, body: Record<string, string>): Promise<{ status: number; body: string; resumed: boolean }> {
  const payload = new URLSearchParams(body).toString();
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(payload)) } },
      (res) => {
        const resumed = (res.socket as TLSSocket).isSessionReused();
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, resumed }));
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

describe.each([
  ['TLS 1.2 with session tickets', 'TLSv1.2'],
  ['TLS 1.3', 'TLSv1.3'],
] as const)('a client certificate from an intermediate CA, %s', (_label, version) => {
  it.each([
    ['only the root configured, the client presents the intermediate', true],
    ['the intermediate configured too, the client presents only its certificate', false],
  ])('accepts the first connection and the resumed second one (%s)', async (_case, presentsIntermediate) => {
    // The server's `ca` holds what MOJEID_NOTIFY_CA_FILE holds, as docs/account-creation.md says.
    const configured = presentsIntermediate ? [cznic.certPem] : [cznic.certPem, intermediate.certPem];
    app = await startNotifyApp({
      tls: { certPem: serverCert.certPem, keyPem: serverCert.keyPem, clientCa: configured },
      router: { notifyCa: configured.join('') },
    });
    const agent = new https.Agent({
      keepAlive: false,
      maxCachedSessions: 10,
      ca: cznic.certPem,
      cert: presentsIntermediate ? mojeidCert.certPem + intermediate.certPem : mojeidCert.certPem,
      key: mojeidCert.keyPem,
      minVersion: version,
      maxVersion: version,
    });
    try {
      const url = `${app.origin}/auth/mojeid/notify`;
      const first = await post(agent, url, { sub: '248289761099', status: 'CONDITIONALLY_IDENTIFIED' });
      expect(first).toEqual({ status: 200, body: 'mode:accept\n', resumed: false });
      const second = await post(agent, url, { sub: '248289761099', status: 'VALIDATED' });
      expect(second).toEqual({ status: 200, body: 'mode:accept\n', resumed: true });
      expect(app.notifications.map((n) => n.status)).toEqual(['CONDITIONALLY_IDENTIFIED', 'VALIDATED']);
    } finally {
      agent.destroy();
    }
  });
});
