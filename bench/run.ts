/**
 * `npm run bench`: passport-mojeid-oidc against the libraries people would pick instead, side by
 * side in one run (issue 6). This module only orchestrates: it starts the provider and the
 * simulator, runs the chosen scenarios (bench/scenarios/, one module each, measuring with
 * bench/harness.ts), and writes what bench/report.ts renders. The provider, the simulator and each
 * app run in their own processes, one app at a time; this process is the load generator.
 *
 *   BENCH_QUICK=1        a smoke run (seconds, not minutes)
 *   BENCH_ONLY=1,3       only these scenarios (7 needs redis-server on the PATH)
 *   BENCH_PROFILE=1      also profile scenario 2's apps with --cpu-prof (bench/results/profiles/)
 *   BENCH_EXPERIMENTS=1  scenario 2 also runs ours and openid-client/passport with provider requests
 *                        made through node:http instead of the built-in fetch (bench/node-http-fetch.ts)
 *   BENCH_VARIANT=<another checkout's dist/index.js> [BENCH_VARIANT_LABEL=…]
 *                        scenarios 1, 2 and 6 also run ours built from that file, interleaved with
 *                        ours in the same runs, and report ours / variant (peers skipped)
 *   UPDATE_DOCS=1        also write the generated part of docs/benchmarks.md (a full plain run only)
 *
 * Prints the generated markdown. A full plain run writes bench/results/latest.json; other runs
 * write bench/results/partial.json or bench/results/experiments.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Child } from './child.js';
import { agent } from './driver.js';
import { ALL_SCENARIOS, EXPERIMENTS, ONLY, PROFILE, QUICK, S, UPDATE_DOCS, VARIANT, fmt, log, machine, resultsDir, versions } from './harness.js';
import { report, writeDocs, type Results } from './report.js';
import { scenario1 } from './scenarios/1-protected-page.js';
import { profileLogins, scenario2 } from './scenarios/2-whole-logins.js';
import { scenario3 } from './scenarios/3-provider-requests.js';
import { scenario4 } from './scenarios/4-abandoned-logins-memory.js';
import { scenario5 } from './scenarios/5-startup-provider-unreachable.js';
import { profileNotify, scenario6 } from './scenarios/6-notifications-mtls.js';
import { scenario7 } from './scenarios/7-several-instances-redis.js';

async function main(): Promise<void> {
  const began = performance.now();
  const results: Results = { machine: machine(), versions: versions(), quick: QUICK, settings: S, ...(VARIANT ? { variant: VARIANT } : {}), notes: [] };
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
  // Only a whole, full-length run without experiments or a variant is the record (latest.json, and the docs).
  const record = full && !QUICK && !EXPERIMENTS && !VARIANT;
  const file = record ? 'latest.json' : EXPERIMENTS && !QUICK && !VARIANT ? 'experiments.json' : 'partial.json';
  writeFileSync(join(resultsDir, file), `${JSON.stringify(results, null, 2)}\n`);
  // The published figures change only when asked: a run on a busy machine, or one made to check a
  // change, must not replace them as a side effect.
  const docs = record && UPDATE_DOCS;
  if (docs) writeDocs(generated);
  log(`\n${generated}\n`);
  log(
    docs
      ? 'Written: bench/results/latest.json, docs/benchmarks.md'
      : record
        ? 'Written: bench/results/latest.json; docs/benchmarks.md left as it was (UPDATE_DOCS=1 npm run bench writes the tables above into it)'
        : `Written: bench/results/${file} (not a full plain run: docs/benchmarks.md left as it was${UPDATE_DOCS ? ', UPDATE_DOCS=1 notwithstanding' : ''})`,
  );
  log(`Took ${fmt((performance.now() - began) / 1000)} s.`);
}

await main();
