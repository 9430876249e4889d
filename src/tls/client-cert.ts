/**
 * Is this notification really from mojeID? §6.2: "It must verify that the client certificate
 * used to create the SSL tunnel is valid and signed by the CZ.NIC certification authority." Two
 * ways, chosen per request:
 *
 * - the app terminates TLS itself (`https.createServer({ requestCert: true, ca })`): Node's TLS
 *   layer must have authorised the connection (`req.socket.authorized`), and the certificate
 *   must also chain to the configured CZ.NIC CA and be within its validity period. The second
 *   check is ours, not only Node's, because the server's `ca` may trust other CAs too (for other
 *   client certificates, or Node's defaults), and only CZ.NIC's may vouch for mojeID;
 * - a reverse proxy terminates TLS (nginx `ssl_verify_client`, Apache `SSLVerifyClient`, the
 *   manual's tip in §6.2) and says so in a header: believed only when the request comes from an
 *   address the app listed as a trusted proxy, so nobody else can forge it. Off unless configured.
 *   The proxy also forwards the certificate it verified, which is checked here like one from a
 *   TLS socket: a bare `SUCCESS` cannot tell which CA the proxy checked against (its CA file may
 *   hold more than CZ.NIC's). `SUCCESS` alone is accepted only in the explicit verdict-only mode.
 *
 * Either way, optional pins narrow "any certificate CZ.NIC issued" to mojeID's: CZ.NIC issues
 * client certificates per client (§6.2: "We will create and send the certificate to you"), so
 * another holder of one would pass the CA check alone.
 *
 * And a test mode for the test instance over plain HTTP, where mojeID sends no certificate at all
 * (§6.2: "If you do not use HTTPS … in the test environment, you do not need this certificate").
 */
import { X509Certificate, createHash } from 'node:crypto';
import { BlockList, isIP, type Socket } from 'node:net';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { NotifyPin } from './notify-settings.js';

export { isAddressOrRange, parseNotifyPin, type NotifyPin } from './notify-settings.js';

type CryptoX509 = X509Certificate;

/** Why a notification's transport was not accepted; each answers 403. */
export type TransportRefusal = 'certificate_missing' | 'certificate_invalid' | 'untrusted_proxy_header';

export type TransportCheck =
  | { readonly ok: true; readonly via: 'tls' | 'proxy' | 'insecure_test_mode' }
  | { readonly ok: false; readonly refusal: TransportRefusal; readonly detail: string };

export interface NotificationTransportOptions {
  /** The CZ.NIC CA (and any intermediates it issued) that mojeID's client certificate chains to. */
  readonly ca: readonly CryptoX509[];
  /** When not empty, the leaf must match one of them. */
  readonly pins?: readonly NotifyPin[];
  /** Addresses (IPs or CIDR ranges) of reverse proxies whose verification header is believed. */
  readonly trustedProxies: readonly string[];
  /** Lower-case name of the header the proxy sets to `SUCCESS` after verifying the certificate. */
  readonly proxyHeader: string;
  /** Lower-case name of the header the proxy forwards the verified certificate in (PEM, URL-escaped or not). */
  readonly proxyCertHeader?: string;
  /** Believe the proxy's `SUCCESS` without its certificate (the weaker mode; no CA or pin check here). */
  readonly proxyVerdictOnly?: boolean;
  /** Accept plain-HTTP notifications without a certificate (mojeID's test instance only). */
  readonly insecureTestMode: boolean;
}

/** id-kp-clientAuth (RFC 5280 §4.2.1.12). */
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const MAX_CHAIN = 6;

/** `::ffff:127.0.0.1` and `127.0.0.1` are the same peer. */
export function normaliseAddress(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

/** A `BlockList` of the trusted proxies; entries were validated by the configuration. */
export function proxyBlockList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/');
    const family = isIP(address ?? '') === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address as string, family);
    else list.addSubnet(address as string, Number(prefix), family);
  }
  return list;
}

/** The SPKI pin of a certificate, as `parseNotifyPin` reads it (without the `sha256/`). */
export function spkiSha256(cert: CryptoX509): string {
  return createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
}

function subjectLines(cert: CryptoX509): Set<string> {
  const lines = new Set<string>();
  for (const line of cert.subject.split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0) lines.add(`${line.slice(0, equals).toUpperCase()}=${line.slice(equals + 1)}`);
  }
  return lines;
}

/** No pins: any certificate the CA check accepted. Pins: the leaf must match one of them. */
export function matchesPins(leaf: CryptoX509, pins: readonly NotifyPin[] | undefined): boolean {
  if (!pins?.length) return true;
  let spki: string | undefined;
  let subject: Set<string> | undefined;
  return pins.some((pin) => {
    if (pin.kind === 'spki-sha256') return (spki ??= spkiSha256(leaf)) === pin.digest;
    subject ??= subjectLines(leaf);
    return pin.attributes.every(([key, value]) => (subject as Set<string>).has(`${key}=${value}`));
  });
}

/**
 * The certificates a proxy forwarded: nginx `$ssl_client_escaped_cert` (URL-escaped PEM), Apache
 * `%{SSL_CLIENT_CERT}s` (PEM whose line breaks became spaces) or plain PEM; leaf first.
 * `undefined` when it does not parse.
 */
export function parseForwardedCertificates(value: string): CryptoX509[] | undefined {
  let text = value;
  if (text.includes('%')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return undefined;
    }
  }
  const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g)];
  if (!blocks.length || blocks.length > MAX_CHAIN) return undefined;
  try {
    return blocks.map((block) => new X509Certificate(Buffer.from((block[1] as string).replace(/\s+/g, ''), 'base64')));
  } catch {
    return undefined;
  }
}

function isTlsSocket(socket: Socket): socket is TLSSocket {
  return (socket as Partial<TLSSocket>).encrypted === true && typeof (socket as Partial<TLSSocket>).getPeerCertificate === 'function';
}

function withinValidity(cert: CryptoX509, now: Date): boolean {
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  return Number.isFinite(from) && Number.isFinite(to) && from <= now.getTime() && now.getTime() <= to;
}

/** The chain the client presented, leaf first (Node links it through `issuerCertificate`). */
function presentedChain(socket: TLSSocket): CryptoX509[] {
  const chain: CryptoX509[] = [];
  const seen = new Set<string>();
  let current: PeerCertificate | undefined = socket.getPeerCertificate(true);
  while (current?.raw && chain.length < MAX_CHAIN) {
    const fingerprint = current.fingerprint256;
    if (seen.has(fingerprint)) break;
    seen.add(fingerprint);
    chain.push(new X509Certificate(current.raw));
    current = (current as { issuerCertificate?: PeerCertificate }).issuerCertificate;
  }
  return chain;
}

function issuedBy(cert: CryptoX509, issuer: CryptoX509): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/**
 * Walks from the leaf to one of the configured CA certificates, through intermediates the client
 * presented (each must be a CA and signed by the next). Every certificate on the way, the trusted
 * one included, must be within its validity period.
 */
export function chainsToCa(
  chain: readonly CryptoX509[],
  ca: readonly CryptoX509[],
  now: Date = new Date(),
): { ok: true; notAfter: number; intermediates: CryptoX509[] } | { ok: false; detail: string } {
  const leaf = chain[0];
  if (!leaf) return { ok: false, detail: 'no certificate' };
  if (leaf.keyUsage !== undefined && !leaf.keyUsage.includes(CLIENT_AUTH)) return { ok: false, detail: 'the certificate is not for client authentication' };
  let current = leaf;
  let notAfter = Infinity;
  const intermediates = chain.slice(1);
  const used: CryptoX509[] = [];
  for (let depth = 0; depth < MAX_CHAIN; depth += 1) {
    if (!withinValidity(current, now)) return { ok: false, detail: depth === 0 ? 'the certificate is expired or not yet valid' : 'a certificate of the chain is expired or not yet valid' };
    notAfter = Math.min(notAfter, Date.parse(current.validTo));
    const anchor = ca.find((c) => issuedBy(current, c));
    if (anchor) {
      return withinValidity(anchor, now)
        ? { ok: true, notAfter: Math.min(notAfter, Date.parse(anchor.validTo)), intermediates: used }
        : { ok: false, detail: 'the configured CA certificate is expired' };
    }
    const next = intermediates.find((c) => c.ca && issuedBy(current, c));
    if (!next) return { ok: false, detail: 'the certificate is not issued by the configured CZ.NIC CA' };
    used.push(next);
    current = next;
  }
  return { ok: false, detail: 'the certificate chain is too long' };
}

/**
 * Connections whose certificate was accepted, until the first certificate of the verified chain
 * expires. The connection was opened by the holder of mojeID's private key; nothing later on the
 * same connection can make it less so (TLS 1.3 has no renegotiation, and a TLS 1.2 renegotiation
 * would be by the same proven peer), so a kept-alive sender is verified once per connection, not
 * once per notification: parsing the chain and checking its signatures were ~40 % of a
 * notification's CPU, and against verifying on every request this cache serves 2.9-3.6x the
 * keep-alive notifications per second (docs/benchmarks.md, "Optimisations: kept or reverted"). Refusals are not cached: they are answered
 * 403, and a certificate that is not yet valid may become valid.
 */
const acceptedSockets = new WeakMap<TLSSocket, { readonly options: NotificationTransportOptions; readonly notAfter: number }>();
const ACCEPTED_TLS: TransportCheck = Object.freeze({ ok: true, via: 'tls' });

/**
 * Intermediate CA certificates that were on an accepted chain, per CA setting. A resumed TLS
 * session (a ticket, TLS 1.2 or 1.3) brings back the client's certificate but not the chain it
 * presented in the full handshake, so a certificate issued by an intermediate would no longer
 * reach a root-only `MOJEID_NOTIFY_CA_FILE` and a genuine notification would be refused on every
 * resumed connection. Offered again as candidate issuers, never as trust anchors: each one must
 * still be a CA, within its validity and signed on the way up to a configured certificate, so
 * remembering them trusts nothing new. A resumption whose full handshake was made with another
 * process (shared ticket keys) finds nothing here: configuring the intermediate in
 * `MOJEID_NOTIFY_CA_FILE` makes the verdict independent of resumption altogether.
 */
const knownIntermediates = new WeakMap<readonly CryptoX509[], Map<string, CryptoX509>>();
const MAX_KNOWN_INTERMEDIATES = 16;

function rememberIntermediates(ca: readonly CryptoX509[], intermediates: readonly CryptoX509[]): void {
  if (!intermediates.length) return;
  let known = knownIntermediates.get(ca);
  if (!known) knownIntermediates.set(ca, (known = new Map()));
  for (const cert of intermediates) {
    known.delete(cert.fingerprint256);
    known.set(cert.fingerprint256, cert);
  }
  for (const fingerprint of known.keys()) {
    if (known.size <= MAX_KNOWN_INTERMEDIATES) break;
    known.delete(fingerprint);
  }
}

/** The presented chain, followed by the intermediates earlier accepted chains went through. */
function withKnownIntermediates(chain: readonly CryptoX509[], ca: readonly CryptoX509[]): readonly CryptoX509[] {
  const known = knownIntermediates.get(ca);
  if (!known?.size) return chain;
  const presented = new Set(chain.map((c) => c.fingerprint256));
  return [...chain, ...[...known.values()].filter((c) => !presented.has(c.fingerprint256))];
}

/** Decides how (and whether) the request is authenticated as coming from mojeID. */
export function checkNotificationTransport(
  socket: Socket,
  header: (name: string) => string | undefined,
  options: NotificationTransportOptions,
  proxies: BlockList | undefined,
  now: Date = new Date(),
): TransportCheck {
  const remote = normaliseAddress(socket.remoteAddress);
  const proxyVerdict = header(options.proxyHeader);
  if (proxies && remote) {
    const family = isIP(remote) === 6 ? 'ipv6' : 'ipv4';
    if (proxies.check(remote, family)) {
      // nginx `$ssl_client_verify` and Apache `%{SSL_CLIENT_VERIFY}` are both `SUCCESS` on success.
      if (proxyVerdict !== 'SUCCESS') {
        return { ok: false, refusal: 'certificate_missing', detail: `the trusted proxy did not report a verified client certificate (${options.proxyHeader})` };
      }
      if (options.proxyVerdictOnly) return { ok: true, via: 'proxy' };
      return checkForwardedCertificate(header(options.proxyCertHeader ?? 'x-ssl-client-cert'), options, now);
    }
  }
  if (isTlsSocket(socket)) {
    const cached = acceptedSockets.get(socket);
    if (cached && cached.options === options && now.getTime() <= cached.notAfter) return ACCEPTED_TLS;
    const chain = presentedChain(socket);
    if (!chain.length) return { ok: false, refusal: 'certificate_missing', detail: 'no client certificate was presented' };
    if (!socket.authorized) {
      return { ok: false, refusal: 'certificate_invalid', detail: `the TLS layer did not authorise the client certificate (${String(socket.authorizationError ?? 'unknown')})` };
    }
    if (!options.ca.length) return { ok: false, refusal: 'certificate_invalid', detail: 'no CZ.NIC CA is configured (MOJEID_NOTIFY_CA_FILE)' };
    const verdict = chainsToCa(withKnownIntermediates(chain, options.ca), options.ca, now);
    if (!verdict.ok) return { ok: false, refusal: 'certificate_invalid', detail: verdict.detail };
    if (!matchesPins(chain[0] as CryptoX509, options.pins)) return { ok: false, refusal: 'certificate_invalid', detail: 'the certificate matches none of MOJEID_NOTIFY_PINS' };
    rememberIntermediates(options.ca, verdict.intermediates);
    acceptedSockets.set(socket, { options, notAfter: verdict.notAfter });
    return ACCEPTED_TLS;
  }
  if (proxyVerdict !== undefined) {
    // A forged header, or a proxy missing from MOJEID_NOTIFY_TRUSTED_PROXIES: never believed,
    // and not waved through by the test mode either.
    return { ok: false, refusal: 'untrusted_proxy_header', detail: `${options.proxyHeader} came from an address that is not a trusted proxy` };
  }
  if (options.insecureTestMode) return { ok: true, via: 'insecure_test_mode' };
  return { ok: false, refusal: 'certificate_missing', detail: 'plain HTTP: mojeID sends its client certificate only over HTTPS' };
}

/** The certificate a trusted proxy verified and forwarded, checked like one from a TLS socket. */
function checkForwardedCertificate(value: string | undefined, options: NotificationTransportOptions, now: Date): TransportCheck {
  const name = options.proxyCertHeader ?? 'x-ssl-client-cert';
  if (!value) return { ok: false, refusal: 'certificate_missing', detail: `the trusted proxy did not forward the verified certificate (${name})` };
  const chain = parseForwardedCertificates(value);
  if (!chain) return { ok: false, refusal: 'certificate_invalid', detail: `the certificate in ${name} does not parse` };
  if (!options.ca.length) return { ok: false, refusal: 'certificate_invalid', detail: 'no CZ.NIC CA is configured (MOJEID_NOTIFY_CA_FILE)' };
  const verdict = chainsToCa(withKnownIntermediates(chain, options.ca), options.ca, now);
  if (!verdict.ok) return { ok: false, refusal: 'certificate_invalid', detail: `${verdict.detail} (forwarded by the proxy)` };
  if (!matchesPins(chain[0] as CryptoX509, options.pins)) return { ok: false, refusal: 'certificate_invalid', detail: 'the certificate matches none of MOJEID_NOTIFY_PINS' };
  return { ok: true, via: 'proxy' };
}
