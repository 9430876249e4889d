/**
 * Scenario 1: requests/s, latency and app CPU per request for a protected page with a logged-in
 * session, each library against the baseline (express-session + Passport, no OIDC). The sessions
 * come from real logins through the mojeID simulator, or from the minimal provider if that fails.
 */
import { loginThroughSimulator } from 'mojeid-simulator';
import type { Child } from '../child.js';
import { LIBRARIES, LIBRARY_LABELS, LOGIN_PATHS, PROTECTED_PATH, TOKEN_AUTH_METHODS, type AppSpec, type Library } from '../common.js';
import { Jar, expectProtectedPage, get, login, request } from '../driver.js';
import {
  Background,
  S,
  VARIANT,
  alternate,
  appStats,
  cannon,
  cpuMs,
  discoveredEndpoints,
  endpointsFor,
  fmt,
  log,
  median,
  pairedRatio,
  startApp,
  usable,
  variantLabel,
  waitForQuiet,
  type OidcLibrary,
  type Ready,
} from '../harness.js';

/** One row of scenario 1's table, as recorded in bench/results/*.json. */
export interface S1Row {
  library: Library;
  /** BENCH_VARIANT: this row is ours built from the variant (its label). */
  variant?: string;
  loginVia: string;
  runs: { run: number; rps: number; p99: number; bad: number; backgroundCores: number; cpuUsPerRequest: number; sessionBytes: number }[];
  rps: number;
  p99: number;
  ratio: number;
  cpuUsPerRequest: number;
  cpuRatio: number;
}

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

export async function scenario1(provider: Ready, simulator: Child | undefined, simulatorReady: Ready | undefined, notes: string[]): Promise<S1Row[]> {
  log('\n## 1. Protected page with a logged-in session');
  const empty = (library: Library): S1Row => ({ library, loginVia: '', runs: [], rps: NaN, p99: NaN, ratio: NaN, cpuUsPerRequest: NaN, cpuRatio: NaN });
  // With BENCH_VARIANT: the baseline, ours and ours built from the variant (no peers).
  const rows: S1Row[] = VARIANT ? [empty('baseline'), empty('ours'), { ...empty('ours'), variant: VARIANT.label }] : LIBRARIES.map(empty);
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
    for (const row of alternate(rows, run)) {
      const library = row.library;
      const label = row.variant ? variantLabel() : LIBRARY_LABELS[library];
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
            const spec: AppSpec = { library, issuer: simulatorReady.issuer, endpoints: await discoveredEndpoints(simulatorReady.issuer), ...(row.variant ? { variant: true } : {}) };
            app = startApp(spec);
            const ready = await app.ready();
            origin = ready.origin;
            jar = await loginThroughRealProvider(simulator, ready, library);
          } catch (error) {
            // Fall back to the minimal provider, and say so.
            const reason = error instanceof Error ? error.message : String(error);
            if (run === 0) notes.push(`Scenario 1, ${label}: the login through the simulator failed (${reason.slice(0, 200)}); the session came from the minimal provider instead.`);
            await app?.stop();
            via = 'minimal provider (simulator login failed)';
            app = startApp({ library, issuer: provider.issuer ?? '', endpoints: endpointsFor(provider.issuer ?? ''), ...(row.variant ? { variant: true } : {}) });
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
        log(`  run ${run + 1} ${label.padEnd(40)} ${fmt(result.requests.average).padStart(7)} req/s  p99 ${fmt(result.latency.p99, 1)} ms  ${fmt(cpuUsPerRequest)} µs CPU/request  (other processes: ${fmt(backgroundCores, 2)} cores)${bad ? `  (${bad} not 2xx!)` : ''}`);
      } catch (error) {
        notes.push(`Scenario 1, ${label}, run ${run + 1}: ${error instanceof Error ? error.message : String(error)}`);
        log(`  run ${run + 1} ${label}: FAILED ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        await app?.stop();
      }
    }
  }
  const baseRuns = rows.find((r) => r.library === 'baseline')?.runs ?? [];
  for (const row of rows) {
    const { runs } = usable(row.runs);
    row.rps = median(runs.map((r) => r.rps));
    row.p99 = median(runs.map((r) => r.p99));
    row.cpuUsPerRequest = median(runs.map((r) => r.cpuUsPerRequest));
    row.ratio = pairedRatio(row.runs, baseRuns, (r) => r.rps);
    row.cpuRatio = pairedRatio(row.runs, baseRuns, (r) => r.cpuUsPerRequest);
  }
  return rows;
}