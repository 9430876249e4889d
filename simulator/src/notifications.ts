/**
 * The simulator's registration notifications, sent the way mojeID sends them (§6.2, §6.3):
 *
 * - a server-to-server POST of form parameters to the client's `assertion_uris`, in order, until
 *   one answers in the key-value form (`mode:accept` / `mode:reject`); over https with a client
 *   certificate issued by the simulator's test CA (standing in for CZ.NIC's), over plain http
 *   without one (the test instance's behaviour, §6.2);
 * - `REGISTERED` once, right after the account is created (§6.3: "synchronous – it is sent only
 *   once");
 * - later status changes (full access only, §6.3) on a timer, each repeated every
 *   `retryInterval` for `retryWindow` (five minutes for six hours at mojeID) until the client
 *   accepts or refuses it.
 *
 * @module
 */
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';

export type NotificationStatus = 'REGISTERED' | 'CONDITIONALLY_IDENTIFIED' | 'IDENTIFIED' | 'VALIDATED';

/** Options of the simulator's account creation (`startSimulator({ accountCreation })`). */
export interface SimulatorAccountCreationOptions {
  /**
   * Status changes sent after `REGISTERED`, in order, to clients with full access (§6.3).
   * Default `['CONDITIONALLY_IDENTIFIED']` (the user verified e-mail and phone).
   */
  statusChanges?: NotificationStatus[];
  /** Milliseconds before each status change. Default 60 000; tests use a few. */
  statusDelay?: number;
  /** Milliseconds between repeats of an unanswered status change. Default 300 000 (§6.3). */
  retryInterval?: number;
  /** Milliseconds a status change is repeated for. Default 21 600 000 (six hours, §6.3). */
  retryWindow?: number;
  /** Milliseconds to wait for one answer. Default 10 000. */
  requestTimeout?: number;
  /**
   * Extra CA certificates (PEM) trusted for the app's https server besides the system's and the
   * simulator's own test CA (a self-signed development certificate, for instance).
   */
  serverCa?: string | Buffer | Array<string | Buffer>;
  /**
   * Client certificate, key and the CA that issued it, to send instead of a certificate from the
   * test CA generated at start: each PEM text, a Buffer, or a file path. `ca` becomes
   * `accountCreation.caCertificatePem` / `caFile`.
   */
  clientCertificate?: { cert: string | Buffer; key: string | Buffer; ca: string | Buffer };
}

/** One attempt at one address. */
export interface NotificationAttempt {
  readonly address: string;
  /** `accept` / `reject`: answered in the key-value form; `invalid`: answered otherwise; `failed`: no answer. */
  readonly outcome: 'accept' | 'reject' | 'invalid' | 'failed';
  readonly httpStatus: number | undefined;
  readonly reason: string | undefined;
}

/** One delivery of one notification: the addresses tried in order, and the final outcome. */
export interface NotificationDelivery {
  readonly sub: string;
  readonly status: NotificationStatus;
  readonly clientId: string;
  /** 1 for the first delivery, 2 for its first repeat … */
  readonly attempt: number;
  readonly attempts: readonly NotificationAttempt[];
  /** `accept` / `reject` when some address answered in the key-value form, else `unanswered`. */
  readonly outcome: 'accept' | 'reject' | 'unanswered';
  readonly at: string;
}

export interface NotificationTransport {
  readonly clientCert: string | Buffer;
  readonly clientKey: string | Buffer;
  readonly trustedCa: ReadonlyArray<string | Buffer>;
  readonly timeout: number;
}

const ANSWER_LIMIT = 16 * 1024;

/** §6.3: the answer is OpenID key-value form; `mode` is `accept` or `reject`, `reason` optional. */
export function parseKeyValueAnswer(body: string): { mode: 'accept' | 'reject'; reason: string | undefined } | undefined {
  const values = new Map<string, string>();
  for (const line of body.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) values.set(line.slice(0, colon), line.slice(colon + 1));
  }
  const mode = values.get('mode');
  if (mode !== 'accept' && mode !== 'reject') return undefined;
  return { mode, reason: values.get('reason') };
}

/** POSTs one notification to one address. Never throws. */
export function postNotification(address: string, params: Readonly<Record<string, string>>, transport: NotificationTransport): Promise<NotificationAttempt> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(address);
    } catch {
      resolve({ address, outcome: 'failed', httpStatus: undefined, reason: 'not a URL' });
      return;
    }
    const body = new URLSearchParams(params).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) };
    const done = (attempt: NotificationAttempt): void => resolve(attempt);
    const onResponse = (res: http.IncomingMessage): void => {
      let received = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        received += chunk;
        if (received.length > ANSWER_LIMIT) res.destroy();
      });
      res.on('end', () => {
        const answer = parseKeyValueAnswer(received);
        done({ address, outcome: answer?.mode ?? 'invalid', httpStatus: res.statusCode, reason: answer?.reason });
      });
      res.on('error', () => done({ address, outcome: 'failed', httpStatus: res.statusCode, reason: 'answer interrupted' }));
    };
    const request =
      url.protocol === 'https:'
        ? https.request(url, {
            method: 'POST',
            headers,
            cert: transport.clientCert,
            key: transport.clientKey,
            ca: [...rootCertificates, ...transport.trustedCa],
            timeout: transport.timeout,
            agent: false,
          }, onResponse)
        : url.protocol === 'http:'
          ? http.request(url, { method: 'POST', headers, timeout: transport.timeout, agent: false }, onResponse)
          : undefined;
    if (!request) {
      resolve({ address, outcome: 'failed', httpStatus: undefined, reason: 'not an http(s) URL' });
      return;
    }
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (error: Error) => done({ address, outcome: 'failed', httpStatus: undefined, reason: error.message }));
    request.end(body);
  });
}

/** §6.3: one address after another until one answers in the key-value form. */
export async function deliver(
  addresses: readonly string[],
  params: Readonly<Record<string, string>>,
  transport: NotificationTransport,
): Promise<{ outcome: NotificationDelivery['outcome']; attempts: NotificationAttempt[] }> {
  const attempts: NotificationAttempt[] = [];
  for (const address of addresses) {
    const attempt = await postNotification(address, params, transport);
    attempts.push(attempt);
    if (attempt.outcome === 'accept' || attempt.outcome === 'reject') return { outcome: attempt.outcome, attempts };
  }
  return { outcome: 'unanswered', attempts };
}
