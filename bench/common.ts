/**
 * What the benchmark's processes share: the client registration every app uses, the libraries
 * compared, and the messages the orchestrator exchanges with its children over IPC.
 *
 * Processes (each its own, so CPU time is measured per process on a 2-core machine):
 *   run.ts             orchestrator and load generator (scenarios/*.ts drive autocannon and the
 *                      login driver, harness.ts measures, report.ts renders)
 *   provider-main.ts   the minimal provider (precomputed discovery, JWKS, UserInfo)
 *   simulator-main.ts  the mojeID simulator (oidc-provider), for the real logins of scenario 1
 *   app-main.ts        one Express app with one library, one at a time
 */

export const CLIENT_ID = 'bench-client';
export const CLIENT_SECRET = 'bench-secret-0123456789abcdef';
/** express-session's and express-openid-connect's secret (the latter wants 32+ characters). */
export const SESSION_SECRET = 'bench-session-secret-0123456789abcdef';
export const SCOPE = 'openid email profile';
/** The protected page every app serves. */
export const PROTECTED_PATH = '/private';
/** The user the provider logs in (and the baseline app's fixed user). */
export const SUB = 'Usr1234567ab';
export const USER_CLAIMS = {
  sub: SUB,
  given_name: 'Jan',
  family_name: 'Novák',
  name: 'Jan Novák',
  email: 'jan.novak@example.cz',
  email_verified: true,
} as const;

export const LIBRARIES = ['baseline', 'ours', 'eoc', 'passport-oidc', 'openid-client'] as const;
export type Library = (typeof LIBRARIES)[number];
export const OIDC_LIBRARIES = LIBRARIES.filter((l): l is Exclude<Library, 'baseline'> => l !== 'baseline');

export const LIBRARY_LABELS: Readonly<Record<Library, string>> = {
  baseline: 'baseline (express-session + passport)',
  ours: 'passport-mojeid-oidc (ours)',
  eoc: 'express-openid-connect',
  'passport-oidc': 'passport-openidconnect',
  'openid-client': 'openid-client/passport',
};

/** How an app process is configured (JSON in the `BENCH_APP` environment variable). */
export interface AppSpec {
  library: Library;
  issuer: string;
  /** Endpoints for libraries without discovery (passport-openidconnect). */
  endpoints?: { authorization: string; token: string; userinfo: string };
  /** Ours only: `userinfo: false` with the claims requested in the ID token. */
  userinfo?: boolean;
  /** Fixed port (scenario 1 registers the redirect URI with the simulator first); default any. */
  port?: number;
  /**
   * Ours only: serve HTTPS asking for client certificates, with account creation on and the
   * notification endpoint trusting `clientCaPem` (scenario 6).
   */
  tls?: { certPem: string; keyPem: string; clientCaPem: string };
  /** Ours only: `pendingLoginTtl` in seconds (scenario 4 waits for it to pass). */
  pendingLoginTtl?: number;
  /**
   * Ours only (scenario 7): sessions in Redis (connect-redis) under this prefix instead of the
   * MemoryStore, and the public origin every instance shares (the redirect URI is built from it).
   */
  redis?: { url: string; prefix: string; baseUrl: string };
  /** Ours only: the library built from BENCH_VARIANT instead of this checkout's (harness.ts). */
  variant?: boolean;
  /** BENCH_EXPERIMENTS: replace the global fetch before the library loads. */
  experiment?: 'node-http-fetch';
}

/** Where each app starts a login and receives the callback. */
/** How each library authenticates at the token endpoint (the simulator, like mojeID, accepts only the registered one). */
export const TOKEN_AUTH_METHODS: Readonly<Record<Exclude<Library, 'baseline'>, 'client_secret_basic' | 'client_secret_post'>> = {
  ours: 'client_secret_basic',
  eoc: 'client_secret_basic',
  'passport-oidc': 'client_secret_post',
  'openid-client': 'client_secret_basic',
};

export const LOGIN_PATHS: Readonly<Record<Exclude<Library, 'baseline'>, { start: string; callback: string }>> = {
  ours: { start: `/auth/mojeid/login?returnTo=${encodeURIComponent(PROTECTED_PATH)}`, callback: '/auth/mojeid/callback' },
  eoc: { start: '/login', callback: '/callback' },
  'passport-oidc': { start: '/login', callback: '/callback' },
  'openid-client': { start: '/login', callback: '/callback' },
};

export interface CpuTimes {
  user: number;
  system: number;
}

export interface AppStats {
  /** `process.cpuUsage()`, microseconds since the process started. */
  cpu: CpuTimes;
  heapUsed: number;
  heapTotal: number;
  rss: number;
  /** The MemoryStore: sessions held and the length of their serialised JSON (≈ bytes, one-byte strings). */
  storeSessions: number;
  storeBytes: number;
  /** The newest session's remaining lifetime in ms, `null` when it has no expiry, `undefined` without sessions. */
  newestSessionExpiresInMs: number | null | undefined;
}

export type ParentToChild =
  | { type: 'stats'; id: number; gc?: boolean; prune?: boolean }
  | { type: 'counts'; id: number; reset?: boolean }
  | { type: 'add-client'; id: number; redirectUri: string; authMethod: 'client_secret_basic' | 'client_secret_post' }
  | { type: 'exit' };

export type ChildToParent =
  | { type: 'ready'; port: number; origin: string; issuer?: string; uptimeMs: number }
  | { type: 'failed'; message: string; uptimeMs: number }
  | { type: 'stats'; id: number; stats: AppStats }
  | { type: 'counts'; id: number; counts: Record<string, number>; cpu: CpuTimes }
  | { type: 'added'; id: number };

/** Sends a message to the parent, if there is one (a child started with an IPC channel). */
export function tell(message: ChildToParent): void {
  process.send?.(message);
}
