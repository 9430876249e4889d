/**
 * The example app with REDIS_URL: an unreachable Redis stops the start with a message naming
 * REDIS_URL (no stack trace), and a Redis lost in the middle of a login fails that login with a
 * page saying so, writes nothing, and logins work again once Redis is back.
 *
 * Runs its own redis-server (test/system/redis-process.ts) so it can stop it; without redis-server
 * these tests FAIL.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { loginThroughSimulator } from 'mojeid-simulator';
import { createExampleApp } from '../../example-app/src/app.js';
import { loadConfig } from '../../example-app/src/config.js';
import { RedisUnavailableError } from '../../example-app/src/redis.js';
import { Client, startExample, type RunningExample } from '../example-app/harness.js';
import { RedisProcess, freePort } from './redis-process.js';

let redis: RedisProcess | undefined;
let app: RunningExample | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
  await redis?.stop();
  redis = undefined;
});

function linkCount(databaseFile: string): number {
  const db = new Database(databaseFile, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM mojeid_links').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('the example app on Redis', () => {
  it('refuses to start without its Redis, naming REDIS_URL', async () => {
    const port = await freePort();
    const databaseFile = path.join(os.tmpdir(), `example-app-redis-${process.pid}`, 'app.sqlite');
    const config = loadConfig({ PORT: '0', SIMULATOR_PORT: '0', REDIS_URL: `redis://127.0.0.1:${port}/3`, DATABASE_FILE: databaseFile });
    const failure = await createExampleApp({ config }).then(
      () => undefined,
      (error: unknown) => error,
    );
    // Stopped before it created anything.
    expect(fs.existsSync(path.dirname(databaseFile))).toBe(false);
    expect(failure).toBeInstanceOf(RedisUnavailableError);
    expect((failure as Error).message).toBe(
      `Redis is not reachable at REDIS_URL=redis://127.0.0.1:${port}/3 (connect ECONNREFUSED 127.0.0.1:${port}). Start Redis there, or unset REDIS_URL to keep sessions in this process.`,
    );
  });

  // The real entry point, compiled fresh as test/example-app/config.test.ts does; needs the
  // library's dist/ (`npm run test:system` builds it).
  it('start.js exits with code 1 and that one message, no stack trace', async () => {
    const outDir = path.resolve(`example-app/data/redis-test-build-${process.pid}`);
    const port = await freePort();
    try {
      const tsc = spawnSync(process.execPath, [path.resolve('node_modules/typescript/bin/tsc'), '-p', 'example-app', '--outDir', outDir], { encoding: 'utf8', timeout: 90000 });
      expect(tsc.stdout + tsc.stderr).toBe('');
      const env = { PATH: process.env['PATH'] ?? '', PORT: '0', SIMULATOR_PORT: '0', REDIS_URL: `redis://:secret@127.0.0.1:${port}`, DATABASE_FILE: path.join(outDir, 'app.sqlite') };
      const result = spawnSync(process.execPath, [path.join(outDir, 'start.js')], { env, encoding: 'utf8', timeout: 30000 });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`The example app cannot start: Redis is not reachable at REDIS_URL=redis://:***@127.0.0.1:${port} (connect ECONNREFUSED`);
      expect(result.stderr).not.toContain('secret');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  }, 120000);

  it('fails a login whose Redis went away mid-flight, writes nothing, and logs in once Redis is back', async () => {
    redis = await RedisProcess.start();
    app = await startExample({ REDIS_URL: redis.url });
    const browser = new Client();

    // A first mojeID login: finished, it would be kept in the session (Redis) until the user
    // chooses to link or create an account.
    const start = await browser.get(app.url('/auth/mojeid/login?returnTo=%2Fprofile'));
    expect(start.status).toBe(302);
    const callback = await loginThroughSimulator(start.location as string, { account: 'nia-high' });
    const linksBefore = linkCount(app.databaseFile);

    await redis.stop();
    const failed = await browser.get(app.url(`${callback.pathname}${callback.search}`));
    expect(failed.status).toBe(503);
    // The library's error page, as for every other failed login.
    expect(failed.body).toContain('data-code="session_store_failed"');
    expect(failed.headers.get('retry-after')).toBe('5');
    expect(failed.headers.get('set-cookie')).toBeNull();
    // Redis away: no page that needs the session works, and none half-works.
    const me = await browser.get(app.url('/me'), { accept: 'application/json' });
    expect([me.status, me.body, me.headers.get('retry-after')]).toEqual([503, '{"error":"session_store_unavailable"}', '5']);
    expect(linkCount(app.databaseFile)).toBe(linksBefore);
    expect(app.logLines).toEqual(expect.arrayContaining([expect.stringMatching(/^\[example-app\] session store failed on GET \/auth\/mojeid\/callback: /)]));

    await redis.resume();
    // The app reconnects by itself; until it has, a login start answers 503 and writes nothing.
    let again = await browser.get(app.url('/auth/mojeid/login?returnTo=%2Fprofile'));
    for (let attempt = 0; again.status === 503 && attempt < 200; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      again = await browser.get(app.url('/auth/mojeid/login?returnTo=%2Fprofile'));
    }
    expect(again.status).toBe(302);
    const callbackAgain = await loginThroughSimulator(again.location as string, { account: 'nia-high' });
    const done = await browser.get(app.url(`${callbackAgain.pathname}${callbackAgain.search}`));
    expect(done.status).toBe(303);
    // A first mojeID login: the choice to link or create an account comes next (Appendix 7 point 6).
    expect((await browser.get(done.location as string)).location).toBe(app.url('/account/mojeid/first-login'));
    const firstLogin = await browser.get(app.url('/account/mojeid/first-login'));
    expect(firstLogin.status).toBe(200);
    expect(firstLogin.body).toContain('Jan');
    expect(linkCount(app.databaseFile)).toBe(linksBefore);
    expect(app.logLines).toContain('[example-app] Redis: connected again');
  });
});
