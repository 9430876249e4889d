/**
 * Scenario 4: what login starts that never return (a flood of abandoned logins, with one browser
 * session or without cookies) cost in heap and session store, and whether the stored logins
 * expire; heap read after a forced GC.
 */
import { LIBRARY_LABELS, LOGIN_PATHS, OIDC_LIBRARIES } from '../common.js';
import { Jar, get } from '../driver.js';
import { Background, S, appStats, cannon, cpuMs, endpointsFor, fmt, log, mb, startApp, waitForQuiet, type OidcLibrary, type Ready } from '../harness.js';

/** One row of scenario 4's table, as recorded in bench/results/*.json. */
export interface S4Row {
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

export async function scenario4(provider: Ready, notes: string[]): Promise<S4Row[]> {
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