/**
 * A small certificate authority for tests: the simulator signs its notification client
 * certificate with it (standing in for the CZ.NIC CA of §6.2), and tests issue the app's server
 * certificate, and deliberately bad client certificates (expired, self-signed, from another CA),
 * from it.
 *
 * X.509 v3 certificates (P-256 keys, ECDSA with SHA-256) are laid out with `@peculiar/asn1-x509`'s
 * RFC 5280 schemas and signed with `node:crypto`, synchronously: no `openssl` binary (absent on
 * some systems, LibreSSL with other flags on macOS), and tests can set any validity period,
 * including one in the past, which `openssl x509 -days` cannot.
 *
 * @module
 */
import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_kp_clientAuth,
  id_kp_serverAuth,
} from '@peculiar/asn1-x509';

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const COMMON_NAME = '2.5.4.3';
const ORGANIZATION = '2.5.4.10';

function name(commonName: string, organization: string | undefined): Name {
  const rdn = (type: string, value: string): RelativeDistinguishedName =>
    new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) })]);
  return new Name([...(organization ? [rdn(ORGANIZATION, organization)] : []), rdn(COMMON_NAME, commonName)]);
}

function extension(extnID: string, critical: boolean, value: object): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

function keyIdentifier(spki: Buffer): Buffer {
  // RFC 5280 §4.2.1.2 allows any method that gives unique values; SHA-1 of the whole SPKI is one.
  return createHash('sha1').update(spki).digest();
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
  const ca = request.kind === 'ca';
  const extensions = [
    extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: ca })),
    extension(id_ce_keyUsage, true, new KeyUsage(ca ? KeyUsageFlags.digitalSignature | KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign : KeyUsageFlags.digitalSignature)),
    ...(ca ? [] : [extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([request.kind === 'server' ? id_kp_serverAuth : id_kp_clientAuth]))]),
    ...(request.kind === 'server' && request.hosts?.length
      ? [extension(id_ce_subjectAltName, false, new SubjectAlternativeName(request.hosts.map((host) => new GeneralName(isIP(host) ? { iPAddress: host } : { dNSName: host }))))]
      : []),
    extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId)),
    extension(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(signer === 'self' ? keyId : signer.keyId) })),
  ];
  const algorithm = new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });
  const tbsCertificate = new TBSCertificate({
    version: Version.v3,
    serialNumber: new Uint8Array(serial).buffer,
    signature: algorithm,
    issuer: signer === 'self' ? name(request.commonName, request.organization) : name(signer.commonName, signer.organization),
    validity: new Validity({ notBefore, notAfter }),
    subject: name(request.commonName, request.organization),
    subjectPublicKeyInfo: AsnConvert.parse(spki, SubjectPublicKeyInfo),
    extensions: new Extensions(extensions),
  });
  // ECDSA signatures from node:crypto are DER (r, s) sequences, the form X.509 carries.
  const signature = sign('sha256', Buffer.from(AsnConvert.serialize(tbsCertificate)), signer === 'self' ? selfKey : signer.privateKey);
  return Buffer.from(AsnConvert.serialize(new Certificate({ tbsCertificate, signatureAlgorithm: algorithm, signatureValue: new Uint8Array(signature).buffer })));
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
