/**
 * `npm run bench`: passport-mojeid-oidc against the libraries people would pick instead, side by
 * side in one run (issue 6). This process is the orchestrator and the load generator; the
 * provider, the simulator and each app run in their own processes, one app at a time.
 *
 *   BENCH_QUICK=1        a smoke run (seconds, not minutes)
 *   BENCH_ONLY=1,3       only these scenarios (7 needs redis-server on the PATH)
 *   BENCH_PROFILE=1      also profile scenario 2's apps with --cpu-prof (bench/results/profiles/)
 *   BENCH_EXPERIMENTS=1  scenario 2 also runs ours and openid-client/passport with provider requests
 *                        made through node:http instead of the built-in fetch (bench/node-http-fetch.ts)
 *
 * Writes bench/results/latest.json and the generated part of docs/benchmarks.md.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result as CannonResult } from 'autocannon';
import { TestCertificateAuthority, loginThroughSimulator } from 'mojeid-simulator';
import { Child } from './child.js';
import {
  LIBRARIES,
  LIBRARY_LABELS,
  LOGIN_PATHS,
  OIDC_LIBRARIES,
  PROTECTED_PATH,
  TOKEN_AUTH_METHODS,
  type AppSpec,
  type AppStats,
  type ChildToParent,
  type CpuTimes,
  type Library,
} from './common.js';
import { spawn } from 'node:child_process';
import { createClient } from 'redis';
import { Jar, agent, crossLoginLoop, expectProtectedPage, get, login, loginLoop, request } from './driver.js';
import { notifyLoop } from './notify.js';
import { summariseProfile, type ProfileSummary } from './profile.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const resultsDir = join(root, 'bench', 'results');
const docsFile = join(root, 'docs', 'benchmarks.md');

const QUICK = process.env['BENCH_QUICK'] === '1';
const PROFILE = process.env['BENCH_PROFILE'] === '1';
const EXPERIMENTS = process.env['BENCH_EXPERIMENTS'] === '1';
const ALL_SCENARIOS = ['1', '2', '3', '4', '5', '6', '7'];
const ONLY = new Set((process.env['BENCH_ONLY'] ?? ALL_SCENARIOS.join(',')).split(',').map((s) => s.trim()));

const S = QUICK
  ? { runs: 1, s6Runs: 1, quietMaxMs: 2_000, s1Warmup: 1, s1Duration: 1, s1Connections: 10, s2Warmup: 10, s2DurationMs: 1_500, s2Concurrency: 8, s3Logins: 100, s3Concurrency: 8, s4Starts: 2_000, s4PeerStarts: 1_000, s4Connections: 10, s4PendingLoginTtl: 10, s5Spawns: 2, s6DurationMs: 1_000, s6Concurrency: 10, s7Runs: 1, s7DurationMs: 1_500, s7Concurrency: 8 }
  : { runs: 7, s6Runs: 3, quietMaxMs: 2_000, s1Warmup: 1, s1Duration: 4, s1Connections: 10, s2Warmup: 40, s2DurationMs: 4_000, s2Concurrency: 8, s3Logins: 1_000, s3Concurrency: 8, s4Starts: 100_000, s4PeerStarts: 10_000, s4Connections: 10, s4PendingLoginTtl: 90, s5Spawns: 5, s6DurationMs: 4_000, s6Concurrency: 10, s7Runs: 3, s7DurationMs: 4_000, s7Concurrency: 8 };

type OidcLibrary = Exclude<Library, 'baseline'>;
type Ready = Extract<ChildToParent, { type: 'ready' }>;

// ---------------------------------------------------------------------------------------------
// helpers

const median = (values: readonly number[]): number => {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
};
/** A run during which processes outside the benchmark used less than this many cores counts as quiet. */
const QUIET_CORES = 0.3;

interface RunBase {
  run: number;
  backgroundCores: number;
}

/** The quiet runs when there are at least two, else all: other processes on 2 cores distort the rest. */
function usable<T extends RunBase>(runs: readonly T[]): { runs: T[]; quietOnly: boolean } {
  const quiet = runs.filter((r) => r.backgroundCores < QUIET_CORES);
  return quiet.length >= 2 ? { runs: quiet, quietOnly: true } : { runs: [...runs], quietOnly: false };
}

/** Median of per-run ratios a/b over runs measured back to back (same run number), quiet pairs first. */
function pairedRatio<T extends RunBase>(a: readonly T[], b: readonly T[], value: (r: T) => number): number {
  const pairs = (onlyQuiet: boolean) =>
    a.flatMap((x) => {
      const y = b.find((z) => z.run === x.run);
      if (!y || (onlyQuiet && (x.backgroundCores >= QUIET_CORES || y.backgroundCores >= QUIET_CORES))) return [];
      return [value(x) / value(y)];
    });
  const quiet = pairs(true);
  return median(quiet.length >= 2 ? quiet : pairs(false));
}

/** Odd runs go through the apps in reverse order, so no app is always measured right after the same one. */
function alternate<T>(items: readonly T[], run: number): T[] {
  return run % 2 ? [...items].reverse() : [...items];
}

const runsUsed = (row: { runs: readonly RunBase[] }): string => {
  const { runs, quietOnly } = usable(row.runs);
  return quietOnly ? `${runs.length} quiet of ${row.runs.length}` : `all ${row.runs.length} (too few quiet)`;
};

const cpuMs = (a: CpuTimes, b: CpuTimes): number => (b.user - a.user + (b.system - a.system)) / 1000;
const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–');
const mb = (bytes: number): string => `${fmt(bytes / 1024 / 1024, 1)} MB`;
const log = (line: string): void => console.log(line);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Busy and total jiffies of the whole machine (/proc/stat), to see what else runs while we measure. */
function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

const TICK_MS = 10; // USER_HZ = 100 on Linux

/** Measures, over one window, how many cores are busy with work that is not the benchmark's. */
class Background {
  readonly #ticks = machineTicks();
  readonly #began = performance.now();
  readonly #self = process.cpuUsage();

  /** `oursMs`: CPU the benchmark's child processes used in the window (app, provider). */
  cores(oursMs: number): number {
    const now = machineTicks();
    if (!now || !this.#ticks) return NaN;
    const self = process.cpuUsage(this.#self);
    const busyMs = (now.busy - this.#ticks.busy) * TICK_MS;
    const foreignMs = busyMs - oursMs - (self.user + self.system) / 1000;
    return Math.max(0, foreignMs / (performance.now() - this.#began));
  }
}

/**
 * Waits (bounded) until the machine is nearly idle before a measurement: other processes on a
 * 2-core machine inflate both latency and CPU time per request. Returns the busy cores last seen.
 */
async function waitForQuiet(): Promise<number> {
  const deadline = performance.now() + S.quietMaxMs;
  let busy = NaN;
  do {
    const before = machineTicks();
    await new Promise((r) => setTimeout(r, 500));
    const after = machineTicks();
    if (!before || !after) return NaN;
    busy = ((after.busy - before.busy) / Math.max(1, after.total - before.total)) * os.cpus().length;
    if (busy < 0.3) return busy;
  } while (performance.now() < deadline);
  return busy;
}

function endpointsFor(issuer: string): NonNullable<AppSpec['endpoints']> {
  return { authorization: `${issuer}authorization/`, token: `${issuer}token/`, userinfo: `${issuer}userinfo/` };
}

async function discoveredEndpoints(issuer: string): Promise<NonNullable<AppSpec['endpoints']>> {
  const doc = JSON.parse((await get(`${issuer}.well-known/openid-configuration`)).body) as Record<string, string>;
  return { authorization: doc['authorization_endpoint'] ?? '', token: doc['token_endpoint'] ?? '', userinfo: doc['userinfo_endpoint'] ?? '' };
}

function startApp(spec: AppSpec, execArgv: string[] = []): Child {
  return new Child('app-main.js', { env: { BENCH_APP: JSON.stringify(spec) }, execArgv });
}

async function appStats(app: Child, gc = false, prune = false): Promise<AppStats> {
  return (await app.request<Extract<ChildToParent, { type: 'stats' }>>({ type: 'stats', gc, prune })).stats;
}

async function providerCounts(provider: Child, reset = false): Promise<{ counts: Record<string, number>; cpu: CpuTimes }> {
  const answer = await provider.request<Extract<ChildToParent, { type: 'counts' }>>({ type: 'counts', reset });
  return { counts: answer.counts, cpu: answer.cpu };
}

async function cannon(options: Parameters<typeof autocannon>[0]): Promise<CannonResult> {
  return autocannon({ timeout: 10, ...options });
}

// ---------------------------------------------------------------------------------------------
// results

interface S1Row {
  library: Library;
  loginVia: string;
  runs: { run: number; rps: number; p99: number; bad: number; backgroundCores: number; cpuUsPerRequest: number; sessionBytes: number }[];
  rps: number;
  p99: number;
  ratio: number;
  cpuUsPerRequest: number;
  cpuRatio: number;
}
interface S2Row {
  library: OidcLibrary;
  label: string;
  experiment?: 'node-http-fetch';
  runs: { run: number; loginsPerSec: number; cpuMsPerLogin: number; providerCpuMsPerLogin: number; errors: number; firstError?: string; backgroundCores: number }[];
  loginsPerSec: number;
  cpuMsPerLogin: number;
  providerCpuMsPerLogin: number;
  verifiesSignature: boolean;
}
interface S3Row {
  config: string;
  library: OidcLibrary;
  logins: number;
  errors: number;
  counts: Record<string, number>;
}
interface S4Row {
  library: OidcLibrary;
  mode: 'one session' | 'no cookies';
  starts: number;
  redirects: number;
  perSecond: number;
  backgroundCores: number;
  heapBefore: number;
  heapAfter: number;
  rssBefore: number;
  rssAfter: number;
  storeSessions: number;
  storeBytes: number;
  /** The newest session's lifetime left right after the flood (ms); `null`: no expiry. */
  newestSessionExpiresInMs: number | null | undefined;
  /** Once that lifetime has passed (only when it is short enough to wait for), after the store pruned. */
  afterExpiry?: { waitedMs: number; heapUsed: number; storeSessions: number; storeBytes: number };
}
interface S5Row {
  library: Library;
  outcome: 'listening' | 'failed';
  spawnToReadyMs: number[];
  medianMs: number;
  failure?: string;
  firstLoginStart?: { status: number; ms: number };
}

interface S6Row {
  connection: 'keep-alive' | 'new TLS handshake each';
  runs: { run: number; perSecond: number; p99: number; cpuMsPer: number; other: number; backgroundCores: number; firstOther?: string }[];
  perSecond: number;
  p99: number;
  cpuMsPer: number;
}

interface S7Row {
  setup: 'one instance, MemoryStore' | 'two instances, one Redis';
  runs: { run: number; loginsPerSec: number; cpuMsPerLogin: number; redisCpuMsPerLogin?: number; errors: number; firstError?: string; backgroundCores: number; redisCommandsPerLogin?: number; commands?: Record<string, number> }[];
  loginsPerSec: number;
  cpuMsPerLogin: number;
  errors: number;
  redisCommandsPerLogin?: number;
  redisCpuMsPerLogin?: number;
  /** Calls per login of each Redis command, from the median run by commands per login. */
  commands?: Record<string, number>;
}

interface Results {
  machine: { cpu: string; cores: number; memory: string; os: string; node: string; date: string; loadAverage: number[] };
  versions: Record<string, string>;
  quick: boolean;
  settings: typeof S;
  s1?: S1Row[];
  s2?: S2Row[];
  s3?: S3Row[];
  s4?: S4Row[];
  s5?: S5Row[];
  s6?: { status: string; rows?: S6Row[] };
  s7?: { status: string; rows?: S7Row[] };
  profiles?: Record<string, ProfileSummary>;
  notes: string[];
}

function machine(): Results['machine'] {
  const cpuinfo = (() => {
    try {
      return readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return '';
    }
  })();
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  return {
    cpu: model,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memory: `${fmt(os.totalmem() / 1024 ** 3, 1)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString(),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

function versions(): Record<string, string> {
  const version = (pkg: string): string => {
    try {
      return (JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return '?';
    }
  };
  const ours = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  return {
    'passport-mojeid-oidc': ours,
    ...Object.fromEntries(['express', 'express-session', 'passport', 'express-openid-connect', 'passport-openidconnect', 'openid-client', 'autocannon'].map((p) => [p, version(p)])),
  };
}

// ---------------------------------------------------------------------------------------------
// scenario 1: a protected page with a logged-in session

async function loginThroughRealProvider(simulator: Child, app: Ready, library: OidcLibrary): Promise<Jar> {
  await simulator.request({ type: 'add-client', redirectUri: new URL(LOGIN_PATHS[library].callback, app.origin).href, authMethod: TOKEN_AUTH_METHODS[library] });
  const jar = new Jar();
  const start = await get(new URL(LOGIN_PATHS[library].start, app.origin).href, jar);
  if (!start.location) throw new Error(`login start answered ${start.status}`);
  const callback = await loginThroughSimulator(new URL(start.location, app.origin), { account: 'nia-high' });
  const finish = await get(callback.href, jar);
  if (finish.status !== 302 && finish.status !== 303) throw new Error(`callback answered ${finish.status}: ${finish.body.slice(0, 300)}`);
  await expectProtectedPage(app.origin, jar);
  return jar;
}

async function scenario1(provider: Ready, simulator: Child | undefined, simulatorReady: Ready | undefined, notes: string[]): Promise<S1Row[]> {
  log('\n## 1. Protected page with a logged-in session');
  const rows = new Map<Library, S1Row>(LIBRARIES.map((l) => [l, { library: l, loginVia: '', runs: [], rps: NaN, p99: NaN, ratio: NaN, cpuUsPerRequest: NaN, cpuRatio: NaN }]));
  // The baseline's session holds the very user object ours stores after a real login, so the
  // comparison is of the code on the request path, not of what is in the session.
  let oursUser: unknown;
  {
    const app = startApp({ library: 'ours', issuer: simulatorReady?.issuer ?? provider.issuer ?? '' });
    try {
      const ready = await app.ready();
      const jar = simulator && simulatorReady ? await loginThroughRealProvider(simulator, ready, 'ours') : await login(ready.origin, LOGIN_PATHS.ours.start);
      oursUser = JSON.parse((await get(`${ready.origin}/bench/user`, jar)).body);
    } catch (error) {
      notes.push(`Scenario 1: could not read the user ours stores (${error instanceof Error ? error.message : String(error)}); the baseline holds a smaller fixed user.`);
    } finally {
      await app.stop();
    }
  }
  for (let run = 0; run < S.runs; run += 1) {
    for (const library of alternate(LIBRARIES, run)) {
      const row = rows.get(library) as S1Row;
      let app: Child | undefined;
      try {
        let jar: Jar;
        let origin: string;
        if (library === 'baseline') {
          app = startApp({ library, issuer: provider.issuer ?? '' });
          origin = (await app.ready()).origin;
          jar = new Jar();
          const answer = await request('POST', `${origin}/bench/login`, jar, oursUser ?? {});
          if (answer.status !== 204) throw new Error(`baseline login answered ${answer.status}`);
          await expectProtectedPage(origin, jar);
          row.loginVia = oursUser ? 'req.logIn of the user ours stored (no OIDC)' : 'req.logIn of a fixed user (no OIDC)';
        } else {
          let via = 'mojeID simulator (oidc-provider)';
          try {
            if (!simulator || !simulatorReady?.issuer) throw new Error('simulator not running');
            const spec: AppSpec = { library, issuer: simulatorReady.issuer, endpoints: await discoveredEndpoints(simulatorReady.issuer) };
            app = startApp(spec);
            const ready = await app.ready();
            origin = ready.origin;
            jar = await loginThroughRealProvider(simulator, ready, library);
          } catch (error) {
            // Fall back to the minimal provider, and say so.
            const reason = error instanceof Error ? error.message : String(error);
            if (run === 0) notes.push(`Scenario 1, ${LIBRARY_LABELS[library]}: the login through the simulator failed (${reason.slice(0, 200)}); the session came from the minimal provider instead.`);
            await app?.stop();
            via = 'minimal provider (simulator login failed)';
            app = startApp({ library, issuer: provider.issuer ?? '', endpoints: endpointsFor(provider.issuer ?? '') });
            origin = (await app.ready()).origin;
            jar = await login(origin, LOGIN_PATHS[library].start);
          }
          row.loginVia = via;
        }
        const options = { url: `${origin}${PROTECTED_PATH}`, connections: S.s1Connections, headers: { cookie: jar.header(), accept: 'text/html' } };
        await waitForQuiet();
        await cannon({ ...options, duration: S.s1Warmup });
        const appBefore = await appStats(app);
        const background = new Background();
        const result = await cannon({ ...options, duration: S.s1Duration });
        const appAfter = await appStats(app);
        const appMs = cpuMs(appBefore.cpu, appAfter.cpu);
        const backgroundCores = background.cores(appMs);
        const bad = result.non2xx + result.errors + result.timeouts;
        const cpuUsPerRequest = (appMs * 1000) / Math.max(1, result.requests.total);
        // The store holds this one logged-in session: what every request reads, parses and hashes.
        const sessionBytes = appAfter.storeSessions === 1 ? appAfter.storeBytes : NaN;
        row.runs.push({ run, rps: result.requests.average, p99: result.latency.p99, bad, backgroundCores, cpuUsPerRequest, sessionBytes });
        log(`  run ${run + 1} ${LIBRARY_LABELS[library].padEnd(40)} ${fmt(result.requests.average).padStart(7)} req/s  p99 ${fmt(result.latency.p99, 1)} ms  ${fmt(cpuUsPerRequest)} µs CPU/request  (other processes: ${fmt(backgroundCores, 2)} cores)${bad ? `  (${bad} not 2xx!)` : ''}`);
      } catch (error) {
        notes.push(`Scenario 1, ${LIBRARY_LABELS[library]}, run ${run + 1}: ${error instanceof Error ? error.message : String(error)}`);
        log(`  run ${run + 1} ${LIBRARY_LABELS[library]}: FAILED ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        await app?.stop();
      }
    }
  }
  const baseRuns = (rows.get('baseline') as S1Row).runs;
  for (const row of rows.values()) {
    const { runs } = usable(row.runs);
    row.rps = median(runs.map((r) => r.rps));
    row.p99 = median(runs.map((r) => r.p99));
    row.cpuUsPerRequest = median(runs.map((r) => r.cpuUsPerRequest));
    row.ratio = pairedRatio(row.runs, baseRuns, (r) => r.rps);
    row.cpuRatio = pairedRatio(row.runs, baseRuns, (r) => r.cpuUsPerRequest);
  }
  return [...rows.values()];
}

// ---------------------------------------------------------------------------------------------
// scenario 2: whole logins

async function measureLogins(providerChild: Child, provider: Ready, library: OidcLibrary, durationMs: number, execArgv: string[] = [], experiment?: 'node-http-fetch') {
  const app = startApp({ library, issuer: provider.issuer ?? '', endpoints: endpointsFor(provider.issuer ?? ''), ...(experiment ? { experiment } : {}) }, execArgv);
  try {
    const { origin } = await app.ready();
    const warm = await loginLoop(origin, LOGIN_PATHS[library].start, { concurrency: 4, count: S.s2Warmup });
    if (warm.errors) throw new Error(`warm-up: ${warm.firstError}`);
    await waitForQuiet();
    const before = await appStats(app);
    const providerBefore = await providerCounts(providerChild);
    const background = new Background();
    const loop = await loginLoop(origin, LOGIN_PATHS[library].start, { concurrency: S.s2Concurrency, durationMs });
    const after = await appStats(app);
    const providerAfter = await providerCounts(providerChild);
    const backgroundCores = background.cores(cpuMs(before.cpu, after.cpu) + cpuMs(providerBefore.cpu, providerAfter.cpu));
    return {
      backgroundCores,
      loginsPerSec: loop.logins / (loop.elapsedMs / 1000),
      cpuMsPerLogin: cpuMs(before.cpu, after.cpu) / loop.logins,
      providerCpuMsPerLogin: cpuMs(providerBefore.cpu, providerAfter.cpu) / loop.logins,
      errors: loop.errors,
      ...(loop.firstError ? { firstError: loop.firstError } : {}),
    };
  } finally {
    await app.stop();
  }
}

async function scenario2(providerChild: Child, provider: Ready, notes: string[]): Promise<S2Row[]> {
  log('\n## 2. Whole logins (start -> authorization -> callback -> protected page)');
  const rows: S2Row[] = OIDC_LIBRARIES.map((l) => ({ library: l, label: LIBRARY_LABELS[l], runs: [], loginsPerSec: NaN, cpuMsPerLogin: NaN, providerCpuMsPerLogin: NaN, verifiesSignature: l === 'ours' }));
  if (EXPERIMENTS) {
    // Ours makes its provider requests with node:http itself (src/http-transport.ts); the
    // experiment shows what the same change would save openid-client's own strategy.
    for (const library of ['openid-client'] as const) {
      rows.push({ library, label: `${LIBRARY_LABELS[library]}, fetch → node:http (experiment)`, experiment: 'node-http-fetch', runs: [], loginsPerSec: NaN, cpuMsPerLogin: NaN, providerCpuMsPerLogin: NaN, verifiesSignature: false });
    }
  }
  for (let run = 0; run < S.runs; run += 1) {
    for (const row of alternate(rows, run)) {
      const library = row.library;
      try {
        const r = { run, ...(await measureLogins(providerChild, provider, library, S.s2DurationMs, [], row.experiment)) };
        row.runs.push(r);
        log(`  run ${run + 1} ${row.label.padEnd(40)} ${fmt(r.loginsPerSec).padStart(5)} logins/s  ${fmt(r.cpuMsPerLogin, 2)} ms CPU/login (app)  ${fmt(r.providerCpuMsPerLogin, 2)} ms (provider)  (other processes: ${fmt(r.backgroundCores, 2)} cores)${r.errors ? `  ${r.errors} errors: ${r.firstError}` : ''}`);
        if (r.errors) notes.push(`Scenario 2, ${LIBRARY_LABELS[library]}, run ${run + 1}: ${r.errors} failed logins (${r.firstError})`);
      } catch (error) {
        notes.push(`Scenario 2, ${LIBRARY_LABELS[library]}, run ${run + 1}: ${error instanceof Error ? error.message : String(error)}`);
        log(`  run ${run + 1} ${LIBRARY_LABELS[library]}: FAILED ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  for (const row of rows) {
    const { runs } = usable(row.runs);
    row.loginsPerSec = median(runs.map((r) => r.loginsPerSec));
    row.cpuMsPerLogin = median(runs.map((r) => r.cpuMsPerLogin));
    row.providerCpuMsPerLogin = median(runs.map((r) => r.providerCpuMsPerLogin));
  }
  return rows;
}

async function profileLogins(providerChild: Child, provider: Ready): Promise<Record<string, ProfileSummary>> {
  log('\n## Profiles (scenario 2 apps under --cpu-prof)');
  const out: Record<string, ProfileSummary> = {};
  for (const library of OIDC_LIBRARIES) {
    const dir = join(resultsDir, 'profiles', library);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    await measureLogins(providerChild, provider, library, S.s2DurationMs, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    const file = readdirSync(dir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(dir, f))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
    if (!file) continue;
    out[library] = summariseProfile(file);
    const p = out[library];
    log(`  ${LIBRARY_LABELS[library]}: busy ${fmt(p.totalMs - p.idleMs)} ms, GC ${fmt(p.gcMs)} ms`);
    for (const pkg of p.byPackage.slice(0, 6)) log(`    ${pkg.name.padEnd(34)} ${fmt(pkg.share * 100, 1).padStart(5)} %`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// scenario 7: two instances on one Redis, every login crossing them

/** CPU milliseconds a process has used (/proc/<pid>/stat utime + stime). */
function processCpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${String(pid)}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return NaN;
  }
}

/** `INFO commandstats` as calls per command, without the benchmark's own INFO and CONFIG. */
function commandCalls(info: string): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    const name = match[1] as string;
    if (name !== 'info' && !name.startsWith('config')) calls[name] = Number(match[2]);
  }
  return calls;
}

/**
 * A redis-server of its own on a free port, without persistence: its command statistics are then
 * the scenario's alone, whatever else uses the machine's Redis.
 */
async function startRedis(): Promise<{ url: string; pid: number | undefined; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`redis-server: ${error.message} (apt-get install redis-server)`)));
    child.once('exit', (code) => reject(new Error(`redis-server exited (${String(code)})`)));
  });
  const url = `redis://127.0.0.1:${port}`;
  const ready = (async () => {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const up = await new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      });
      if (up) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('redis-server did not listen');
  })();
  await Promise.race([ready, failed]);
  failed.catch(() => undefined);
  return {
    url,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function scenario7(providerChild: Child, provider: Ready, notes: string[]): Promise<{ status: string; rows?: S7Row[] }> {
  log('\n## 7. Two instances on one Redis: whole logins, start and callback on different instances');
  let redis: Awaited<ReturnType<typeof startRedis>>;
  try {
    redis = await startRedis();
  } catch (error) {
    const status = `not run: ${error instanceof Error ? error.message : String(error)}`;
    log(`  ${status}`);
    return { status };
  }
  const client = createClient({ url: redis.url });
  client.on('error', () => undefined);
  await client.connect();
  const issuer = provider.issuer ?? '';
  const rows: S7Row[] = [
    { setup: 'one instance, MemoryStore', runs: [], loginsPerSec: NaN, cpuMsPerLogin: NaN, errors: 0 },
    { setup: 'two instances, one Redis', runs: [], loginsPerSec: NaN, cpuMsPerLogin: NaN, errors: 0 },
  ];
  try {
    for (let run = 0; run < S.s7Runs; run += 1) {
      for (const row of alternate(rows, run)) {
        const apps: Child[] = [];
        try {
          let origins: string[];
          if (row.setup === 'one instance, MemoryStore') {
            apps.push(startApp({ library: 'ours', issuer, endpoints: endpointsFor(issuer) }));
            origins = [(await (apps[0] as Child).ready()).origin];
          } else {
            // Both instances build the redirect URI from one public origin (here instance A's), as
            // behind a load balancer; the load generator then plays the balancer.
            const ports = [await freePort(), await freePort()];
            const baseUrl = `http://127.0.0.1:${String(ports[0])}`;
            const prefix = `bench-${String(run)}:`;
            for (const port of ports) apps.push(startApp({ library: 'ours', issuer, endpoints: endpointsFor(issuer), port, redis: { url: redis.url, prefix, baseUrl } }));
            origins = await Promise.all(apps.map(async (app) => (await app.ready()).origin));
          }
          const loop = (durationMs: number, concurrency: number) =>
            origins.length === 2 ? crossLoginLoop(origins as [string, string], LOGIN_PATHS.ours.start, { concurrency, durationMs }) : loginLoop(origins[0] as string, LOGIN_PATHS.ours.start, { concurrency, durationMs });
          const warm = await loop(500, 4);
          if (warm.errors) throw new Error(`warm-up: ${warm.firstError}`);
          await waitForQuiet();
          const before = await Promise.all(apps.map((app) => appStats(app)));
          const redisBefore = processCpuMs(redis.pid);
          const providerBefore = await providerCounts(providerChild);
          await client.sendCommand(['CONFIG', 'RESETSTAT']);
          const background = new Background();
          const result = await loop(S.s7DurationMs, S.s7Concurrency);
          const calls = commandCalls(String(await client.sendCommand(['INFO', 'commandstats'])));
          const after = await Promise.all(apps.map((app) => appStats(app)));
          const appMs = before.reduce((sum, b, i) => sum + cpuMs(b.cpu, (after[i] as AppStats).cpu), 0);
          const redisMs = processCpuMs(redis.pid) - redisBefore;
          const providerAfter = await providerCounts(providerChild);
          const backgroundCores = background.cores(appMs + (origins.length === 2 ? redisMs : 0) + cpuMs(providerBefore.cpu, providerAfter.cpu));
          const logins = Math.max(1, result.logins);
          const totalCalls = Object.values(calls).reduce((a, b) => a + b, 0);
          const r: S7Row['runs'][number] = {
            run,
            loginsPerSec: result.logins / (result.elapsedMs / 1000),
            cpuMsPerLogin: appMs / logins,
            errors: result.errors,
            ...(result.firstError ? { firstError: result.firstError } : {}),
            backgroundCores,
            ...(origins.length === 2
              ? { redisCommandsPerLogin: totalCalls / logins, commands: Object.fromEntries(Object.entries(calls).map(([k, v]) => [k, v / logins])), redisCpuMsPerLogin: redisMs / logins }
              : {}),
          };
          row.runs.push(r);
          log(
            `  run ${run + 1} ${row.setup.padEnd(28)} ${fmt(r.loginsPerSec).padStart(5)} logins/s  ${fmt(r.cpuMsPerLogin, 2)} ms CPU/login (apps)${r.redisCommandsPerLogin !== undefined ? `  ${fmt(r.redisCommandsPerLogin, 1)} Redis commands/login (${Object.entries(r.commands ?? {}).map(([k, v]) => `${k} ${fmt(v, 1)}`).join(', ')}), Redis ${fmt(r.redisCpuMsPerLogin ?? NaN, 2)} ms CPU/login` : ''}  ${r.errors} failed${r.firstError ? `: ${r.firstError}` : ''}`,
          );
          if (r.errors) notes.push(`Scenario 7, ${row.setup}, run ${run + 1}: ${r.errors} failed logins (${r.firstError})`);
        } catch (error) {
          notes.push(`Scenario 7, ${row.setup}, run ${run + 1}: ${error instanceof Error ? error.message : String(error)}`);
          log(`  run ${run + 1} ${row.setup}: FAILED ${error instanceof Error ? error.message : String(error)}`);
        } finally {
          for (const app of apps) await app.stop();
        }
      }
    }
  } finally {
    await client.close().catch(() => undefined);
    await redis.stop();
  }
  for (const row of rows) {
    const { runs } = usable(row.runs);
    row.loginsPerSec = median(runs.map((r) => r.loginsPerSec));
    row.cpuMsPerLogin = median(runs.map((r) => r.cpuMsPerLogin));
    row.errors = row.runs.reduce((sum, r) => sum + r.errors, 0);
    if (row.setup === 'two instances, one Redis' && runs.length) {
      row.redisCommandsPerLogin = median(runs.map((r) => r.redisCommandsPerLogin ?? NaN));
      row.redisCpuMsPerLogin = median(runs.map((r) => r.redisCpuMsPerLogin ?? NaN));
      const middle = [...runs].sort((a, b) => (a.redisCommandsPerLogin ?? 0) - (b.redisCommandsPerLogin ?? 0))[Math.floor(runs.length / 2)];
      if (middle?.commands) row.commands = middle.commands;
    }
  }
  return { status: 'run', rows };
}

// ---------------------------------------------------------------------------------------------
// scenario 3: requests to the provider per login

async function scenario3(providerChild: Child, provider: Ready, notes: string[]): Promise<S3Row[]> {
  log(`\n## 3. Requests to the provider over ${fmt(S.s3Logins)} logins (fresh app process each)`);
  const configs: { config: string; library: OidcLibrary; userinfo?: boolean }[] = [
    { config: 'ours (UserInfo on, default)', library: 'ours' },
    { config: 'ours (userinfo: false, claims in the ID token)', library: 'ours', userinfo: false },
    { config: LIBRARY_LABELS.eoc, library: 'eoc' },
    { config: LIBRARY_LABELS['passport-oidc'], library: 'passport-oidc' },
    { config: LIBRARY_LABELS['openid-client'], library: 'openid-client' },
  ];
  const rows: S3Row[] = [];
  for (const c of configs) {
    await providerCounts(providerChild, true);
    const app = startApp({ library: c.library, issuer: provider.issuer ?? '', endpoints: endpointsFor(provider.issuer ?? ''), ...(c.userinfo === false ? { userinfo: false } : {}) });
    try {
      const { origin } = await app.ready();
      const loop = await loginLoop(origin, LOGIN_PATHS[c.library].start, { concurrency: S.s3Concurrency, count: S.s3Logins });
      const { counts } = await providerCounts(providerChild, true);
      rows.push({ config: c.config, library: c.library, logins: loop.logins, errors: loop.errors, counts });
      if (loop.errors) notes.push(`Scenario 3, ${c.config}: ${loop.errors} failed logins (${loop.firstError})`);
      log(`  ${c.config.padEnd(48)} logins ${loop.logins}  ${Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    } catch (error) {
      notes.push(`Scenario 3, ${c.config}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await app.stop();
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// scenario 4: memory under login starts that never return

async function scenario4(provider: Ready, notes: string[]): Promise<S4Row[]> {
  log(`\n## 4. Memory: ${fmt(S.s4Starts)} login starts that never return (ours; peers ${fmt(S.s4PeerStarts)})`);
  const rows: S4Row[] = [];
  for (const library of OIDC_LIBRARIES) {
    for (const mode of ['one session', 'no cookies'] as const) {
      // Ours with a pending-login TTL the run can wait for; long enough that no session expires
      // during the flood itself.
      const ttl = library === 'ours' && mode === 'no cookies' ? S.s4PendingLoginTtl : undefined;
      const app = startApp({ library, issuer: provider.issuer ?? '', endpoints: endpointsFor(provider.issuer ?? ''), ...(ttl ? { pendingLoginTtl: ttl } : {}) }, ['--expose-gc']);
      try {
        const { origin } = await app.ready();
        const url = new URL(LOGIN_PATHS[library].start, origin).href;
        // The first start discovers the provider (where the library does it lazily) and, for
        // "one session", gives the browser its cookie.
        const jar = new Jar();
        const first = await get(url, jar);
        if (first.status !== 302 && first.status !== 303) throw new Error(`login start answered ${first.status}`);
        const starts = library === 'ours' ? S.s4Starts : S.s4PeerStarts;
        await waitForQuiet();
        const before = await appStats(app, true);
        const began = performance.now();
        const background = new Background();
        const result = await cannon({ url, connections: S.s4Connections, amount: starts, headers: { accept: 'text/html', ...(mode === 'one session' ? { cookie: jar.header() } : {}) } });
        const seconds = (performance.now() - began) / 1000;
        const after = await appStats(app, true);
        const backgroundCores = background.cores(cpuMs(before.cpu, after.cpu));
        let afterExpiry: S4Row['afterExpiry'];
        const left = after.newestSessionExpiresInMs;
        if (typeof left === 'number' && left < 5 * 60_000) {
          const waitedMs = Math.max(0, left) + 1_000;
          log(`  waiting ${fmt(waitedMs / 1000)} s for the sessions to expire`);
          await new Promise((resolve) => setTimeout(resolve, waitedMs));
          const expired = await appStats(app, true, true);
          afterExpiry = { waitedMs, heapUsed: expired.heapUsed, storeSessions: expired.storeSessions, storeBytes: expired.storeBytes };
        }
        rows.push({
          library,
          mode,
          starts,
          redirects: result['3xx'],
          perSecond: starts / seconds,
          backgroundCores,
          heapBefore: before.heapUsed,
          heapAfter: after.heapUsed,
          rssBefore: before.rss,
          rssAfter: after.rss,
          storeSessions: after.storeSessions,
          storeBytes: after.storeBytes,
          newestSessionExpiresInMs: after.newestSessionExpiresInMs,
          ...(afterExpiry ? { afterExpiry } : {}),
        });
        if (result['3xx'] !== starts) notes.push(`Scenario 4, ${LIBRARY_LABELS[library]} (${mode}): only ${result['3xx']} of ${starts} starts were redirects.`);
        log(`  ${LIBRARY_LABELS[library].padEnd(40)} ${mode.padEnd(11)} heap ${mb(before.heapUsed)} -> ${mb(after.heapUsed)}  store ${fmt(after.storeSessions)} sessions, ${mb(after.storeBytes)}  (${fmt(starts / seconds)} starts/s)`);
      } catch (error) {
        notes.push(`Scenario 4, ${LIBRARY_LABELS[library]} (${mode}): ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        await app.stop();
      }
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// scenario 5: start-up with the provider unreachable

async function scenario5(): Promise<S5Row[]> {
  log('\n## 5. Start-up with the provider unreachable (spawn -> serving)');
  const issuer = `http://127.0.0.1:${await freePort()}/oidc/`;
  const rows: S5Row[] = [];
  for (const library of LIBRARIES) rows.push({ library, outcome: 'listening', spawnToReadyMs: [], medianMs: NaN });
  for (let i = 0; i < S.s5Spawns; i += 1) {
    for (const row of alternate(rows, i)) {
      const app = startApp({ library: row.library, issuer, endpoints: endpointsFor(issuer) });
      const message = await app.started;
      row.spawnToReadyMs.push(app.startedAt - app.spawnedAt);
      if (message.type === 'failed') {
        row.outcome = 'failed';
        row.failure = message.message;
      } else if (i === 0 && row.library !== 'baseline') {
        const began = performance.now();
        const answer = await get(new URL(LOGIN_PATHS[row.library].start, message.origin).href, new Jar());
        row.firstLoginStart = { status: answer.status, ms: performance.now() - began };
      }
      await app.stop();
    }
  }
  for (const row of rows) {
    row.medianMs = median(row.spawnToReadyMs);
    log(`  ${LIBRARY_LABELS[row.library].padEnd(40)} ${row.outcome === 'failed' ? `does not start (${row.failure?.slice(0, 80)}) after` : 'serving after'} ${fmt(row.medianMs)} ms${row.firstLoginStart ? `; first login start: ${row.firstLoginStart.status} in ${fmt(row.firstLoginStart.ms)} ms` : ''}`);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// scenario 6: the notification endpoint over mutual TLS

function notifyCertificates() {
  const ca = TestCertificateAuthority.create({ commonName: 'Bench CZ.NIC client CA' });
  return { ca, server: ca.issueServerCertificate(['127.0.0.1', 'localhost']), client: ca.issue({ commonName: 'mojeid.cz notifications', kind: 'client' }) };
}

/** BENCH_PROFILE: the notification endpoint with keep-alive, under --cpu-prof. */
async function profileNotify(provider: Ready): Promise<ProfileSummary | undefined> {
  const { ca, server, client } = notifyCertificates();
  const dir = join(resultsDir, 'profiles', 'notify-keep-alive');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const app = startApp({ library: 'ours', issuer: provider.issuer ?? '', tls: { certPem: server.certPem, keyPem: server.keyPem, clientCaPem: ca.certPem } }, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  try {
    const { origin } = await app.ready();
    await notifyLoop(`${origin}/auth/mojeid/notify`, { certPem: client.certPem, keyPem: client.keyPem, caPem: ca.certPem }, { keepAlive: true, concurrency: S.s6Concurrency, durationMs: S.s6DurationMs });
  } finally {
    await app.stop();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  return file ? summariseProfile(join(dir, file), 25) : undefined;
}

async function scenario6(provider: Ready, notes: string[]): Promise<Results['s6']> {
  log('\n## 6. Notification endpoint over mutual TLS (POST /auth/mojeid/notify)');
  const { ca, server, client } = notifyCertificates();
  const rows: S6Row[] = (['keep-alive', 'new TLS handshake each'] as const).map((connection) => ({ connection, runs: [], perSecond: NaN, p99: NaN, cpuMsPer: NaN }));
  for (let run = 0; run < S.s6Runs; run += 1) {
    for (const row of alternate(rows, run)) {
      const app = startApp({ library: 'ours', issuer: provider.issuer ?? '', tls: { certPem: server.certPem, keyPem: server.keyPem, clientCaPem: ca.certPem } });
      try {
        const { origin } = await app.ready();
        const url = `${origin}/auth/mojeid/notify`;
        const tls = { certPem: client.certPem, keyPem: client.keyPem, caPem: ca.certPem };
        const keepAlive = row.connection === 'keep-alive';
        const warm = await notifyLoop(url, tls, { keepAlive, concurrency: 4, durationMs: 500 });
        if (!warm.accepted) throw new Error(`no notification accepted: ${warm.firstOther}`);
        await waitForQuiet();
        const before = await appStats(app);
        const background = new Background();
        const r = await notifyLoop(url, tls, { keepAlive, concurrency: S.s6Concurrency, durationMs: S.s6DurationMs });
        const appMs = cpuMs(before.cpu, (await appStats(app)).cpu);
        const sorted = [...r.latenciesMs].sort((a, b) => a - b);
        const entry = {
          run,
          perSecond: r.accepted / (r.elapsedMs / 1000),
          p99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? NaN,
          cpuMsPer: appMs / Math.max(1, r.accepted + r.other),
          other: r.other,
          backgroundCores: background.cores(appMs),
          ...(r.firstOther ? { firstOther: r.firstOther } : {}),
        };
        row.runs.push(entry);
        if (r.other) notes.push(`Scenario 6 (${row.connection}), run ${run + 1}: ${r.other} notifications not accepted (${r.firstOther})`);
        log(`  run ${run + 1} ${row.connection.padEnd(24)} ${fmt(entry.perSecond).padStart(6)} notifications/s  p99 ${fmt(entry.p99, 1)} ms  ${fmt(entry.cpuMsPer, 2)} ms app CPU each  (other processes: ${fmt(entry.backgroundCores, 2)} cores)`);
      } catch (error) {
        notes.push(`Scenario 6 (${row.connection}), run ${run + 1}: ${error instanceof Error ? error.message : String(error)}`);
        log(`  run ${run + 1} ${row.connection}: FAILED ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        await app.stop();
      }
    }
  }
  for (const row of rows) {
    const { runs } = usable(row.runs);
    row.perSecond = median(runs.map((r) => r.perSecond));
    row.p99 = median(runs.map((r) => r.p99));
    row.cpuMsPer = median(runs.map((r) => r.cpuMsPer));
  }
  return { status: 'measured', rows };
}

// ---------------------------------------------------------------------------------------------
// report

function table(header: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  const sep = header.map((_, i) => ((align?.[i] ?? (i === 0 ? 'l' : 'r')) === 'r' ? '---:' : ':---'));
  return [header, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

function report(r: Results): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(`Measured ${m.date.slice(0, 16).replace('T', ' ')} UTC on ${m.cpu}, ${m.cores} cores, ${m.memory} RAM, ${m.os}, Node ${m.node} (load average at start ${m.loadAverage.join(' / ')})${r.quick ? ' — **BENCH_QUICK smoke run: figures are not meaningful**' : ''}.`);
  out.push(`Versions: ${Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
  out.push(
    `Each figure of scenarios 1 and 2 is the median of ${r.settings.runs} runs (scenario 6: ${r.settings.s6Runs}), runs interleaved across libraries (every other run in reverse order); the load generator (the orchestrator), the provider and each app are separate processes, one app at a time. Before each measurement the run waits (at most ${r.settings.quietMaxMs / 1000} s) for the machine to be idle, and measures (from /proc/stat) how much CPU processes outside the benchmark used meanwhile: a run where they used ${QUIET_CORES} cores or more is marked \\*, and medians and ratios use only the quiet runs when there are at least two. Ratios are medians of per-run ratios between apps measured back to back.`,
  );

  if (r.s1) {
    out.push(`\n### 1. Protected page, logged-in session (autocannon, ${r.settings.s1Connections} connections, ${r.settings.s1Duration} s per run after ${r.settings.s1Warmup} s warm-up)\n`);
    out.push(
      table(
        ['App', 'req/s', 'p99 (ms)', 'req/s vs baseline', 'app CPU µs/request', 'CPU vs baseline', 'all runs (req/s)', 'runs used', 'session in store (bytes)', 'session from'],
        r.s1.map((row) => [
          LIBRARY_LABELS[row.library],
          fmt(row.rps),
          fmt(row.p99, 1),
          `${fmt(row.ratio, 2)}×`,
          fmt(row.cpuUsPerRequest),
          `${fmt(row.cpuRatio, 2)}×`,
          row.runs.map((x) => `${fmt(x.rps)}${x.backgroundCores >= QUIET_CORES ? '*' : ''}`).join(' / '),
          runsUsed(row),
          fmt(median(row.runs.map((x) => x.sessionBytes))),
          row.loginVia,
        ]),
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
      ),
    );
    const ours = r.s1.find((x) => x.library === 'ours');
    if (ours) {
      out.push(
        `\nGoal ours ≥ 0.95× baseline in req/s: **${ours.ratio >= 0.95 ? 'met' : 'not met'}** (${fmt(ours.ratio, 2)}×); app CPU per request ${fmt(ours.cpuRatio, 2)}× the baseline's (the steadier figure when other processes share the machine).`,
      );
    }
  }

  if (r.s2) {
    const peers = [...r.s2].filter((x) => x.library !== 'ours' && !x.experiment && Number.isFinite(x.cpuMsPerLogin));
    const leanest = peers.sort((a, b) => a.cpuMsPerLogin - b.cpuMsPerLogin)[0];
    out.push(`\n### 2. Whole logins (${r.settings.s2Concurrency} browsers, ${r.settings.s2DurationMs / 1000} s per run, minimal provider)\n`);
    out.push(
      table(
        ['Library', 'logins/s', 'app CPU ms/login', 'vs leanest peer', 'all runs (ms/login)', 'runs used', 'provider CPU ms/login', 'ID token signature checked'],
        r.s2.map((row) => [
          row.label,
          fmt(row.loginsPerSec),
          fmt(row.cpuMsPerLogin, 2),
          leanest ? `${fmt(pairedRatio(row.runs, leanest.runs, (x) => x.cpuMsPerLogin), 2)}×` : '–',
          row.runs.map((x) => `${fmt(x.cpuMsPerLogin, 2)}${x.backgroundCores >= QUIET_CORES ? '*' : ''}`).join(' / '),
          runsUsed(row),
          fmt(row.providerCpuMsPerLogin, 2),
          row.verifiesSignature ? 'yes (JWKS)' : 'no',
        ]),
      ),
    );
    const ours = r.s2.find((x) => x.library === 'ours' && !x.experiment);
    if (ours && leanest) {
      out.push(
        `\nGoal ours ≤ leanest peer (${LIBRARY_LABELS[leanest.library]}) in CPU per login: **${ours.cpuMsPerLogin <= leanest.cpuMsPerLogin ? 'met' : 'not met'}** (${fmt(ours.cpuMsPerLogin, 2)} vs ${fmt(leanest.cpuMsPerLogin, 2)} ms). Logins/s is bounded by the 2 cores the load generator, the provider and the app share; CPU per login in the app process is the figure that compares the libraries.`,
      );
    }
  }

  if (r.profiles && Object.keys(r.profiles).length) {
    out.push('\n### Where the app CPU goes during logins (self time by package, `--cpu-prof`)\n');
    const libs = (Object.keys(r.profiles) as OidcLibrary[]).filter((l) => (OIDC_LIBRARIES as readonly string[]).includes(l));
    const names = [...new Set(libs.flatMap((l) => (r.profiles?.[l]?.byPackage ?? []).slice(0, 8).map((p) => p.name)))];
    out.push(
      table(
        ['Package', ...libs.map((l) => LIBRARY_LABELS[l])],
        names.map((name) => [name, ...libs.map((l) => {
          const p = r.profiles?.[l]?.byPackage.find((x) => x.name === name);
          return p ? `${fmt(p.share * 100, 1)} %` : '–';
        })]),
      ),
    );
  }

  const notifyProfile = r.profiles?.['notify-keep-alive'];
  if (notifyProfile) {
    out.push('\n### Where the app CPU goes per notification (keep-alive, top self time, `--cpu-prof`)\n');
    out.push(table(['Function', 'where', 'share of busy time'], notifyProfile.topFunctions.slice(0, 8).map((f) => [`\`${f.name}\``, `\`${f.where}\``, `${fmt(f.share * 100, 1)} %`]), ['l', 'l', 'r']));
  }

  if (r.s3) {
    out.push(`\n### 3. Requests to the provider over ${fmt(r.settings.s3Logins)} logins (one fresh app process each, counted at the provider)\n`);
    const per = (row: S3Row, k: string): string => fmt((row.counts[k] ?? 0) / Math.max(1, row.logins), 2);
    out.push(
      table(
        ['Configuration', 'logins', 'token / login', 'UserInfo / login', 'authorization / login', 'discovery (total)', 'JWKS (total)'],
        r.s3.map((row) => [row.config, fmt(row.logins), per(row, 'token'), per(row, 'userinfo'), per(row, 'authorization'), fmt(row.counts['discovery'] ?? 0), fmt(row.counts['jwks'] ?? 0)]),
      ),
    );
    const on = r.s3.find((x) => x.library === 'ours' && !x.config.includes('false'));
    const off = r.s3.find((x) => x.config.includes('false'));
    const yes = (ok: boolean): string => (ok ? 'yes' : 'no');
    const perLogin = (row: S3Row | undefined, userinfo: number): boolean =>
      !!row && row.errors === 0 && row.counts['token'] === row.logins && (row.counts['userinfo'] ?? 0) === userinfo * row.logins;
    const once = (row: S3Row | undefined, key: string): string => (row ? `${yes(row.counts[key] === 1)} (${fmt(row.counts[key] ?? 0)})` : '–');
    out.push(
      `\nOurs: exactly one token and one UserInfo request per login: **${yes(perLogin(on, 1))}**; with \`userinfo: false\`, one token request and no UserInfo: **${yes(perLogin(off, 0))}**. Discovery once per process: **${once(on, 'discovery')}**, **${once(off, 'discovery')}**. JWKS once per process: **${once(on, 'jwks')}**, **${once(off, 'jwks')}** (${r.settings.s3Concurrency} browsers log in at once from the start).`,
    );
  }

  if (r.s4) {
    out.push(
      `\n### 4. Memory: login starts that never return (${fmt(r.settings.s4Starts)} for ours, ${fmt(r.settings.s4PeerStarts)} for each peer to keep the run short; app started with --expose-gc, heap after a forced GC)\n`,
    );
    out.push(
      table(
        ['Library', 'flood', 'starts', 'starts/s', 'heap before', 'heap after', 'RSS after', 'sessions in store', 'store size', 'bytes / start', 'sessions expire', 'once expired: sessions / heap'],
        r.s4.map((row) => [
          LIBRARY_LABELS[row.library],
          `${row.mode === 'one session' ? '(a) one browser session' : '(b) no cookies'}${row.library === 'ours' && row.mode === 'no cookies' ? ` (pendingLoginTtl ${r.settings.s4PendingLoginTtl} s)` : ''}`,
          fmt(row.starts),
          fmt(row.perSecond),
          mb(row.heapBefore),
          mb(row.heapAfter),
          mb(row.rssAfter),
          fmt(row.storeSessions),
          mb(row.storeBytes),
          fmt((row.heapAfter - row.heapBefore) / row.starts),
          row.newestSessionExpiresInMs === undefined ? '–' : row.newestSessionExpiresInMs === null ? 'never' : `after ${fmt(Math.max(0, row.newestSessionExpiresInMs) / 1000)} s`,
          row.afterExpiry ? `${fmt(row.afterExpiry.storeSessions)} / ${mb(row.afterExpiry.heapUsed)}` : '–',
        ]),
      ),
    );
  }

  if (r.s5) {
    out.push(`\n### 5. Start-up with the provider unreachable (spawn to serving, median of ${r.settings.s5Spawns})\n`);
    const base = r.s5.find((x) => x.library === 'baseline');
    out.push(
      table(
        ['App', 'outcome', 'spawn -> serving (ms)', 'vs baseline', 'first login start'],
        r.s5.map((row) => [
          LIBRARY_LABELS[row.library],
          row.outcome === 'failed' ? `does not start: ${(row.failure ?? '').slice(0, 70)}` : 'serving',
          fmt(row.medianMs),
          base ? `${fmt(row.medianMs / base.medianMs, 2)}×` : '–',
          row.firstLoginStart ? `${row.firstLoginStart.status} in ${fmt(row.firstLoginStart.ms)} ms` : '–',
        ]),
        ['l', 'l', 'r', 'r', 'r'],
      ),
    );
  }

  if (r.s6?.rows) {
    out.push(
      `\n### 6. Notification endpoint over mutual TLS (\`POST /auth/mojeid/notify\`, ${r.settings.s6Concurrency} senders, ${r.settings.s6DurationMs / 1000} s per run; ours only: no peer has one)\n`,
    );
    out.push(
      table(
        ['Connection', 'notifications/s', 'p99 (ms)', 'app CPU ms / notification', 'all runs (notifications/s)', 'runs used'],
        r.s6.rows.map((row) => [
          row.connection,
          fmt(row.perSecond),
          fmt(row.p99, 1),
          fmt(row.cpuMsPer, 2),
          row.runs.map((x) => `${fmt(x.perSecond)}${x.backgroundCores >= QUIET_CORES ? '*' : ''}`).join(' / '),
          runsUsed(row),
        ]),
      ),
    );
    out.push(
      '\nEach notification is a status change (`status=VALIDATED`, `sub` rotating over 1,000 accounts) with a client certificate (ECDSA P-256) from the CA the app was configured with; all were answered `mode:accept`. "New TLS handshake each" is a full handshake per notification (no session resumption), as a sender without keep-alive would cause.',
    );
  } else if (r.s6) out.push(`\n### 6. Notification endpoint over mutual TLS\n\n${r.s6.status}`);
  if (r.s7) {
    out.push(`\n### 7. Two instances on one Redis (${r.settings.s7Concurrency} browsers, ${r.settings.s7DurationMs / 1000} s per run, minimal provider)\n`);
    if (!r.s7.rows) {
      out.push(`Not run: ${r.s7.status}.`);
    } else {
      out.push(
        'Whole logins as in scenario 2, by ours only. Two instances of the same app share their sessions through connect-redis on one redis-server of the benchmark\'s own; each login starts on one instance, its callback goes to the other, and the protected page is fetched from the first again (a load balancer with no affinity at its worst). Beside it, one instance with the MemoryStore. Redis commands per login are from `INFO commandstats` over the measured window (CONFIG RESETSTAT before it).\n',
      );
      out.push(
        table(
          ['Setup', 'logins/s', 'app CPU ms/login (all instances)', 'failed logins', 'Redis commands/login', 'Redis CPU ms/login', 'runs used'],
          r.s7.rows.map((row) => [
            row.setup,
            fmt(row.loginsPerSec),
            fmt(row.cpuMsPerLogin, 2),
            fmt(row.errors),
            row.redisCommandsPerLogin !== undefined ? `${fmt(row.redisCommandsPerLogin, 1)} (${Object.entries(row.commands ?? {}).map(([k, v]) => `${k} ${fmt(v, 1)}`).join(', ')})` : '–',
            row.redisCpuMsPerLogin !== undefined ? fmt(row.redisCpuMsPerLogin, 2) : '–',
            runsUsed(row),
          ]),
        ),
      );
    }
  }

  if (r.notes.length) out.push(`\n### Notes from this run\n\n${r.notes.map((n) => `- ${n}`).join('\n')}`);
  return out.join('\n');
}

const BEGIN = '<!-- bench:begin (generated by `npm run bench`; edit outside these markers) -->';
const END = '<!-- bench:end -->';

function writeDocs(generated: string): void {
  let doc: string;
  try {
    doc = readFileSync(docsFile, 'utf8');
  } catch {
    doc = `# Benchmarks\n\n${BEGIN}\n${END}\n`;
  }
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  const block = `${BEGIN}\n${generated}\n${END}`;
  doc = start >= 0 && end > start ? doc.slice(0, start) + block + doc.slice(end + END.length) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(docsFile, doc);
}

// ---------------------------------------------------------------------------------------------
// main

async function main(): Promise<void> {
  const began = performance.now();
  const results: Results = { machine: machine(), versions: versions(), quick: QUICK, settings: S, notes: [] };
  log(`# npm run bench${QUICK ? ' (BENCH_QUICK)' : ''}: ${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}`);
  const children: Child[] = [];
  try {
    const providerChild = new Child('provider-main.js');
    children.push(providerChild);
    const provider = await providerChild.ready();

    if (ONLY.has('1')) {
      const simulatorChild = new Child('simulator-main.js');
      children.push(simulatorChild);
      const simulatorStart = await simulatorChild.started;
      if (simulatorStart.type === 'failed') results.notes.push(`The simulator did not start (${simulatorStart.message}); scenario 1 logs in through the minimal provider.`);
      results.s1 = await scenario1(provider, simulatorStart.type === 'ready' ? simulatorChild : undefined, simulatorStart.type === 'ready' ? simulatorStart : undefined, results.notes);
      await simulatorChild.stop();
    }
    if (ONLY.has('2')) {
      results.s2 = await scenario2(providerChild, provider, results.notes);
      if (PROFILE) results.profiles = await profileLogins(providerChild, provider);
    }
    if (ONLY.has('3')) results.s3 = await scenario3(providerChild, provider, results.notes);
    if (ONLY.has('4')) results.s4 = await scenario4(provider, results.notes);
    if (ONLY.has('5')) results.s5 = await scenario5();
    if (ONLY.has('7')) results.s7 = await scenario7(providerChild, provider, results.notes);
    if (ONLY.has('6')) {
      results.s6 = await scenario6(provider, results.notes);
      if (PROFILE) {
        const summary = await profileNotify(provider);
        if (summary) {
          results.profiles = { ...results.profiles, 'notify-keep-alive': summary };
          log('\n## Profile: notification endpoint, keep-alive (top self time)');
          for (const f of summary.topFunctions.slice(0, 8)) log(`    ${fmt(f.share * 100, 1).padStart(5)} %  ${f.name}  ${f.where}`);
        }
      }
    }
  } finally {
    for (const child of children.reverse()) await child.stop();
    agent.destroy();
  }

  const generated = report(results);
  mkdirSync(resultsDir, { recursive: true });
  const full = ALL_SCENARIOS.every((n) => ONLY.has(n));
  // Only a whole, full-length run without experiments is the record (latest.json and the docs).
  const record = full && !QUICK && !EXPERIMENTS;
  const file = record ? 'latest.json' : EXPERIMENTS && !QUICK ? 'experiments.json' : 'partial.json';
  writeFileSync(join(resultsDir, file), `${JSON.stringify(results, null, 2)}\n`);
  if (record) writeDocs(generated);
  log(`\n${generated}\n`);
  log(record ? 'Written: bench/results/latest.json, docs/benchmarks.md' : `Written: bench/results/${file} (not a full plain run: docs/benchmarks.md left as it was)`);
  log(`Took ${fmt((performance.now() - began) / 1000)} s.`);
}

await main();
