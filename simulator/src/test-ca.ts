/**
 * A small certificate authority for tests: the simulator signs its notification client
 * certificate with it (standing in for the CZ.NIC CA of §6.2), and tests issue the app's server
 * certificate, and deliberately bad client certificates (expired, self-signed, from another CA),
 * from it.
 *
 * X.509 v3 certificates are built here in DER with `node:crypto` alone (P-256 keys, ECDSA with
 * SHA-256): the simulator ships in the package, so it needs neither a runtime dependency nor an
 * `openssl` binary (absent on some systems, LibreSSL with other flags on macOS), and tests can set
 * any validity period, including one in the past, which `openssl x509 -days` cannot.
 *
 * @module
 */
import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';

// --- DER (ITU-T X.690) -------------------------------------------------------------------------

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

const sequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const octetString = (content: Buffer): Buffer => tlv(0x04, content);
const utf8String = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));
const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 + n, content);
const booleanTrue = (): Buffer => tlv(0x01, Buffer.from([0xff]));

function integer(value: Buffer): Buffer {
  let bytes = value;
  while (bytes.length > 1 && bytes[0] === 0 && ((bytes[1] ?? 0) & 0x80) === 0) bytes = bytes.subarray(1);
  if (((bytes[0] ?? 0) & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

function bitString(content: Buffer, unusedBits = 0): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), content]));
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes: number[] = [40 * (parts[0] ?? 0) + (parts[1] ?? 0)];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [part & 0x7f];
    for (let n = Math.floor(part / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift(0x80 | (n & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

// --- X.509 (RFC 5280) --------------------------------------------------------------------------

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

function name(commonName: string, organization: string | undefined): Buffer {
  const rdn = (type: string, value: string): Buffer => set(sequence(oid(type), utf8String(value)));
  return sequence(...(organization ? [rdn(OID.organization, organization)] : []), rdn(OID.commonName, commonName));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [booleanTrue()] : []), octetString(value));
}

function keyIdentifier(spki: Buffer): Buffer {
  // RFC 5280 §4.2.1.2 allows any method that gives unique values; SHA-1 of the whole SPKI is one.
  return createHash('sha1').update(spki).digest();
}

function subjectAltName(hosts: readonly string[]): Buffer {
  return sequence(
    ...hosts.map((host) => {
      const family = isIP(host);
      if (family === 4) return tlv(0x87, Buffer.from(host.split('.').map(Number)));
      if (family === 6) return tlv(0x87, ipv6Bytes(host));
      return tlv(0x82, Buffer.from(host, 'ascii'));
    }),
  );
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return Buffer.from(groups.flatMap((g: string) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

export type CertificateKind = 'ca' | 'client' | 'server';

export interface CertificateRequest {
  commonName: string;
  organization?: string;
  kind: CertificateKind;
  /** DNS names and IP addresses for a server certificate (subjectAltName). */
  hosts?: readonly string[];
  /** Default: one hour ago (clock differences). */
  notBefore?: Date;
  /** Default: `notBefore` plus 30 days (a CA: 10 years). */
  notAfter?: Date;
}

export interface IssuedCertificate {
  /** PEM `CERTIFICATE`. */
  readonly certPem: string;
  /** PEM PKCS#8 `PRIVATE KEY`. */
  readonly keyPem: string;
  readonly cert: X509Certificate;
}

interface Signer {
  readonly commonName: string;
  readonly organization: string | undefined;
  readonly privateKey: KeyObject;
  readonly keyId: Buffer;
}

function toPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

function build(request: CertificateRequest, publicKey: KeyObject, signer: Signer | 'self', selfKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const keyId = keyIdentifier(spki);
  const notBefore = request.notBefore ?? new Date(Date.now() - 3600_000);
  const notAfter = request.notAfter ?? new Date(notBefore.getTime() + (request.kind === 'ca' ? 3650 : 30) * 86400_000);
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01; // positive, non-zero (RFC 5280 §4.1.2.2)
  const issuerName = signer === 'self' ? name(request.commonName, request.organization) : name(signer.commonName, signer.organization);
  const authorityKeyId = signer === 'self' ? keyId : signer.keyId;
  const extensions: Buffer[] = [
    extension(OID.basicConstraints, true, request.kind === 'ca' ? sequence(booleanTrue()) : sequence()),
    // keyUsage bits: digitalSignature (0) for every kind; keyCertSign (5) and cRLSign (6) for a CA.
    extension(OID.keyUsage, true, request.kind === 'ca' ? bitString(Buffer.from([0x86]), 1) : bitString(Buffer.from([0x80]), 7)),
    ...(request.kind === 'ca' ? [] : [extension(OID.extKeyUsage, false, sequence(oid(request.kind === 'server' ? OID.serverAuth : OID.clientAuth)))]),
    ...(request.kind === 'server' && request.hosts?.length ? [extension(OID.subjectAltName, false, subjectAltName(request.hosts))] : []),
    extension(OID.subjectKeyIdentifier, false, octetString(keyId)),
    extension(OID.authorityKeyIdentifier, false, sequence(tlv(0x80, authorityKeyId))),
  ];
  const algorithm = sequence(oid(OID.ecdsaWithSha256));
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serial),
    algorithm,
    issuerName,
    sequence(time(notBefore), time(notAfter)),
    name(request.commonName, request.organization),
    spki,
    explicit(3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, signer === 'self' ? selfKey : signer.privateKey);
  return sequence(tbs, algorithm, bitString(signature));
}

function newKeyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

function issued(der: Buffer, privateKey: KeyObject): IssuedCertificate {
  const certPem = toPem(der);
  return Object.freeze({
    certPem,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    cert: new X509Certificate(certPem),
  });
}

/** A CA that issues server, client and subordinate CA certificates. */
export class TestCertificateAuthority {
  readonly certPem: string;
  readonly cert: X509Certificate;
  readonly #signer: Signer;

  private constructor(certPem: string, signer: Signer) {
    this.certPem = certPem;
    this.cert = new X509Certificate(certPem);
    this.#signer = signer;
  }

  /** A new self-signed root. */
  static create(options: { commonName?: string; organization?: string; notBefore?: Date; notAfter?: Date } = {}): TestCertificateAuthority {
    const request: CertificateRequest = {
      commonName: options.commonName ?? 'mojeID simulator test CA',
      organization: options.organization ?? 'mojeID simulator',
      kind: 'ca',
      ...(options.notBefore ? { notBefore: options.notBefore } : {}),
      ...(options.notAfter ? { notAfter: options.notAfter } : {}),
    };
    const { publicKey, privateKey } = newKeyPair();
    const der = build(request, publicKey, 'self', privateKey);
    return new TestCertificateAuthority(toPem(der), {
      commonName: request.commonName,
      organization: request.organization,
      privateKey,
      keyId: keyIdentifier(publicKey.export({ type: 'spki', format: 'der' })),
    });
  }

  /** A certificate (and its new key) signed by this CA. */
  issue(request: CertificateRequest): IssuedCertificate {
    const { publicKey, privateKey } = newKeyPair();
    return issued(build(request, publicKey, this.#signer, privateKey), privateKey);
  }

  /** An intermediate CA signed by this one. */
  issueSubordinate(commonName: string): TestCertificateAuthority {
    const { publicKey, privateKey } = newKeyPair();
    const request: CertificateRequest = { commonName, organization: this.#signer.organization, kind: 'ca' };
    const der = build(request, publicKey, this.#signer, privateKey);
    return new TestCertificateAuthority(toPem(der), {
      commonName,
      organization: this.#signer.organization,
      privateKey,
      keyId: keyIdentifier(publicKey.export({ type: 'spki', format: 'der' })),
    });
  }

  /** A server certificate for `hosts` (the app's HTTPS endpoint in tests). */
  issueServerCertificate(hosts: readonly string[]): IssuedCertificate {
    return this.issue({ commonName: hosts[0] ?? 'localhost', kind: 'server', hosts });
  }
}

/** A certificate signed by its own key (not by any CA), for tests that must see it refused. */
export function selfSignedCertificate(request: CertificateRequest): IssuedCertificate {
  const { publicKey, privateKey } = newKeyPair();
  return issued(build(request, publicKey, 'self', privateKey), privateKey);
}
