/**
 * Experiment (BENCH_EXPERIMENTS=1), not part of any library: a `fetch` for provider requests made
 * with node:http(s) and a keep-alive agent instead of Node's built-in fetch (undici). The app
 * process installs it as `globalThis.fetch` before the library is loaded, so openid-client uses
 * it; scenario 2 then shows what the change saves openid-client's own strategy per login. (It
 * was the experiment behind passport-mojeid-oidc's own transport, src/http-transport.ts, which
 * does not go through the global fetch and is not affected by it.)
 */
import http from 'node:http';
import https from 'node:https';

const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
const MAX_BYTES = 512 * 1024;

export const nodeHttpFetch = ((input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
  const url = new URL(input instanceof Request ? input.url : input);
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => {
    headers[name] = value;
  });
  const body = init.body === undefined || init.body === null ? undefined : typeof init.body === 'string' ? init.body : String(init.body);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Response>((resolve, reject) => {
    const req = client.request(url, { method: init.method ?? 'GET', headers, agent: agents[url.protocol as 'http:' | 'https:'], ...(init.signal ? { signal: init.signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > MAX_BYTES) req.destroy(new Error('response too large'));
        else chunks.push(chunk);
      });
      res.on('end', () => {
        const responseHeaders = new Headers();
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) responseHeaders.append(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string);
        const status = res.statusCode ?? 500;
        const bodyless = [101, 204, 205, 304].includes(status);
        resolve(new Response(bodyless ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: responseHeaders }));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}) as typeof fetch;
