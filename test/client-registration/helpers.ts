/**
 * Shared pieces of the client-registration tests: a login through a test app and the simulator, a
 * direct check of which secret the token endpoint accepts, and an in-memory credential store whose
 * saves can be made to fail.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loginThroughSimulator } from 'mojeid-simulator';
import type { CredentialStore, StoredCredentials } from '../../src/index.js';
import type { TestApp } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';

export const CALLBACK_PATH = '/auth/mojeid/callback';

export function temporaryDirectory(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'mojeid-registration-'));
}

export interface LoginResult {
  status: number;
  body: string;
  browser: TestBrowser;
}

/** The whole login through the app's pages and the simulator; 303 to `/` means logged in. */
export async function loginThroughApp(app: TestApp, account = 'partial'): Promise<LoginResult> {
  const browser = new TestBrowser();
  const started = await browser.get(`${app.origin}/auth/mojeid/login`);
  if (started.status !== 302 || !started.location) throw new Error(`the login did not start: HTTP ${started.status}`);
  const callback = await loginThroughSimulator(started.location, { account });
  const done = await browser.get(callback);
  return { status: done.status, body: done.body, browser };
}

/**
 * Whether the token endpoint accepts `secret` for `clientId`: with a made-up code, an accepted
 * client gets `invalid_grant` (the code is checked after the client), a refused one
 * `unauthorized_client` (Appendix 6.6).
 */
export async function tokenEndpointVerdict(issuer: string, clientId: string, secret: string): Promise<{ accepted: boolean; error: string; description: string }> {
  const response = await fetch(`${issuer}token/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: 'not-a-real-code', redirect_uri: 'http://127.0.0.1:1/cb' }),
  });
  const body = (await response.json()) as { error: string; error_description?: string };
  if (body.error !== 'invalid_grant' && body.error !== 'unauthorized_client') throw new Error(`unexpected answer ${JSON.stringify(body)}`);
  return { accepted: body.error === 'invalid_grant', error: body.error, description: body.error_description ?? '' };
}

/** A credential store in memory; `failSaves` makes the next saves reject. */
export class MemoryCredentialStore implements CredentialStore {
  value: StoredCredentials | undefined;
  saves: StoredCredentials[] = [];
  loads = 0;
  failSaves = 0;

  constructor(initial?: StoredCredentials) {
    this.value = initial;
  }

  async load(): Promise<StoredCredentials | undefined> {
    this.loads += 1;
    return this.value ? { ...this.value } : undefined;
  }

  async save(credentials: StoredCredentials): Promise<void> {
    if (this.failSaves > 0) {
      this.failSaves -= 1;
      throw new Error('disk full (test)');
    }
    this.value = { ...credentials };
    this.saves.push({ ...credentials });
  }
}

/** Resolves once `condition` holds, checking every 25 ms; rejects after `timeout` ms. */
export async function eventually(condition: () => boolean, timeout = 10_000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
