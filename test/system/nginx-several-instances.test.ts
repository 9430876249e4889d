/**
 * docs/deployment.md "Run it on several instances", run as written: the simulator from its CLI,
 * two example-app processes (example-app/dist/start.js, what `npm start` runs) with the documented
 * variables, and nginx (Debian's package) with the document's own upstream block, taken from the
 * Markdown, on free ports instead of 3000/3002/8080/9400. Round robin sends the login's start and
 * its callback to different instances; the login finishes, a logout on one is a logout on both,
 * and a user stays logged in when one instance stops.
 *
 * Needs nginx (apt-get install nginx-light), redis-server at REDIS_URL and the library's dist/
 * (`npm run test:system` builds it); without them these tests FAIL.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { loginThroughSimulator } from 'mojeid-simulator';
import { Client, csrfFrom, type Hop } from '../example-app/harness.js';
import { REDIS_URL, connectRedis, deleteKeys, testPrefix } from './redis-helpers.js';
import { freePort } from './redis-process.js';

const SECRET = 'shop-secret';
const SESSION_SECRET = 'several-instances-session-secret-0123456789';

let redis: Redis;
let dir: string;
let outDir: string;
let keyPrefix: string;
const children: ChildProcess[] = [];

/** Starts a process and resolves once its output contains `ready`; rejects with its output if it exits first. */
function startProcess(command: string, args: string[], env: Record<string, string>, ready: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes(ready)) resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => reject(new Error(`${command}: ${error.message}`)));
    child.once('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited (${String(code)}) before it was ready:\n${output}`)));
  });
}

function stopProcess(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/** The nginx block of the section "Run it on several instances", with the given ports. */
function documentedNginx(ports: { a: number; b: number; front: number }): string {
  const doc = fs.readFileSync('docs/deployment.md', 'utf8');
  const section = doc.slice(doc.indexOf('## Run it on several instances'));
  const block = /```nginx\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('docs/deployment.md has no nginx block under "Run it on several instances"');
  for (const expected of ['server 127.0.0.1:3000;', 'server 127.0.0.1:3002;', 'listen 8080;']) expect(block).toContain(expected);
  return block
    .replace('server 127.0.0.1:3000;', `server 127.0.0.1:${ports.a};`)
    .replace('server 127.0.0.1:3002;', `server 127.0.0.1:${ports.b};`)
    .replace('listen 8080;', `listen 127.0.0.1:${ports.front};`);
}

beforeAll(async () => {
  redis = await connectRedis();
  const nginx = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  if (nginx.error) throw new Error(`nginx is not installed (${nginx.error.message}): apt-get install nginx-light`);
  if (!fs.existsSync(path.resolve('simulator/dist/cli.js'))) throw new Error('dist/ is not built: npm run build');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-instances-'));
  // Compiled fresh into the git-ignored example-app/data/, where the package self-reference
  // resolves, as test/example-app/config.test.ts does: a stale example-app/dist would test old code.
  outDir = path.resolve(`example-app/data/nginx-test-build-${process.pid}`);
  const tsc = spawnSync(process.execPath, [path.resolve('node_modules/typescript/bin/tsc'), '-p', 'example-app', '--outDir', outDir], { encoding: 'utf8', timeout: 120000 });
  expect(tsc.stdout + tsc.stderr).toBe('');
}, 180000);

afterAll(async () => {
  for (const child of children.reverse()) await stopProcess(child);
  if (redis && keyPrefix) await deleteKeys(redis, keyPrefix);
  await redis?.quit();
  if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('docs/deployment.md: two instances behind nginx', () => {
  it('runs the recipe: the login crosses instances, logout reaches both, one instance may stop', async () => {
    keyPrefix = testPrefix();
    const ports = { simulator: await freePort(), a: await freePort(), b: await freePort(), front: await freePort() };
    const front = `http://127.0.0.1:${ports.front}`;

    // npx mojeid-simulator --port … --client-id shop --client-secret … --redirect-uri <front>/auth/mojeid/callback
    await startProcess(
      process.execPath,
      [path.resolve('simulator/dist/cli.js'), '--port', String(ports.simulator), '--client-id', 'shop', '--client-secret', SECRET, '--redirect-uri', `${front}/auth/mojeid/callback`],
      {},
      'mojeID simulator running at',
    );
    const env = {
      SESSION_SECRET,
      REDIS_URL,
      // The test's own keys in the shared Redis; the recipe needs no prefix.
      REDIS_KEY_PREFIX: keyPrefix,
      MOJEID_BASE_URL: front,
      MOJEID_ISSUER: `http://127.0.0.1:${ports.simulator}/oidc/`,
      MOJEID_CLIENT_ID: 'shop',
      MOJEID_CLIENT_SECRET: SECRET,
      DATABASE_FILE: path.join(dir, 'app.sqlite'),
    };
    const instanceA = await startProcess(process.execPath, [path.join(outDir, 'start.js')], { ...env, PORT: String(ports.a) }, 'Example app ready');
    await startProcess(process.execPath, [path.join(outDir, 'start.js')], { ...env, PORT: String(ports.b) }, 'Example app ready');

    const conf = path.join(dir, 'nginx.conf');
    const temp = (name: string): string => path.join(dir, name);
    fs.writeFileSync(
      conf,
      `pid ${temp('nginx.pid')};
error_log ${temp('error.log')};
events { worker_connections 64; }
http {
  access_log ${temp('access.log')};
  client_body_temp_path ${temp('body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
${documentedNginx(ports)}
}
`,
    );
    // One process (no workers): round robin then alternates strictly, request by request.
    const nginx = spawn('nginx', ['-p', dir, '-c', conf, '-e', temp('error.log'), '-g', 'daemon off; master_process off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(nginx);
    for (let attempt = 0; attempt < 400; attempt += 1) {
      const up = await fetch(`${front}/favicon.ico`).then(
        (r) => r.status === 204,
        () => false,
      );
      if (up) break;
      if (nginx.exitCode !== null) throw new Error(`nginx exited: ${fs.readFileSync(temp('error.log'), 'utf8')}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }

    const browser = new Client();
    const upstreams: string[] = [];
    const get = async (pathname: string, accept = 'text/html'): Promise<Hop> => {
      const hop = await browser.get(new URL(pathname, front), { accept });
      upstreams.push(hop.headers.get('x-upstream') ?? '');
      return hop;
    };
    const post = async (pathname: string, form: Record<string, string>): Promise<Hop> => {
      const hop = await browser.post(new URL(pathname, front), form);
      upstreams.push(hop.headers.get('x-upstream') ?? '');
      return hop;
    };
    const me = async (): Promise<number> => (await get('/me', 'application/json')).status;

    const start = await get('/auth/mojeid/login?returnTo=%2Fprofile');
    expect(start.status).toBe(302);
    const callback = await loginThroughSimulator(start.location as string, { account: 'nia-high' });
    expect(callback.origin).toBe(front);
    const done = await get(`${callback.pathname}${callback.search}`);
    expect(done.status).toBe(303);
    // The start and the callback were answered by different instances.
    const [startedOn, finishedOn] = upstreams;
    expect(new Set([startedOn, finishedOn])).toEqual(new Set([`127.0.0.1:${ports.a}`, `127.0.0.1:${ports.b}`]));

    const choice = await get('/account/mojeid/first-login');
    expect(choice.status).toBe(200);
    expect((await post('/account/mojeid/create', { _csrf: csrfFrom(choice.body) })).status).toBe(303);
    expect([await me(), await me()]).toEqual([200, 200]);
    expect(upstreams.at(-1)).not.toBe(upstreams.at(-2));

    // Logout on whichever instance gets it: logged out on both.
    const profile = await get('/profile');
    expect((await post('/auth/mojeid/logout', { _csrf: csrfFrom(profile.body) })).status).toBe(200);
    expect([await me(), await me()]).toEqual([401, 401]);

    // Logged in again (by password); one instance stops cleanly; the other serves the session.
    const login = await get('/login');
    expect((await post('/login', { _csrf: csrfFrom(login.body), email: 'demo@example.cz', password: 'demo-password', returnTo: '/profile' })).status).toBe(303);
    expect(await stopProcess(instanceA)).toBe(0);
    expect([await me(), await me()]).toEqual([200, 200]);
    // nginx names both when it tried the stopped one first ("127.0.0.1:A, 127.0.0.1:B").
    expect(upstreams.slice(-2).every((u) => u.endsWith(`127.0.0.1:${ports.b}`))).toBe(true);
  });
});
