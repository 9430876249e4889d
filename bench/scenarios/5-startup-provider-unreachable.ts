/**
 * Scenario 5: how each app starts when the provider cannot be reached: time from spawn to serving
 * (or the failure), and what the first login start answers.
 */
import { LIBRARIES, LIBRARY_LABELS, LOGIN_PATHS, type Library } from '../common.js';
import { Jar, get } from '../driver.js';
import { S, alternate, endpointsFor, fmt, freePort, log, median, startApp } from '../harness.js';

/** One row of scenario 5's table, as recorded in bench/results/*.json. */
export interface S5Row {
  library: Library;
  outcome: 'listening' | 'failed';
  spawnToReadyMs: number[];
  medianMs: number;
  failure?: string;
  firstLoginStart?: { status: number; ms: number };
}

export async function scenario5(): Promise<S5Row[]> {
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