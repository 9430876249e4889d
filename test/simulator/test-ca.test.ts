/**
 * The simulator's test CA issues the certificates the mTLS notification tests rely on: a CA that
 * may sign, leaves that may not, the extended key usage each side's TLS check looks at, the
 * server's addresses, a chain through an intermediate, and any validity period, past ones included.
 */
import { X509Certificate } from 'node:crypto';
import { TestCertificateAuthority, selfSignedCertificate } from 'mojeid-simulator';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

describe('TestCertificateAuthority', () => {
  const root = TestCertificateAuthority.create({ commonName: 'Test CZ.NIC CA', organization: 'CZ.NIC test' });

  it('is a self-signed CA certificate with the given name', () => {
    expect({ ca: root.cert.ca, subject: root.cert.subject, selfSigned: root.cert.checkIssued(root.cert), verifies: root.cert.verify(root.cert.publicKey) }).toEqual({
      ca: true,
      subject: 'O=CZ.NIC test\nCN=Test CZ.NIC CA',
      selfSigned: true,
      verifies: true,
    });
  });

  it('issues a server certificate for IP addresses and DNS names, signed by it, for server authentication only', () => {
    const server = root.issueServerCertificate(['127.0.0.1', 'localhost', '::1']);
    expect({
      ca: server.cert.ca,
      issuedByRoot: server.cert.checkIssued(root.cert),
      verifies: server.cert.verify(root.cert.publicKey),
      san: server.cert.subjectAltName,
      usage: server.cert.keyUsage,
      localhost: server.cert.checkHost('localhost'),
      ip: server.cert.checkIP('127.0.0.1'),
      ipv6: server.cert.checkIP('::1'),
    }).toEqual({
      ca: false,
      issuedByRoot: true,
      verifies: true,
      san: 'IP Address:127.0.0.1, DNS:localhost, IP Address:0:0:0:0:0:0:0:1',
      usage: [SERVER_AUTH],
      localhost: 'localhost',
      ip: '127.0.0.1',
      ipv6: '::1',
    });
    expect(new X509Certificate(server.certPem).fingerprint256).toBe(server.cert.fingerprint256);
    expect(server.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('issues client certificates through an intermediate CA, with the validity asked for (UTCTime before 2050, GeneralizedTime after)', () => {
    const intermediate = root.issueSubordinate('Test CZ.NIC intermediate');
    const client = intermediate.issue({ commonName: 'mojeid.cz notifications', kind: 'client', notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2060-06-01T12:00:00Z') });
    expect({
      intermediateIsCa: intermediate.cert.ca,
      intermediateFromRoot: intermediate.cert.verify(root.cert.publicKey),
      clientFromIntermediate: client.cert.verify(intermediate.cert.publicKey),
      clientFromRoot: client.cert.checkIssued(root.cert),
      usage: client.cert.keyUsage,
      validFrom: new Date(client.cert.validFrom).toISOString(),
      validTo: new Date(client.cert.validTo).toISOString(),
    }).toEqual({
      intermediateIsCa: true,
      intermediateFromRoot: true,
      clientFromIntermediate: true,
      clientFromRoot: false,
      usage: [CLIENT_AUTH],
      validFrom: '2020-01-01T00:00:00.000Z',
      validTo: '2060-06-01T12:00:00.000Z',
    });
  });

  it('makes self-signed leaves that no CA vouches for, each with a serial of its own', () => {
    const self = selfSignedCertificate({ commonName: 'mojeid.cz self-signed', kind: 'client' });
    const other = selfSignedCertificate({ commonName: 'mojeid.cz self-signed', kind: 'client' });
    expect({ ca: self.cert.ca, selfSigned: self.cert.verify(self.cert.publicKey), fromRoot: self.cert.checkIssued(root.cert) }).toEqual({ ca: false, selfSigned: true, fromRoot: false });
    expect(self.cert.serialNumber).not.toBe(other.cert.serialNumber);
  });
});
