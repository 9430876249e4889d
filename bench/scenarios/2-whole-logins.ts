/**
 * Scenario 2: whole logins (start, authorization, callback, protected page) against the minimal
 * provider: logins/s and CPU per login in the app and in the provider, per library; with
 * BENCH_PROFILE also where each app's CPU goes (--cpu-prof), with BENCH_EXPERIMENTS also
 * openid-client's strategy with its provider requests made through node:http.
 */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Child } from '../child.js';
import { LIBRARY_LABELS, LOGIN_PATHS, OIDC_LIBRARIES } from '../common.js';
import { loginLoop } from '../driver.js';
import {
  Background,
  EXPERIMENTS,
  S,
  VARIANT,
  alternate,
  appStats,
  cpuMs,
  endpointsFor,
  fmt,
  log,
  median,
  providerCounts,
  resultsDir,
  startApp,
  usable,
  variantLabel,
  waitForQuiet,
  type OidcLibrary,
  type Ready,
} from '../harness.js';
import { summariseProfile, type ProfileSummary } from '../profile.js';

/** One row of scenario 2's table, as recorded in bench/results/*.json. */
export interface S2Row {
  library: OidcLibrary;
  label: string;
  experiment?: 'node-http-fetch';
  /** BENCH_VARIANT: this row is ours built from the variant (its label). */
  variant?: string;
  runs: { run: number; loginsPerSec: number; cpuMsPerLogin: number; providerCpuMsPerLogin: number; errors: number; firstError?: string; backgroundCores: number }[];
  loginsPerSec: number;
  cpuMsPerLogin: number;
  providerCpuMsPerLogin: number;
  verifiesSignature: boolean;
}

async function measureLogins(providerChild: Child, provider: Ready, library: OidcLibrary, durationMs: number, execArgv: string[] = [], experiment?: 'node-http-fetch', variant = false) {
  const app = startApp({ library, issuer: provider.issuer ?? '', endpoints: endpointsFor(provider.issuer ?? ''), ...(experiment ? { experiment } : {}), ...(variant ? { variant } : {}) }, execArgv);
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

export async function scenario2(providerChild: Child, provider: Ready, notes: string[]): Promise<S2Row[]> {
  log('\n## 2. Whole logins (start -> authorization -> callback -> protected page)');
  const newRow = (l: OidcLibrary): S2Row => ({ library: l, label: LIBRARY_LABELS[l], runs: [], loginsPerSec: NaN, cpuMsPerLogin: NaN, providerCpuMsPerLogin: NaN, verifiesSignature: l === 'ours' });
  // With BENCH_VARIANT: ours and ours built from the variant (no peers).
  const rows: S2Row[] = VARIANT ? [newRow('ours'), { ...newRow('ours'), label: variantLabel(), variant: VARIANT.label }] : OIDC_LIBRARIES.map(newRow);
  if (EXPERIMENTS && !VARIANT) {
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
        const r = { run, ...(await measureLogins(providerChild, provider, library, S.s2DurationMs, [], row.experiment, row.variant !== undefined)) };
        row.runs.push(r);
        log(`  run ${run + 1} ${row.label.padEnd(40)} ${fmt(r.loginsPerSec).padStart(5)} logins/s  ${fmt(r.cpuMsPerLogin, 2)} ms CPU/login (app)  ${fmt(r.providerCpuMsPerLogin, 2)} ms (provider)  (other processes: ${fmt(r.backgroundCores, 2)} cores)${r.errors ? `  ${r.errors} errors: ${r.firstError}` : ''}`);
        if (r.errors) notes.push(`Scenario 2, ${row.label}, run ${run + 1}: ${r.errors} failed logins (${r.firstError})`);
      } catch (error) {
        notes.push(`Scenario 2, ${row.label}, run ${run + 1}: ${error instanceof Error ? error.message : String(error)}`);
        log(`  run ${run + 1} ${row.label}: FAILED ${error instanceof Error ? error.message : String(error)}`);
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

export async function profileLogins(providerChild: Child, provider: Ready): Promise<Record<string, ProfileSummary>> {
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