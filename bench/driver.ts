/**
 * The load generator's browser: keep-alive HTTP/1.1 with a per-login cookie jar, following one
 * whole login by hand (start -> provider's authorization endpoint -> callback -> protected page).
 * Bounded: every loop stops at a deadline or a count, and each request has a timeout.
 */
import http from 'node:http';
import { PROTECTED_PATH } from './common.js';

export const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export interface Reply {
  status: number;
  location: string | undefined;
  body: string;
}

/** A cookie jar that keeps name=value per cookie name (one origin per jar is all the bench needs). */
export class Jar {
  readonly #cookies = new Map<string, string>();

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  take(setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const pair = line.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = /;\s*expires=Thu, 01 Jan 1970/i.test(line) || /;\s*max-age=0/i.test(line);
      if (expired || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }
}

export function get(url: string, jar?: Jar, timeoutMs = 10_000): Promise<Reply> {
  return request('GET', url, jar, undefined, timeoutMs);
}

export function request(method: 'GET' | 'POST', url: string, jar?: Jar, json?: unknown, timeoutMs = 10_000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const cookie = jar?.header();
    const body = json === undefined ? undefined : JSON.stringify(json);
    const headers = { accept: 'text/html', ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}) };
    const req = http.request(url, { method, agent, headers, timeout: timeoutMs }, (res) => {
      jar?.take(res.headers['set-cookie']);
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}

const isRedirect = (status: number): boolean => status === 302 || status === 303;

/**
 * One whole login as a fresh browser (new jar). Resolves with the jar holding the logged-in
 * session, or rejects with the step that went wrong.
 */
export async function login(appOrigin: string, startPath: string): Promise<Jar> {
  const jar = new Jar();
  const start = await get(new URL(startPath, appOrigin).href, jar);
  if (!isRedirect(start.status) || !start.location) throw new Error(`start: ${start.status} ${start.body.slice(0, 200)}`);
  const authorization = await get(new URL(start.location, appOrigin).href);
  if (!isRedirect(authorization.status) || !authorization.location) throw new Error(`authorization: ${authorization.status} ${authorization.body.slice(0, 200)}`);
  const callback = await get(new URL(authorization.location, appOrigin).href, jar);
  if (!isRedirect(callback.status)) throw new Error(`callback: ${callback.status} ${callback.body.slice(0, 300)}`);
  await expectProtectedPage(appOrigin, jar);
  return jar;
}

export async function expectProtectedPage(appOrigin: string, jar: Jar): Promise<void> {
  const page = await get(new URL(PROTECTED_PATH, appOrigin).href, jar);
  if (page.status !== 200 || !page.body.startsWith('private for ')) throw new Error(`protected page: ${page.status} ${page.body.slice(0, 200)}`);
}

export interface LoopResult {
  logins: number;
  errors: number;
  firstError: string | undefined;
  elapsedMs: number;
}

/**
 * `concurrency` browsers log in again and again until `count` logins have started or the deadline
 * passes (whichever first); each waits for its login to finish.
 */
export async function loginLoop(appOrigin: string, startPath: string, options: { concurrency: number; count?: number; durationMs?: number }): Promise<LoopResult> {
  const began = performance.now();
  const deadline = options.durationMs !== undefined ? began + options.durationMs : Infinity;
  const limit = options.count ?? Infinity;
  if (limit === Infinity && deadline === Infinity) throw new Error('loginLoop needs a count or a duration');
  let started = 0;
  let logins = 0;
  let errors = 0;
  let firstError: string | undefined;
  const worker = async (): Promise<void> => {
    while (started < limit && performance.now() < deadline) {
      started += 1;
      try {
        await login(appOrigin, startPath);
        logins += 1;
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
        if (errors > 50) return;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { logins, errors, firstError, elapsedMs: performance.now() - began };
}

/**
 * One whole login across two instances of one app (scenario 7): the start on `startOrigin`, the
 * provider's answer delivered to `callbackOrigin` (as a load balancer may send it), the protected
 * page on `startOrigin` again. The jar is one browser's, valid on both (one session store).
 */
export async function crossLogin(startOrigin: string, callbackOrigin: string, startPath: string): Promise<void> {
  const jar = new Jar();
  const start = await get(new URL(startPath, startOrigin).href, jar);
  if (!isRedirect(start.status) || !start.location) throw new Error(`start: ${start.status} ${start.body.slice(0, 200)}`);
  const authorization = await get(new URL(start.location, startOrigin).href);
  if (!isRedirect(authorization.status) || !authorization.location) throw new Error(`authorization: ${authorization.status} ${authorization.body.slice(0, 200)}`);
  const returned = new URL(authorization.location, startOrigin);
  const callback = await get(new URL(`${returned.pathname}${returned.search}`, callbackOrigin).href, jar);
  if (!isRedirect(callback.status)) throw new Error(`callback: ${callback.status} ${callback.body.slice(0, 300)}`);
  await expectProtectedPage(startOrigin, jar);
}

/** `loginLoop` over two instances: login n starts on instance n % 2 and returns to the other. */
export async function crossLoginLoop(origins: readonly [string, string], startPath: string, options: { concurrency: number; durationMs: number }): Promise<LoopResult> {
  const began = performance.now();
  const deadline = began + options.durationMs;
  let started = 0;
  let logins = 0;
  let errors = 0;
  let firstError: string | undefined;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const n = started;
      started += 1;
      try {
        await crossLogin(origins[n % 2] as string, origins[(n + 1) % 2] as string, startPath);
        logins += 1;
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
        if (errors > 50) return;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { logins, errors, firstError, elapsedMs: performance.now() - began };
}
