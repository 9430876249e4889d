/**
 * The package as a user installs it: `npm pack` of the built library (`npm run test:system`
 * builds first), installed with its peers into two fresh apps outside the repository, an ES
 * module app on Express 5 and a CommonJS app on Express 4. Each imports the installed package by
 * its name, protects a page with `requireMojeIdLogin()`, and logs in through the simulator in its
 * own Node process on 127.0.0.1. The simulator is its own package (`mojeid-simulator`, the
 * simulator/ workspace): it is packed too and installed beside the library, whose published
 * tarball has none of it, as an app's developers would install it.
 *
 * Needs npm and the dependencies in npm's cache (`npm ci` puts them there) or the npm registry;
 * it fails naming what is missing.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = process.cwd();
const temporary: string[] = [];
let tarball: string;
let simulatorTarball: string;

/** The versions the repository itself is tested with, from package-lock.json. */
function lockedVersion(entry: string): string {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  const version = lock.packages[`node_modules/${entry}`]?.version;
  if (version === undefined) throw new Error(`package-lock.json has no node_modules/${entry}: run npm ci`);
  return version;
}

/** npm's environment without what `npm run` sets for the repository (its prefix, its package). */
function npmEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) || keep.has(key.toLowerCase())));
}

async function npm(args: string[], cwd: string, what: string): Promise<string> {
  try {
    return (await run('npm', args, { cwd, env: npmEnv(), maxBuffer: 16 * 1024 * 1024, timeout: 5 * 60 * 1000 })).stdout;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`${what} failed (npm needs the packages in its cache, from npm ci, or the npm registry): ${stderr?.trim().slice(-2000) || message}`);
  }
}

function tempDir(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  temporary.push(dir);
  return dir;
}

beforeAll(async () => {
  for (const built of ['dist/index.js', 'simulator/dist/index.js']) {
    if (!existsSync(path.join(root, built))) throw new Error(`${built} is missing: run \`npm run build\` (npm run test:system does it first)`);
  }
  const packDir = tempDir('passport-mojeid-oidc-pack');
  const pack = async (workspace: string[]): Promise<string> => {
    const [packed] = JSON.parse(await npm(['pack', ...workspace, '--ignore-scripts', '--json', '--pack-destination', packDir], root, 'npm pack')) as { filename: string }[];
    if (!packed) throw new Error('npm pack --json printed no package');
    return path.join(packDir, packed.filename);
  };
  tarball = await pack([]);
  simulatorTarball = await pack(['-w', 'mojeid-simulator']);
}, 2 * 60 * 1000);

afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/**
 * The app, the same for both module systems after its imports: a server on 127.0.0.1:0, the
 * simulator with a client for it, `mojeid()` and a page behind `requireMojeIdLogin()`; then a
 * browser (cookies kept, redirects followed one by one) opens the page, presses the button on the
 * login page it is sent to, logs in as `partial`,
 * and the outcome of each step is printed as one JSON line.
 */
const APP_BODY = `
const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = 'http://127.0.0.1:' + server.address().port;
const client = { client_id: 'installed-app', client_secret: 'installed-app-secret' };
const simulator = await startSimulator({ clients: [{ ...client, redirect_uris: [origin + '/auth/mojeid/callback'] }] });

passport.serializeUser((user, done) => done(null, user));
passport.deserializeUser((user, done) => done(null, user));
const app = express();
app.use(session({ secret: 'installed-app-session', resave: false, saveUninitialized: false }));
app.use(passport.session());
const router = mojeid({
  useEnvironment: false, issuer: simulator.issuer, clientId: client.client_id, clientSecret: client.client_secret,
  baseUrl: origin, scope: 'openid email', verify: async (profile) => ({ id: profile.id, email: profile.claims.email }),
});
app.use(router);
app.get('/orders', requireMojeIdLogin(), (req, res) => res.json({ user: req.user }));
server.on('request', app);

const jar = new CookieJar();
async function get(url) {
  const cookie = jar.header(url);
  const response = await fetch(url, { redirect: 'manual', headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) } });
  jar.store(url, response.headers.getSetCookie());
  const location = response.headers.get('location');
  return { status: response.status, location: location ? new URL(location, url).href : null, body: await response.text() };
}

try {
  const guarded = await get(origin + '/orders');
  const loginPage = await get(guarded.location);
  const button = /class="mojeid-button" href="([^"]+)"/.exec(loginPage.body)[1].replace(/&amp;/g, '&');
  const started = await get(origin + button);
  const callback = await loginThroughSimulator(started.location, { account: 'partial' });
  const returned = await get(callback.href);
  const page = await get(returned.location ?? origin + '/orders');
  console.log(JSON.stringify({
    library,
    guarded: { status: guarded.status, location: guarded.location.replace(origin, '') },
    button,
    started: { status: started.status, toSimulator: started.location.startsWith(simulator.issuer) },
    returned: { status: returned.status, location: returned.location && returned.location.replace(origin, '') },
    page: { status: page.status, body: page.body },
  }));
} finally {
  router.strategy.close();
  server.closeAllConnections();
  server.close();
  await simulator.close();
}
`;

const APPS = {
  'ESM app on Express 5': {
    type: 'module',
    express: lockedVersion('express'),
    source: `import http from 'node:http';
import express from 'express';
import session from 'express-session';
import passport from 'passport';
import { mojeid, requireMojeIdLogin } from 'passport-mojeid-oidc';
import { CookieJar, loginThroughSimulator, startSimulator } from 'mojeid-simulator';
const library = import.meta.resolve('passport-mojeid-oidc');
${APP_BODY}`,
  },
  'CommonJS app on Express 4': {
    type: 'commonjs',
    express: lockedVersion('express4'),
    source: `const http = require('node:http');
const express = require('express');
const session = require('express-session');
const passport = require('passport');
const { mojeid, requireMojeIdLogin } = require('passport-mojeid-oidc');
const { CookieJar, loginThroughSimulator, startSimulator } = require('mojeid-simulator');
const library = require('node:url').pathToFileURL(require.resolve('passport-mojeid-oidc')).href;
(async () => {
${APP_BODY}
})().catch((error) => { console.error(error); process.exitCode = 1; });`,
  },
} as const;

describe('the packed package installed into a fresh app', () => {
  it.each(Object.keys(APPS) as (keyof typeof APPS)[])('%s: installs with its peers and logs in through the simulator', async (name) => {
    const spec = APPS[name];
    const dir = tempDir(`passport-mojeid-oidc-${spec.type}-app`);
    writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({
      name: `installed-${spec.type}-app`,
      private: true,
      type: spec.type,
      dependencies: {
        'passport-mojeid-oidc': `file:${tarball}`,
        express: spec.express,
        'express-session': lockedVersion('express-session'),
        passport: lockedVersion('passport'),
      },
      devDependencies: { 'mojeid-simulator': `file:${simulatorTarball}` },
    }, null, 2)}\n`);
    writeFileSync(path.join(dir, 'app.js'), spec.source);
    await npm(['install', '--prefer-offline', '--no-audit', '--no-fund'], dir, `npm install in ${dir}`);

    const installed = path.join(dir, 'node_modules', 'passport-mojeid-oidc');
    const expressVersion = (JSON.parse(readFileSync(path.join(dir, 'node_modules', 'express', 'package.json'), 'utf8')) as { version: string }).version;
    expect({
      express: expressVersion.split('.')[0],
      envExample: existsSync(path.join(installed, '.env.example')),
      src: existsSync(path.join(installed, 'src')),
      simulatorInLibrary: existsSync(path.join(installed, 'dist', 'simulator')),
      // The simulator uses the app's library (a peer dependency), not a copy of its own.
      secondLibrary: existsSync(path.join(dir, 'node_modules', 'mojeid-simulator', 'node_modules', 'passport-mojeid-oidc')),
    }).toEqual({ express: spec.express.split('.')[0], envExample: true, src: false, simulatorInLibrary: false, secondLibrary: false });

    let stdout: string;
    try {
      ({ stdout } = await run(process.execPath, ['app.js'], { cwd: dir, env: { ...npmEnv(), NODE_OPTIONS: '' }, timeout: 60 * 1000 }));
    } catch (error) {
      const { stderr, stdout: out, message } = error as { stderr?: string; stdout?: string; message: string };
      throw new Error(`the ${name} failed: ${stderr?.trim() || out?.trim() || message}`);
    }
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
    expect(result).toEqual({
      library: `${pathToFileURL(installed).href}/dist/index.js`,
      guarded: { status: expect.any(Number), location: '/auth/mojeid?returnTo=%2Forders' },
      button: '/auth/mojeid/login?returnTo=%2Forders',
      started: { status: 302, toSimulator: true },
      returned: { status: 303, location: '/orders' },
      page: { status: 200, body: expect.any(String) },
    });
    expect([302, 303]).toContain((result['guarded'] as { status: number }).status);
    expect(JSON.parse((result['page'] as { body: string }).body)).toEqual({ user: { id: expect.stringMatching(/^\w+$/), email: expect.stringContaining('@') } });
  }, 6 * 60 * 1000);
});
