/**
 * Scenario 6's client: mojeID's side of POST /auth/mojeid/notify, over mutual TLS with a client
 * certificate from the (test) CZ.NIC CA. Either one keep-alive connection per worker, or a new
 * connection with a full TLS handshake for every notification (no session resumption).
 */
import https from 'node:https';

export interface NotifyClientTls {
  certPem: string;
  keyPem: string;
  caPem: string;
}

export interface NotifyLoopResult {
  accepted: number;
  other: number;
  firstOther: string | undefined;
  elapsedMs: number;
  latenciesMs: number[];
}

function post(url: URL, agent: https.Agent, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/** `concurrency` senders post status changes (sub rotating over 1,000 accounts) until the deadline. */
export async function notifyLoop(url: string, tls: NotifyClientTls, options: { keepAlive: boolean; concurrency: number; durationMs: number }): Promise<NotifyLoopResult> {
  const agent = new https.Agent({
    keepAlive: options.keepAlive,
    maxSockets: options.concurrency,
    cert: tls.certPem,
    key: tls.keyPem,
    ca: tls.caPem,
    // A new handshake each time means a full one: no TLS session resumption either.
    ...(options.keepAlive ? {} : { maxCachedSessions: 0 }),
  });
  const target = new URL(url);
  const began = performance.now();
  const deadline = began + options.durationMs;
  const result: NotifyLoopResult = { accepted: 0, other: 0, firstOther: undefined, elapsedMs: 0, latenciesMs: [] };
  let n = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      n += 1;
      const body = new URLSearchParams({ status: 'VALIDATED', sub: String(248289760000 + (n % 1000)) }).toString();
      const t0 = performance.now();
      try {
        const answer = await post(target, agent, body);
        result.latenciesMs.push(performance.now() - t0);
        if (answer.status === 200 && answer.body === 'mode:accept\n') result.accepted += 1;
        else {
          result.other += 1;
          result.firstOther ??= `${answer.status} ${answer.body.slice(0, 100)}`;
        }
      } catch (error) {
        result.other += 1;
        result.firstOther ??= error instanceof Error ? error.message : String(error);
        if (result.other > 50) return;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  result.elapsedMs = performance.now() - began;
  agent.destroy();
  return result;
}
