/**
 * The notification endpoint's settings as text (`MOJEID_NOTIFY_PINS`, `MOJEID_NOTIFY_TRUSTED_PROXIES`):
 * certificate pins and proxy addresses, parsed and checked. A leaf, so the configuration reads them
 * without depending on the certificate checks that use them (tls/client-cert.ts).
 */
import { isIP } from 'node:net';

/**
 * One accepted identity of mojeID's notification certificate: the SHA-256 of its public key
 * (SubjectPublicKeyInfo, DER; survives a renewal with the same key), or attributes its subject
 * must have (each `KEY=value` a line of the subject).
 */
export type NotifyPin =
  | { readonly kind: 'spki-sha256'; readonly digest: string }
  | { readonly kind: 'subject'; readonly attributes: readonly (readonly [string, string])[] };

/**
 * A pin from configuration text: `sha256/<base64 of the SHA-256 of the DER SubjectPublicKeyInfo>`
 * (`openssl x509 -in cert.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst
 * -sha256 -binary | base64`), or `subject:CN=…,O=…` (attributes separated by commas). A string
 * saying what is wrong when it does not parse.
 */
export function parseNotifyPin(text: string): NotifyPin | string {
  const entry = text.trim();
  const spki = /^sha256\/([A-Za-z0-9+/]{43}=)$/.exec(entry);
  if (spki) return { kind: 'spki-sha256', digest: spki[1] as string };
  if (/^sha256\//i.test(entry)) return `${JSON.stringify(entry)}: expected sha256/ and 44 characters of base64 (a SHA-256 digest)`;
  const subject = /^subject:(.+)$/i.exec(entry);
  if (subject) {
    const attributes: Array<[string, string]> = [];
    for (const part of (subject[1] as string).split(',')) {
      const match = /^\s*([A-Za-z][A-Za-z0-9.]*)\s*=\s*(\S(?:.*\S)?)\s*$/.exec(part);
      if (!match) return `${JSON.stringify(entry)}: expected subject:KEY=value[,KEY=value…], e.g. subject:CN=mojeid.cz,O=CZ.NIC`;
      attributes.push([(match[1] as string).toUpperCase(), match[2] as string]);
    }
    return { kind: 'subject', attributes };
  }
  return `${JSON.stringify(entry)}: expected sha256/<base64> (the SHA-256 of the certificate's public key) or subject:CN=…`;
}

/** `true` when `entry` is an IP address or a CIDR range (`10.0.0.0/8`, `fd00::/8`). */
export function isAddressOrRange(entry: string): boolean {
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address ?? '');
  if (!family || extra !== undefined) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}
