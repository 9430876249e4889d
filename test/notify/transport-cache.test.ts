/**
 * A kept-alive notification connection is verified once: the verdict is kept per TLS socket until
 * the verified chain expires, never for a refused socket, and never for another CA setting.
 * Real TLS sockets (server asking for a client certificate), the check called as the endpoint does.
 */
import { X509Certificate } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { checkNotificationTransport, type NotificationTransportOptions } from '../../src/tls/client-cert.js';
import { TestCertificateAuthority, selfSignedCertificate, type IssuedCertificate } from 'mojeid-simulator';

const cznic = TestCertificateAuthority.create({ commonName: 'Test CZ.NIC client CA' });
const otherCa = TestCertificateAuthority.create({ commonName: 'Another CA' });
const serverCert = cznic.issueServerCertificate(['127.0.0.1']);
const notAfter = new Date(Date.now() + 3 * 86400_000);
const mojeidCert = cznic.issue({ commonName: 'mojeid.cz notifications', kind: 'client', notAfter });
const selfSigned = selfSignedCertificate({ commonName: 'mojeid.cz self-signed', kind: 'client' });

const options: NotificationTransportOptions = {
  ca: [new X509Certificate(cznic.certPem)],
  trustedProxies: [],
  proxyHeader: 'x-ssl-client-verify',
  insecureTestMode: false,
};

/** The server side of a real mutual-TLS connection, with a count of certificate reads on it. */
async function serverSocketFor(client: IssuedCertificate | { certPem: string; keyPem: string }): Promise<{ socket: tls.TLSSocket; reads: () => number; close: () => Promise<void> }> {
  const server = tls.createServer({ cert: serverCert.certPem, key: serverCert.keyPem, requestCert: true, rejectUnauthorized: false, ca: [cznic.certPem, otherCa.certPem] });
  const accepted = new Promise<tls.TLSSocket>((resolve) => server.once('secureConnection', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const clientSocket = tls.connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, ca: cznic.certPem, cert: client.certPem, key: client.keyPem });
  clientSocket.on('error', () => undefined);
  const socket = await accepted;
  let count = 0;
  const original = socket.getPeerCertificate.bind(socket);
  socket.getPeerCertificate = ((detailed?: boolean) => {
    count += 1;
    return original(detailed as true);
  }) as typeof socket.getPeerCertificate;
  return {
    socket,
    reads: () => count,
    close: async () => {
      clientSocket.destroy();
      socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const noHeader = (): undefined => undefined;

describe('the certificate verdict of a notification connection', () => {
  it('is computed on the first notification and reused for the next ones on the same connection', async () => {
    const peer = await serverSocketFor(mojeidCert);
    try {
      expect(checkNotificationTransport(peer.socket, noHeader, options, undefined)).toEqual({ ok: true, via: 'tls' });
      const afterFirst = peer.reads();
      expect(afterFirst).toBeGreaterThan(0);
      for (let i = 0; i < 5; i += 1) expect(checkNotificationTransport(peer.socket, noHeader, options, undefined)).toEqual({ ok: true, via: 'tls' });
      expect(peer.reads()).toBe(afterFirst);
    } finally {
      await peer.close();
    }
  });

  it('ends when the certificate expires: the connection is checked again, and refused', async () => {
    const peer = await serverSocketFor(mojeidCert);
    try {
      expect(checkNotificationTransport(peer.socket, noHeader, options, undefined).ok).toBe(true);
      const later = new Date(notAfter.getTime() + 60_000);
      const verdict = checkNotificationTransport(peer.socket, noHeader, options, undefined, later);
      expect(verdict).toEqual({ ok: false, refusal: 'certificate_invalid', detail: 'the certificate is expired or not yet valid' });
    } finally {
      await peer.close();
    }
  });

  it('is not reused under another CA setting', async () => {
    const peer = await serverSocketFor(mojeidCert);
    try {
      expect(checkNotificationTransport(peer.socket, noHeader, options, undefined).ok).toBe(true);
      const otherOptions = { ...options, ca: [new X509Certificate(otherCa.certPem)] };
      const verdict = checkNotificationTransport(peer.socket, noHeader, otherOptions, undefined);
      expect(verdict).toMatchObject({ ok: false, refusal: 'certificate_invalid' });
    } finally {
      await peer.close();
    }
  });

  it('is never kept for a refused connection', async () => {
    const peer = await serverSocketFor(selfSigned);
    try {
      expect(checkNotificationTransport(peer.socket, noHeader, options, undefined)).toMatchObject({ ok: false, refusal: 'certificate_invalid' });
      const afterFirst = peer.reads();
      expect(checkNotificationTransport(peer.socket, noHeader, options, undefined)).toMatchObject({ ok: false, refusal: 'certificate_invalid' });
      expect(peer.reads()).toBeGreaterThan(afterFirst);
    } finally {
      await peer.close();
    }
  });
});
