/**
 * The node:http(s) transport for provider requests, against real local servers: what openid-client
 * and our error mapping rely on from `fetch` (abort reasons, `fetch failed`, manual redirects, whole
 * headers), plus keep-alive reuse, the stale-socket retry and the response size cap.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { toMojeIdError } from '../../src/error-mapping.js';
import { MAX_RESPONSE_BYTES, nodeHttpFetch, ResponseTooLargeError } from '../../src/http-transport.js';
import { ResponseTooLargeError as ReExported } from '../../src/bounded-fetch.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Which connection (1, 2, …) carried the request. */
  connection: number;
}

interface TestServer {
  readonly origin: string;
  readonly seen: Seen[];
  connections: number;
  readonly http: http.Server;
}

const servers: http.Server[] = [];

async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen) => void): Promise<TestServer> {
  const server = http.createServer();
  const ids = new WeakMap<Socket, number>();
  const state: TestServer = { origin: '', seen: [], connections: 0, http: server };
  server.on('connection', (socket) => {
    state.connections += 1;
    ids.set(socket, state.connections);
  });
  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString(), connection: ids.get(req.socket) ?? 0 };
      state.seen.push(seen);
      handler(req, res, seen);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    }),
  );
});

const send = nodeHttpFetch();
const get = (url: string, signal: AbortSignal = AbortSignal.timeout(5_000)): Promise<Response> =>
  send(url, { method: 'GET', headers: {}, body: undefined, redirect: 'manual', signal });
const ok = (_req: http.IncomingMessage, res: http.ServerResponse): void => void res.end('ok');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The rejection of `promise`, failing the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('connections', () => {
  it('reuses one kept-alive connection for sequential requests', async () => {
    const server = await serve(ok);
    expect(await (await get(`${server.origin}/a`)).text()).toBe('ok');
    expect(await (await get(`${server.origin}/b`)).text()).toBe('ok');
    expect(server.seen.map((s) => s.url)).toEqual(['/a', '/b']);
    expect(server.connections).toBe(1);
  });

  it('opens a new connection after the server closed an idle one', async () => {
    const server = await serve(ok);
    server.http.keepAliveTimeout = 50;
    expect((await get(server.origin)).status).toBe(200);
    await sleep(300);
    expect((await get(server.origin)).status).toBe(200);
    expect(server.connections).toBe(2);
  });

  it('resends once, on a new connection, a request whose reused connection the server dropped unanswered', async () => {
    // The race a keep-alive client cannot avoid: the server closes an idle connection just as a
    // request is written to it. Here it does so deterministically on the second request.
    const server = await serve((req, res, seen) => {
      if (seen.connection === 1 && server.seen.length === 2) req.socket.destroy();
      else res.end(`answer to ${seen.body}`);
    });
    expect((await get(server.origin)).status).toBe(200);
    const response = await send(server.origin, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'second', redirect: 'manual', signal: AbortSignal.timeout(5_000) });
    expect(await response.text()).toBe('answer to second');
    expect(server.seen.map((s) => [s.connection, s.body])).toEqual([[1, ''], [1, 'second'], [2, 'second']]);
  });

  it('resends on a connection of its own, not on another idle one that may be as stale', async () => {
    const requestsOn = new Map<number, number>();
    const server = await serve((req, res, seen) => {
      const count = (requestsOn.get(seen.connection) ?? 0) + 1;
      requestsOn.set(seen.connection, count);
      // Both first connections go stale at once, as when the server restarts or times them out together.
      if (seen.connection <= 2 && count > 1) req.socket.destroy();
      else setTimeout(() => res.end(`via ${seen.connection}`), 30);
    });
    // Two at once: two kept-alive connections in the pool.
    await Promise.all([get(server.origin), get(server.origin)]);
    expect(server.connections).toBe(2);
    expect(await (await get(server.origin)).text()).toBe('via 3');
    // One stale connection tried, then a new one; never the other stale one.
    expect(server.seen.map((s) => s.connection).slice(2)).toEqual([2, 3]);
  });

  it('does not resend a request whose new connection the server dropped', async () => {
    const server = await serve((req) => void req.socket.destroy());
    const error = await rejection(get(server.origin));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('fetch failed');
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    expect(server.seen).toHaveLength(1);
  });

  it('fails like fetch when nothing listens, so the error maps to "provider unavailable"', async () => {
    const server = await serve(ok);
    const { origin } = server;
    await new Promise<void>((resolve) => server.http.close(() => resolve()));
    const error = await rejection(get(origin));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('fetch failed');
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    expect(toMojeIdError(error, 'token').code).toBe('provider_unavailable');
  });

  it('does not cut a slow answer at the idle-socket timeout', async () => {
    const server = await serve((_req, res) => void setTimeout(() => res.end('late'), 400));
    const agent = new http.Agent({ keepAlive: true, timeout: 100 });
    const viaAgent = nodeHttpFetch({ agents: { http: agent } });
    try {
      const response = await viaAgent(server.origin, { method: 'GET', headers: {}, body: undefined, redirect: 'manual', signal: AbortSignal.timeout(5_000) });
      expect(await response.text()).toBe('late');
    } finally {
      agent.destroy();
    }
  });
});

describe('timeouts', () => {
  it('rejects with the signal’s TimeoutError within the time, and the server sees the request dropped', async () => {
    let dropped!: () => void;
    const serverSawDrop = new Promise<void>((resolve) => (dropped = resolve));
    const server = await serve((_req, res) => void res.on('close', () => !res.writableFinished && dropped()));
    const started = Date.now();
    const error = await rejection(get(server.origin, AbortSignal.timeout(200)));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error.name).toBe('TimeoutError');
    await serverSawDrop;
    // What the strategy makes of it: a 503, as with Node's fetch.
    expect(toMojeIdError(error, 'userinfo')).toMatchObject({ code: 'provider_unavailable', status: 503 });
    expect(toMojeIdError(error, 'token')).toMatchObject({ code: 'provider_unavailable', status: 503 });
  });

  it('rejects when the signal fires while the body is still arriving', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    const error = await rejection(get(server.origin, AbortSignal.timeout(200)));
    expect(error.name).toBe('TimeoutError');
  });

  it('enforces its own timeout without any signal, as AbortSignal.timeout would, for the answer and for the body', async () => {
    let dropped!: () => void;
    const serverSawDrop = new Promise<void>((resolve) => (dropped = resolve));
    const silent = await serve((_req, res) => void res.on('close', () => !res.writableFinished && dropped()));
    const timed = nodeHttpFetch({ timeoutMs: 200 });
    const started = Date.now();
    const error = await rejection(timed(silent.origin, { method: 'GET', headers: {}, body: undefined, redirect: 'manual' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(DOMException);
    expect(error.name).toBe('TimeoutError');
    await serverSawDrop;
    expect(toMojeIdError(error, 'token')).toMatchObject({ code: 'provider_unavailable', status: 503 });
    const trickling = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    expect((await rejection(timed(trickling.origin, { method: 'GET', headers: {}, body: undefined, redirect: 'manual' }))).name).toBe('TimeoutError');
    // A prompt answer is not affected, and leaves no timer behind.
    const prompt = await serve(ok);
    expect(await (await timed(prompt.origin, { method: 'GET', headers: {}, body: undefined, redirect: 'manual' })).text()).toBe('ok');
  });

  it('sends nothing for a signal that has already fired', async () => {
    const server = await serve(ok);
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(get(server.origin, controller.signal));
    expect(error.name).toBe('AbortError');
    await sleep(50);
    expect(server.connections).toBe(0);
  });
});

describe('the response size cap', () => {
  it('refuses a declared content-length over the cap before the body arrives, and closes the connection', async () => {
    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    const server = await serve((_req, res) => {
      res.on('close', () => closed());
      // Only the head: the refusal must not wait for a body.
      res.writeHead(200, { 'content-length': MAX_RESPONSE_BYTES + 1 }).flushHeaders();
    });
    const error = await rejection(get(`${server.origin}/big`));
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toBeInstanceOf(ReExported);
    expect(error.message).toContain(server.origin);
    expect(toMojeIdError(error, 'userinfo').code).toBe('userinfo_failed');
    await serverSawClose;
  });

  it('refuses an endless chunked body once it passes the cap, and closes the connection', async () => {
    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(16 * 1024, 'a');
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => closed());
      pump();
    });
    const error = await rejection(get(server.origin));
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    await serverSawClose;
  });

  it('refuses a chunked body one byte over the cap', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(Buffer.alloc(MAX_RESPONSE_BYTES, 'b'));
      res.end('b');
    });
    expect(await rejection(get(server.origin))).toBeInstanceOf(ResponseTooLargeError);
  });

  it('accepts a chunked body of exactly the cap', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(Buffer.alloc(MAX_RESPONSE_BYTES - 1000, 'b'));
      res.end(Buffer.alloc(1000, 'b'));
    });
    const response = await get(server.origin);
    expect((await response.arrayBuffer()).byteLength).toBe(MAX_RESPONSE_BYTES);
  });
});

describe('requests and responses', () => {
  it('returns a redirect as it is, without following it', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/from') res.writeHead(302, { location: '/to' }).end();
      else res.end('followed');
    });
    const response = await get(`${server.origin}/from`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/to');
    expect(server.seen.map((s) => s.url)).toEqual(['/from']);
  });

  it('delivers a form POST with its headers intact', async () => {
    const server = await serve(ok);
    const form = new URLSearchParams({ grant_type: 'authorization_code', code: 'ž+&=', redirect_uri: 'https://shop.example.cz/cb' });
    await send(`${server.origin}/token?x=1`, {
      method: 'POST',
      headers: { Authorization: 'Basic dGVzdDpzZWNyZXQ=', accept: 'application/json', 'accept-encoding': 'gzip' },
      body: form,
      redirect: 'manual',
      signal: AbortSignal.timeout(5_000),
    });
    const [seen] = server.seen;
    expect(seen).toMatchObject({ method: 'POST', url: '/token?x=1', body: form.toString() });
    expect(seen?.headers).toMatchObject({
      authorization: 'Basic dGVzdDpzZWNyZXQ=',
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
      'content-length': String(Buffer.byteLength(form.toString())),
      // Compressed answers would need decoding; we ask for none.
      'accept-encoding': 'identity',
    });
  });

  it('takes headers as a Headers object and bytes as the body', async () => {
    const server = await serve(ok);
    const bytes = new TextEncoder().encode('{"a":"č"}');
    const headers = new Headers({ 'content-type': 'application/json', 'x-trace': 'abc' });
    // openid-client's type says a plain record, but fetch takes Headers, and so may a caller.
    await send(server.origin, { method: 'PUT', headers: headers as unknown as Record<string, string>, body: bytes, redirect: 'manual', signal: undefined });
    expect(server.seen[0]).toMatchObject({ method: 'PUT', body: '{"a":"č"}' });
    expect(server.seen[0]?.headers).toMatchObject({ 'content-type': 'application/json', 'x-trace': 'abc', 'content-length': String(bytes.byteLength) });
  });

  it('keeps repeated response headers, status and status text', async () => {
    const server = await serve((_req, res) => {
      res.statusMessage = 'Unauthorized Here';
      res.setHeader('www-authenticate', ['Bearer error="invalid_token"', 'Basic realm="mojeid"']);
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.setHeader('content-type', 'application/json');
      res.writeHead(401).end('{"error":"invalid_token"}');
    });
    const response = await get(server.origin);
    expect(response.status).toBe(401);
    expect(response.statusText).toBe('Unauthorized Here');
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token", Basic realm="mojeid"');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ error: 'invalid_token' });
  });

  it('gives no body for 204 and HEAD', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/empty') res.writeHead(204).end();
      else res.writeHead(200, { 'content-length': '5' }).end(req.method === 'HEAD' ? undefined : 'hello');
    });
    expect((await get(`${server.origin}/empty`)).body).toBeNull();
    const head = await send(server.origin, { method: 'HEAD', headers: {}, body: undefined, redirect: 'manual', signal: undefined });
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    expect(await (await get(server.origin)).text()).toBe('hello');
  });
});
