/**
 * Scenario 3: how many requests each library makes to the provider per login (token, UserInfo,
 * authorization) and per process (discovery, JWKS), counted at the minimal provider over a fixed
 * number of logins by one fresh app process each.
 */
import type { Child } from '../child.js';
import { LIBRARY_LABELS, LOGIN_PATHS } from '../common.js';
import { loginLoop } from '../driver.js';
import { S, endpointsFor, fmt, log, providerCounts, startApp, type OidcLibrary, type Ready } from '../harness.js';

/** One row of scenario 3's table, as recorded in bench/results/*.json. */
export interface S3Row {
  config: string;
  library: OidcLibrary;
  logins: number;
  errors: number;
  counts: Record<string, number>;
}

export async function scenario3(providerChild: Child, provider: Ready, notes: string[]): Promise<S3Row[]> {
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