/**
 * What every scenario measures with: the run's settings (BENCH_* switches), the child processes
 * and free ports, the quiet-machine measurement (how much CPU other processes used meanwhile), the
 * statistics over runs (median, quiet runs, paired ratios) and the description of machine and
 * versions. Nothing here knows a scenario.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon, { type Result as CannonResult } from 'autocannon';
import { Child } from './child.js';
import type { AppSpec, AppStats, ChildToParent, CpuTimes, Library } from './common.js';
import { get } from './driver.js';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const resultsDir = join(root, 'bench', 'results');

// ---------------------------------------------------------------------------------------------
// settings


export const QUICK = process.env['BENCH_QUICK'] === '1';
export const PROFILE = process.env['BENCH_PROFILE'] === '1';
export const EXPERIMENTS = process.env['BENCH_EXPERIMENTS'] === '1';
/** Write the generated part of docs/benchmarks.md (a full plain run only), as the system tests do with their screenshots. */
export const UPDATE_DOCS = process.env['UPDATE_DOCS'] === '1';
/**
 * BENCH_VARIANT: the built entry point (`dist/index.js`) of another checkout of the library, run as
 * one more app next to ours in scenarios 1, 2 and 6 (interleaved, same runs) so an optimisation is
 * judged against its plain form measured under the same conditions. Its app process resolves
 * `passport-mojeid-oidc` to that file (bench/variant-register.ts); the peers are skipped.
 */
export const VARIANT = process.env['BENCH_VARIANT'] ? { path: resolve(process.env['BENCH_VARIANT']), label: process.env['BENCH_VARIANT_LABEL'] ?? 'variant' } : undefined;
export const ALL_SCENARIOS = ['1', '2', '3', '4', '5', '6', '7'];
export const ONLY = new Set((process.env['BENCH_ONLY'] ?? ALL_SCENARIOS.join(',')).split(',').map((s) => s.trim()));

export const S = QUICK
  ? { runs: 1, s6Runs: 1, quietMaxMs: 2_000, s1Warmup: 1, s1Duration: 1, s1Connections: 10, s2Warmup: 10, s2DurationMs: 1_500, s2Concurrency: 8, s3Logins: 100, s3Concurrency: 8, s4Starts: 2_000, s4PeerStarts: 1_000, s4Connections: 10, s4PendingLoginTtl: 10, s5Spawns: 2, s6DurationMs: 1_000, s6Concurrency: 10, s7Runs: 1, s7DurationMs: 1_500, s7Concurrency: 8 }
  : { runs: 7, s6Runs: 3, quietMaxMs: 2_000, s1Warmup: 1, s1Duration: 4, s1Connections: 10, s2Warmup: 40, s2DurationMs: 4_000, s2Concurrency: 8, s3Logins: 1_000, s3Concurrency: 8, s4Starts: 100_000, s4PeerStarts: 10_000, s4Connections: 10, s4PendingLoginTtl: 90, s5Spawns: 5, s6DurationMs: 4_000, s6Concurrency: 10, s7Runs: 3, s7DurationMs: 4_000, s7Concurrency: 8 };

export type OidcLibrary = Exclude<Library, 'baseline'>;
export type Ready = Extract<ChildToParent, { type: 'ready' }>;

// ---------------------------------------------------------------------------------------------
// statistics over runs

export const median = (values: readonly number[]): number => {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
};
/** A run during which processes outside the benchmark used less than this many cores counts as quiet. */
export const QUIET_CORES = 0.3;

export interface RunBase {
  run: number;
  backgroundCores: number;
}

/** The quiet runs when there are at least two, else all: other processes on 2 cores distort the rest. */
export function usable<T extends RunBase>(runs: readonly T[]): { runs: T[]; quietOnly: boolean } {
  const quiet = runs.filter((r) => r.backgroundCores < QUIET_CORES);
  return quiet.length >= 2 ? { runs: quiet, quietOnly: true } : { runs: [...runs], quietOnly: false };
}

/** Median of per-run ratios a/b over runs measured back to back (same run number), quiet pairs first. */
export function pairedRatio<T extends RunBase>(a: readonly T[], b: readonly T[], value: (r: T) => number): number {
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
export function alternate<T>(items: readonly T[], run: number): T[] {
  return run % 2 ? [...items].reverse() : [...items];
}

export const runsUsed = (row: { runs: readonly RunBase[] }): string => {
  const { runs, quietOnly } = usable(row.runs);
  return quietOnly ? `${runs.length} quiet of ${row.runs.length}` : `all ${row.runs.length} (too few quiet)`;
};

export const cpuMs = (a: CpuTimes, b: CpuTimes): number => (b.user - a.user + (b.system - a.system)) / 1000;
export const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–');
export const mb = (bytes: number): string => `${fmt(bytes / 1024 / 1024, 1)} MB`;
export const log = (line: string): void => console.log(line);

// ---------------------------------------------------------------------------------------------
// ports, the quiet-machine measurement, child processes

export async function freePort(): Promise<number> {
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
export class Background {
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

/** CPU milliseconds a process has used (/proc/<pid>/stat utime + stime). */
export function processCpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${String(pid)}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return NaN;
  }
}

/**
 * Waits (bounded) until the machine is nearly idle before a measurement: other processes on a
 * 2-core machine inflate both latency and CPU time per request. Returns the busy cores last seen.
 */
export async function waitForQuiet(): Promise<number> {
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

export function endpointsFor(issuer: string): NonNullable<AppSpec['endpoints']> {
  return { authorization: `${issuer}authorization/`, token: `${issuer}token/`, userinfo: `${issuer}userinfo/` };
}

export async function discoveredEndpoints(issuer: string): Promise<NonNullable<AppSpec['endpoints']>> {
  const doc = JSON.parse((await get(`${issuer}.well-known/openid-configuration`)).body) as Record<string, string>;
  return { authorization: doc['authorization_endpoint'] ?? '', token: doc['token_endpoint'] ?? '', userinfo: doc['userinfo_endpoint'] ?? '' };
}

export function startApp(spec: AppSpec, execArgv: string[] = []): Child {
  if (spec.variant && !VARIANT) throw new Error('a variant app needs BENCH_VARIANT');
  const hooks = spec.variant ? ['--import', pathToFileURL(join(root, 'bench', 'dist', 'variant-register.js')).href] : [];
  return new Child('app-main.js', { env: { BENCH_APP: JSON.stringify(spec) }, execArgv: [...hooks, ...execArgv] });
}

/** The label of ours built from BENCH_VARIANT. */
export const variantLabel = (): string => `passport-mojeid-oidc (variant: ${VARIANT?.label ?? '?'})`;

export async function appStats(app: Child, gc = false, prune = false): Promise<AppStats> {
  return (await app.request<Extract<ChildToParent, { type: 'stats' }>>({ type: 'stats', gc, prune })).stats;
}

export async function providerCounts(provider: Child, reset = false): Promise<{ counts: Record<string, number>; cpu: CpuTimes }> {
  const answer = await provider.request<Extract<ChildToParent, { type: 'counts' }>>({ type: 'counts', reset });
  return { counts: answer.counts, cpu: answer.cpu };
}

export async function cannon(options: Parameters<typeof autocannon>[0]): Promise<CannonResult> {
  return autocannon({ timeout: 10, ...options });
}

// ---------------------------------------------------------------------------------------------
// the machine and the versions measured

export interface MachineInfo {
  cpu: string;
  cores: number;
  memory: string;
  os: string;
  node: string;
  date: string;
  loadAverage: number[];
}

export function machine(): MachineInfo {
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

export function versions(): Record<string, string> {
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
