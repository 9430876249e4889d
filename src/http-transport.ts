/**
 * Requests to the provider over node:http / node:https instead of Node's global `fetch`: undici's
 * WHATWG Request/Response/Headers/stream machinery was the largest single CPU cost of a login
 * (bench/node-http-fetch.ts). Measured against the global `fetch` in the same benchmark runs, this
 * transport takes about a quarter off a login's CPU (0.75x, every run; docs/benchmarks.md,
 * "Optimisations: kept or reverted"), which is why it is kept. The only WHATWG object made here is
 * the one `Response` openid-client expects back, built from a Buffer already in memory.
 *
 * It behaves as `fetch` does where openid-client and our error mapping can tell: failures reject
 * with `TypeError('fetch failed')` carrying the cause, an aborted signal rejects with its reason
 * (a `TimeoutError` for openid-client's timeout), redirects are returned, not followed.
 */
import http from 'node:http';
import https from 'node:https';
import type * as oidc from 'openid-client';
import { MAX_RESPONSE_BYTES, ResponseTooLargeError } from './bounded-fetch.js';

// Where the transport's tests and callers have always found them; the one definition is the leaf's.
export { MAX_RESPONSE_BYTES, ResponseTooLargeError };

/**
 * Idle sockets are closed after this long: shorter than the keep-alive timeout of common servers
 * (nginx 75 s, Apache 5 s, Node 5 s), so we normally close first and seldom write into a socket the
 * server is closing at that moment.
 */
const IDLE_SOCKET_MS = 4_000;
/** Per origin; logins beyond it queue for a socket rather than open ever more connections to mojeID. */
const MAX_SOCKETS = 64;

/**
 * One pair for the process, not one per `ProviderClient`: every client talks to the same provider,
 * so sharing the pool means fewer handshakes, and `ProviderClient` has no `close()` that could
 * release a pool of its own. Idle sockets are unref'd by the agent and never keep the process alive.
 */
const defaultAgents = {
  http: new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, timeout: IDLE_SOCKET_MS }),
  https: new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, timeout: IDLE_SOCKET_MS }),
};

/** Agents for the requests to the provider; each defaults to the library's shared keep-alive pool. */
export interface ProviderAgents {
  readonly http?: http.Agent;
  readonly https?: https.Agent;
}

export interface NodeHttpFetchOptions {
  /** Connection pools to use instead of the shared ones (tests, a proxy agent). */
  agents?: ProviderAgents;
  /**
   * Gives up on a request (connection, answer and body) after this many milliseconds, rejecting
   * with a `TimeoutError` as `AbortSignal.timeout` would. It lets openid-client run without its own
   * timeout signal: an `AbortSignal.timeout` per request (a timer, weak references and listeners
   * in Node) cost more CPU than the rest of this transport. A signal passed in still applies too.
   */
  timeoutMs?: number;
}

type FetchBody = oidc.CustomFetchOptions['body'];

interface Outgoing {
  readonly url: URL;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer | undefined;
  readonly signal: AbortSignal | undefined;
  /** `Date.now()` after which the request is abandoned; a resend keeps the first deadline. */
  readonly deadline: number | undefined;
}

function timeoutError(): DOMException {
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError');
}

/** A `customFetch` for openid-client over node:http(s) with keep-alive and the response size cap. */
export function nodeHttpFetch(options: NodeHttpFetchOptions = {}): oidc.CustomFetch {
  const agents = { 'http:': options.agents?.http ?? defaultAgents.http, 'https:': options.agents?.https ?? defaultAgents.https };
  return async (url, init) => {
    const target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      throw new TypeError('fetch failed', { cause: new Error(`unsupported protocol ${target.protocol}`) });
    }
    const body = await bodyBytes(init.body);
    const deadline = options.timeoutMs !== undefined && options.timeoutMs > 0 ? Date.now() + options.timeoutMs : undefined;
    const request: Outgoing = { url: target, method: init.method, headers: requestHeaders(init.headers, init.body, body), body, signal: init.signal, deadline };
    return send(request, agents[target.protocol], true);
  };
}

async function bodyBytes(body: FetchBody): Promise<Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof URLSearchParams) return Buffer.from(body.toString());
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  // openid-client sends no streams; should one come, it is read once here so it can be resent on a retry.
  return Buffer.from(await new Response(body).arrayBuffer());
}

function requestHeaders(given: Record<string, string> | Headers, original: FetchBody, body: Buffer | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  const entries = given instanceof Headers ? given.entries() : Object.entries(given);
  for (const [name, value] of entries) headers[name.toLowerCase()] = value;
  // What fetch would add for these body types when the caller named none.
  if (headers['content-type'] === undefined) {
    if (original instanceof URLSearchParams) headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
    else if (typeof original === 'string') headers['content-type'] = 'text/plain;charset=UTF-8';
  }
  if (body !== undefined) headers['content-length'] = String(body.byteLength);
  // An uncompressed answer needs no decoding; provider responses are a few kilobytes anyway.
  headers['accept-encoding'] = 'identity';
  return headers;
}

/**
 * One request. `mayRetry`: a keep-alive socket the server closed just as we reused it fails with
 * ECONNRESET before any response byte; the request then never reached the server, so it is sent
 * once more on a new connection (Node's fetch does the same).
 */
function send(request: Outgoing, agent: http.Agent, mayRetry: boolean): Promise<Response> {
  const { url, signal, deadline } = request;
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (deadline !== undefined && Date.now() >= deadline) return Promise.reject(timeoutError());
  return new Promise<Response>((resolve, reject) => {
    let responded = false;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const fail = (error: unknown): void => {
      const passThrough = error instanceof ResponseTooLargeError || error === signal?.reason || (error instanceof DOMException && error.name === 'TimeoutError');
      settle(() => reject(passThrough ? error : new TypeError('fetch failed', { cause: error })));
    };
    const onAbort = (): void => {
      fail(signal?.reason);
      req.destroy();
    };

    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, { method: request.method, headers: request.headers, agent }, (res) => {
      responded = true;
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > MAX_RESPONSE_BYTES) {
        fail(new ResponseTooLargeError(url.origin));
        req.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (chunk: Buffer) => {
        total += chunk.byteLength;
        if (total > MAX_RESPONSE_BYTES) {
          fail(new ResponseTooLargeError(url.origin));
          req.destroy();
        } else chunks.push(chunk);
      });
      res.on('end', () => {
        let response: Response;
        try {
          response = toResponse(request, res, Buffer.concat(chunks, total));
        } catch (error) {
          // A status the Fetch API cannot represent (outside 200-599).
          return fail(error);
        }
        settle(() => resolve(response));
      });
      res.on('error', fail);
      // The connection ended before the whole body arrived.
      res.on('close', () => {
        if (!res.complete) fail(new Error('the response was cut off'));
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (mayRetry && !responded && !settled && req.reusedSocket && error.code === 'ECONNRESET') {
        // The other idle connections have waited as long and are likely as stale: closed, so that
        // the resend opens a new one, still through this agent (a caller's proxy or TLS options).
        for (const idle of Object.values(agent.freeSockets)) for (const socket of idle ?? []) socket.destroy();
        settle(() => resolve(send(request, agent, false)));
      } else fail(error);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    if (deadline !== undefined) {
      timer = setTimeout(() => {
        fail(timeoutError());
        req.destroy();
      }, deadline - Date.now());
    }
    req.end(request.body);
  });
}

/** Responses to HEAD and these statuses must not carry a body (Fetch spec). */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);
/** RFC 9110 reason-phrase; the `Response` constructor throws on anything else. */
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

function toResponse(request: Outgoing, res: http.IncomingMessage, body: Buffer): Response {
  const headers = new Headers();
  // rawHeaders keeps repeated fields (several WWW-Authenticate challenges) as separate entries.
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string);
  const status = res.statusCode ?? 0;
  const statusText = res.statusMessage ?? '';
  return new Response(request.method === 'HEAD' || NULL_BODY_STATUSES.has(status) ? null : body, {
    status,
    statusText: REASON_PHRASE.test(statusText) ? statusText : '',
    headers,
  });
}
