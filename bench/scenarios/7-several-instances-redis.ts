/**
 * Scenario 7: ours as two instances sharing sessions through one Redis, every login starting on
 * one instance and finishing on the other, beside one instance with the MemoryStore: logins/s, app
 * CPU, Redis commands and Redis CPU per login (needs redis-server on the PATH).
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { createClient } from 'redis';
import type { Child } from '../child.js';
import { LOGIN_PATHS, type AppStats } from '../common.js';
import { crossLoginLoop, loginLoop } from '../driver.js';
import {
  Background,
  S,
  alternate,
  appStats,
  cpuMs,
  endpointsFor,
  fmt,
  freePort,
  log,
  median,
  processCpuMs,
  providerCounts,
  startApp,
  usable,
  waitForQuiet,
  type Ready,
} from '../harness.js';

/** One row of scenario 7's table, as recorded in bench/results/*.json. */
export interface S7Row {
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

export async function scenario7(providerChild: Child, provider: Ready, notes: string[]): Promise<{ status: string; rows?: S7Row[] }> {
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