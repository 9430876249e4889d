/**
 * Reads the CZ.NIC CA certificates that notifications' client certificates must chain to (§6.2)
 * from a file path, PEM text or a Buffer, and says what is wrong with them. Imports nothing of
 * ours: configuration calls it once at start-up, so a missing or wrong file stops the app instead
 * of failing every notification.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The CA certificates, or a message saying why the source gives none that can be used. */
export function readCaCertificates(source: unknown): X509Certificate[] | string {
  let pem: string;
  if (Buffer.isBuffer(source)) pem = source.toString('utf8');
  else if (typeof source === 'string' && source.includes('-----BEGIN')) pem = source;
  else if (typeof source === 'string' && source.trim()) {
    try {
      pem = readFileSync(source.trim(), 'utf8');
    } catch (error) {
      return `cannot read ${JSON.stringify(source)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
    }
  } else {
    return 'expected a PEM file path, PEM text or a Buffer';
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (!blocks.length) return 'contains no PEM certificate (-----BEGIN CERTIFICATE-----)';
  const certificates: X509Certificate[] = [];
  for (const block of blocks) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block);
    } catch {
      return 'contains a certificate that does not parse';
    }
    if (!cert.ca) {
      return `${cert.subject.replace(/\n/g, ', ')} is not a CA certificate (basicConstraints CA:FALSE): give the CA that issued mojeID's client certificate`;
    }
    if (Date.parse(cert.validTo) < Date.now()) return `the CA certificate ${cert.subject.replace(/\n/g, ', ')} expired on ${cert.validTo}`;
    certificates.push(cert);
  }
  return certificates;
}
