/**
 * The report: what one run records (`Results`, written to bench/results/*.json) and its rendering
 * as markdown (the tables the run prints and, when asked, the generated part of
 * docs/benchmarks.md).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LIBRARY_LABELS, OIDC_LIBRARIES } from './common.js';
import { QUIET_CORES, S, fmt, mb, median, pairedRatio, root, runsUsed, variantLabel, type MachineInfo, type OidcLibrary, type RunBase } from './harness.js';
import type { ProfileSummary } from './profile.js';
import type { S1Row } from './scenarios/1-protected-page.js';
import type { S2Row } from './scenarios/2-whole-logins.js';
import type { S3Row } from './scenarios/3-provider-requests.js';
import type { S4Row } from './scenarios/4-abandoned-logins-memory.js';
import type { S5Row } from './scenarios/5-startup-provider-unreachable.js';
import type { S6Row } from './scenarios/6-notifications-mtls.js';
import type { S7Row } from './scenarios/7-several-instances-redis.js';

const docsFile = join(root, 'docs', 'benchmarks.md');

export interface Results {
  machine: MachineInfo;
  versions: Record<string, string>;
  quick: boolean;
  settings: typeof S;
  /** BENCH_VARIANT: the other build measured next to ours, and its label. */
  variant?: { path: string; label: string };
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

export function table(header: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  const sep = header.map((_, i) => ((align?.[i] ?? (i === 0 ? 'l' : 'r')) === 'r' ? '---:' : ':---'));
  return [header, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/**
 * BENCH_VARIANT: one figure of ours against the variant, as the median of per-run ratios (ours /
 * variant, apps measured back to back, quiet pairs first) with every run's ratio beside it, so a
 * reader sees whether the difference is consistent or one run's luck.
 */
function variantComparison<T extends RunBase>(figure: string, ours: { runs: readonly T[] } | undefined, variant: { runs: readonly T[] } | undefined, value: (x: T) => number): string {
  if (!ours || !variant) return '';
  const ratio = pairedRatio(ours.runs, variant.runs, value);
  const perRun = ours.runs.flatMap((x) => {
    const y = variant.runs.find((z) => z.run === x.run);
    return y ? [`${fmt(value(x) / value(y), 3)}${x.backgroundCores >= QUIET_CORES || y.backgroundCores >= QUIET_CORES ? '*' : ''}`] : [];
  });
  return `${figure}, ours / variant: **${fmt(ratio, 3)}×** (${ratio >= 1 ? '+' : ''}${fmt((ratio - 1) * 100, 1)} %; per run ${perRun.join(' / ')})`;
}

export function report(r: Results): string {
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
          row.variant ? variantLabel() : LIBRARY_LABELS[row.library],
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
    const ours = r.s1.find((x) => x.library === 'ours' && !x.variant);
    const variant = r.s1.find((x) => x.variant);
    if (variant) {
      out.push(`\nVariant "${variant.variant ?? ''}" (${r.variant?.path ?? ''}): ${variantComparison('app CPU µs/request', ours, variant, (x) => x.cpuUsPerRequest)}; ${variantComparison('req/s', ours, variant, (x) => x.rps)}.`);
    }
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
    const ours = r.s2.find((x) => x.library === 'ours' && !x.experiment && !x.variant);
    const variant = r.s2.find((x) => x.variant);
    if (variant) {
      out.push(`\nVariant "${variant.variant ?? ''}" (${r.variant?.path ?? ''}): ${variantComparison('app CPU ms/login', ours, variant, (x) => x.cpuMsPerLogin)}; ${variantComparison('logins/s', ours, variant, (x) => x.loginsPerSec)}.`);
    }
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
          row.variant ? `${row.connection} (variant: ${row.variant})` : row.connection,
          fmt(row.perSecond),
          fmt(row.p99, 1),
          fmt(row.cpuMsPer, 2),
          row.runs.map((x) => `${fmt(x.perSecond)}${x.backgroundCores >= QUIET_CORES ? '*' : ''}`).join(' / '),
          runsUsed(row),
        ]),
      ),
    );
    for (const variant of r.s6.rows.filter((x) => x.variant)) {
      const ours = r.s6.rows.find((x) => x.connection === variant.connection && !x.variant);
      out.push(`\nVariant "${variant.variant ?? ''}", ${variant.connection}: ${variantComparison('notifications/s', ours, variant, (x) => x.perSecond)}; ${variantComparison('app CPU ms/notification', ours, variant, (x) => x.cpuMsPer)}.`);
    }
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

export function writeDocs(generated: string): void {
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