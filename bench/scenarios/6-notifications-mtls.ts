/**
 * Scenario 6: throughput, latency and app CPU of ours' notification endpoint over mutual TLS,
 * with keep-alive and with a full TLS handshake per notification; with BENCH_PROFILE also where
 * the CPU goes per notification (--cpu-prof).
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TestCertificateAuthority } from 'mojeid-simulator';
import { Background, S, VARIANT, alternate, appStats, cpuMs, fmt, log, median, resultsDir, startApp, usable, waitForQuiet, type Ready } from '../harness.js';
import { notifyLoop } from '../notify.js';
import { summariseProfile, type ProfileSummary } from '../profile.js';

/** One row of scenario 6's table, as recorded in bench/results/*.json. */
export interface S6Row {
  connection: 'keep-alive' | 'new TLS handshake each';
  /** BENCH_VARIANT: this row is ours built from the variant (its label). */
  variant?: string;
  runs: { run: number; perSecond: number; p99: number; cpuMsPer: number; other: number; backgroundCores: number; firstOther?: string }[];
  perSecond: number;
  p99: number;
  cpuMsPer: number;
}

function notifyCertificates() {
  const ca = TestCertificateAuthority.create({ commonName: 'Bench CZ.NIC client CA' });
  return { ca, server: ca.issueServerCertificate(['127.0.0.1', 'localhost']), client: ca.issue({ commonName: 'mojeid.cz notifications', kind: 'client' }) };
}

/** BENCH_PROFILE: the notification endpoint with keep-alive, under --cpu-prof. */
export async function profileNotify(provider: Ready): Promise<ProfileSummary | undefined> {
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

export async function scenario6(provider: Ready, notes: string[]): Promise<{ status: string; rows?: S6Row[] }> {
  log('\n## 6. Notification endpoint over mutual TLS (POST /auth/mojeid/notify)');
  const { ca, server, client } = notifyCertificates();
  const rows: S6Row[] = (['keep-alive', 'new TLS handshake each'] as const).flatMap((connection) => [
    { connection, runs: [], perSecond: NaN, p99: NaN, cpuMsPer: NaN },
    // With BENCH_VARIANT: the same endpoint of ours built from the variant, right after ours.
    ...(VARIANT ? [{ connection, variant: VARIANT.label, runs: [], perSecond: NaN, p99: NaN, cpuMsPer: NaN }] : []),
  ]);
  for (let run = 0; run < S.s6Runs; run += 1) {
    for (const row of alternate(rows, run)) {
      const app = startApp({ library: 'ours', issuer: provider.issuer ?? '', tls: { certPem: server.certPem, keyPem: server.keyPem, clientCaPem: ca.certPem }, ...(row.variant ? { variant: true } : {}) });
      const name = `${row.connection}${row.variant ? ` (variant: ${row.variant})` : ''}`;
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
        if (r.other) notes.push(`Scenario 6 (${name}), run ${run + 1}: ${r.other} notifications not accepted (${r.firstOther})`);
        log(`  run ${run + 1} ${name.padEnd(24)} ${fmt(entry.perSecond).padStart(6)} notifications/s  p99 ${fmt(entry.p99, 1)} ms  ${fmt(entry.cpuMsPer, 2)} ms app CPU each  (other processes: ${fmt(entry.backgroundCores, 2)} cores)`);
      } catch (error) {
        notes.push(`Scenario 6 (${name}), run ${run + 1}: ${error instanceof Error ? error.message : String(error)}`);
        log(`  run ${run + 1} ${name}: FAILED ${error instanceof Error ? error.message : String(error)}`);
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