/**
 * Runs the example app as `start.ts` would, but on 127.0.0.1 port 0 with a temporary database and
 * the in-process simulator on any free port, plus a cookie-keeping HTTP client that shows every
 * redirect hop (so tests can assert app -> simulator -> app).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loginThroughSimulator } from 'mojeid-simulator';
import { createExampleApp, type ExampleApp } from '../../example-app/src/app.js';
import { listenOnLoopback } from '../helpers/loopback-server.js';
import { loadConfig } from '../../example-app/src/config.js';

export interface Hop {
  readonly status: number;
  /** Absolute. */
  readonly location: string | undefined;
  readonly body: string;
  readonly headers: Headers;
}

/** One browser: a cookie jar per host, redirects not followed. */
export class Client {
  readonly #jars = new Map<string, Map<string, string>>();

  async request(url: string | URL, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Hop> {
    const target = new URL(url);
    const headers: Record<string, string> = { accept: 'text/html', ...init.headers };
    const jar = this.#jars.get(target.host) ?? new Map<string, string>();
    this.#jars.set(target.host, jar);
    if (jar.size) headers['cookie'] = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(target, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    const location = response.headers.get('location');
    return { status: response.status, location: location ? new URL(location, target).href : undefined, body: await response.text(), headers: response.headers };
  }

  get(url: string | URL, headers?: Record<string, string>): Promise<Hop> {
    return this.request(url, headers ? { headers } : {});
  }

  post(url: string | URL, form: Record<string, string>, headers?: Record<string, string>): Promise<Hop> {
    return this.request(url, { form, ...(headers ? { headers } : {}) });
  }
}

export interface RunningExample {
  readonly origin: string;
  /** What the library logged (failed logins, refused requests). */
  readonly logLines: string[];
  readonly example: ExampleApp;
  readonly databaseFile: string;
  url(pathname: string): string;
  close(): Promise<void>;
}

export const TEST_SESSION_SECRET = 'test-session-secret-0123456789-abcdefghijkl';

/**
 * Starts the example app; `databaseFile` reuses a database (a restart). Its origin is given as
 * BASE_URL, or as the library's MOJEID_BASE_URL with `baseUrlVariable`.
 */
export async function startExample(
  env: Record<string, string> = {},
  databaseFile?: string,
  options: { baseUrlVariable?: 'BASE_URL' | 'MOJEID_BASE_URL' } = {},
): Promise<RunningExample> {
  const dir = databaseFile ? undefined : await fs.mkdtemp(path.join(os.tmpdir(), 'example-app-'));
  const file = databaseFile ?? path.join(dir as string, 'data', 'app.sqlite');
  const loopback = await listenOnLoopback();
  const { server, origin } = loopback;
  let example: ExampleApp;
  const logLines: string[] = [];
  try {
    const config = loadConfig({ PORT: '0', [options.baseUrlVariable ?? 'BASE_URL']: origin, DATABASE_FILE: file, SIMULATOR_PORT: '0', SESSION_SECRET: TEST_SESSION_SECRET, ...env });
    example = await createExampleApp({ config, logger: { warn: (message) => void logLines.push(message) } });
  } catch (error) {
    await loopback.close();
    throw error;
  }
  server.on('request', example.app);
  return {
    origin,
    logLines,
    example,
    databaseFile: file,
    url: (pathname) => new URL(pathname, origin).href,
    async close() {
      await loopback.close();
      await example.close();
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** The value of the first `<input name="_csrf">` on a page. */
export function csrfFrom(body: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(body);
  if (!match?.[1]) throw new Error('no CSRF token on the page');
  return match[1];
}

/**
 * The whole mojeID login over HTTP: GET <app>/auth/mojeid/login -> 302 to the simulator ->
 * the simulator's pages (account choice, consent) -> back to the app's callback -> 303.
 * Returns the app's answer to the callback.
 */
export async function loginWithMojeId(
  app: RunningExample,
  client: Client,
  options: { account: string; returnTo?: string; withhold?: string[]; startPath?: string },
): Promise<Hop> {
  const start = await client.get(app.url(options.startPath ?? `/auth/mojeid/login?returnTo=${encodeURIComponent(options.returnTo ?? '/profile')}`));
  if (start.status !== 302 || !start.location) throw new Error(`login start answered ${start.status}: ${start.body.slice(0, 300)}`);
  if (!start.location.startsWith(app.example.simulator?.origin ?? '\u0000')) throw new Error(`login went to ${start.location}, not to the simulator`);
  const callback = await loginThroughSimulator(start.location, { account: options.account, ...(options.withhold ? { withhold: options.withhold } : {}) });
  if (callback.origin !== app.origin) throw new Error(`the simulator returned to ${callback.href}`);
  return client.get(app.url(`${callback.pathname}${callback.search}`));
}
