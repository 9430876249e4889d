/**
 * The example app's configuration, from environment variables (all documented in `.env.example`).
 *
 * Two kinds of variables: the app's own (PORT, BASE_URL, SESSION_SECRET, DATABASE_FILE,
 * SIMULATOR_PORT, REDIS_URL …) and the library's MOJEID_* ones, which `mojeid()` reads itself (MOJEID_BASE_URL
 * is read here too, as BASE_URL's other name). Every problem is
 * collected and reported at once, each naming its variable, so one restart fixes them all.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError, resolveConfig, type ClaimRequirement, type MojeIdOptions } from 'passport-mojeid-oidc';
import { PROFILE_FIELDS } from './session-user.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ConfigIssue {
  readonly variable: string;
  readonly message: string;
}

/** Thrown by `loadConfig` (and rethrown by `createExampleApp` for MOJEID_* problems). */
export class ExampleConfigError extends Error {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[]) {
    super(`configuration is invalid:\n${issues.map((i) => `  - ${i.variable}: ${i.message}`).join('\n')}`);
    this.name = 'ExampleConfigError';
    this.issues = issues;
  }
}

export interface AppConfig {
  readonly production: boolean;
  readonly port: number;
  /** The app's public origin, without a trailing slash. */
  readonly baseUrl: string;
  readonly https: boolean;
  readonly sessionSecret: string;
  readonly databaseFile: string;
  /**
   * No MOJEID_CLIENT_ID, MOJEID_ISSUER or MOJEID_ENV: the local mojeID simulator is started
   * in-process and used as the issuer, with a client registered for this app.
   */
  readonly useSimulator: boolean;
  readonly simulatorPort: number;
  /** SIMULATOR_STATUS_DELAY: seconds before the simulator reports a created account's status change. */
  readonly simulatorStatusDelay: number;
  /**
   * HTTPS_CERT_FILE + HTTPS_KEY_FILE: serve HTTPS, asking clients for a certificate (optional),
   * so mojeID's registration notifications can be verified by their certificate (§6.2).
   */
  readonly tls: { readonly cert: string; readonly key: string } | undefined;
  /**
   * "Create mojeID account" from the profile (ch. 6, Appendix 7 point 7b) is on with the simulator,
   * or when the notifications can be verified (MOJEID_NOTIFY_CA_FILE, _TRUSTED_PROXIES or
   * _INSECURE_TEST_MODE); otherwise the link goes to mojeID's public registration page.
   */
  readonly accountCreation: boolean;
  /** Where `mojeid()` reads MOJEID_* variables from (normally `process.env`). */
  readonly env: Env;
  /**
   * REDIS_URL: sessions, pending account registrations (ch. 6) and renewed client credentials
   * (§5.1.3) in Redis, shared by every instance started with the same URL; `undefined` keeps
   * them in this process (MemoryStore), as a single instance needs.
   */
  readonly redis: { readonly url: string; readonly keyPrefix: string } | undefined;
  /** Things worth telling whoever starts the app (generated secret …). */
  readonly warnings: readonly string[];
}

/** example-app/, whether this file runs as example-app/src/*.ts (tests) or example-app/dist/*.js. */
export const EXAMPLE_APP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_DATABASE_FILE = path.join(EXAMPLE_APP_DIR, 'data', 'app.sqlite');

function parsePort(text: string | undefined, variable: string, fallback: number, issues: ConfigIssue[]): number {
  if (text === undefined || text.trim() === '') return fallback;
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) > 65535) {
    issues.push({ variable, message: `expected a TCP port number (0-65535), got ${JSON.stringify(text)}` });
    return fallback;
  }
  return Number(t);
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** The MOJEID_* variables that choose a real mojeID (or another issuer) instead of the simulator. */
export const PROVIDER_VARIABLES = ['MOJEID_CLIENT_ID', 'MOJEID_ISSUER', 'MOJEID_ENV'] as const;

/**
 * Reads and checks every variable. Throws `ExampleConfigError` listing all problems, the app's and
 * the library's (MOJEID_*, checked with the library's own `resolveConfig`).
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const issues: ConfigIssue[] = [];
  const warnings: string[] = [];
  const production = env['NODE_ENV'] === 'production';

  const port = parsePort(env['PORT'], 'PORT', 3000, issues);

  const tls = readTls(env, issues);
  let baseUrl = `${tls ? 'https' : 'http'}://localhost:${port}`;
  // MOJEID_BASE_URL is the library's name for the same thing; an app configured for the library
  // alone must not silently get http://localhost:PORT as its callback origin.
  const base = baseUrlVariable(env, issues);
  if (base) {
    const { variable, text: baseText } = base;
    try {
      const url = new URL(baseText);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        issues.push({ variable, message: `expected an http(s) URL, got ${JSON.stringify(baseText)}` });
      } else if (url.pathname !== '/' || url.search || url.hash) {
        issues.push({ variable, message: `must be an origin only, without a path, got ${JSON.stringify(baseText)}` });
      } else if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
        issues.push({ variable, message: `must use https except on localhost/127.0.0.1, got ${JSON.stringify(baseText)}` });
      } else {
        baseUrl = url.origin;
      }
    } catch {
      issues.push({ variable, message: `expected an absolute URL such as https://shop.example.cz, got ${JSON.stringify(baseText)}` });
    }
  }
  const https = baseUrl.startsWith('https:');
  if (tls && !https) issues.push({ variable: 'BASE_URL', message: `HTTPS_CERT_FILE makes the app serve HTTPS, but BASE_URL is ${JSON.stringify(baseUrl)}` });

  let sessionSecret = env['SESSION_SECRET'] ?? '';
  if (sessionSecret && sessionSecret.length < 32) {
    issues.push({ variable: 'SESSION_SECRET', message: 'must be at least 32 characters long (e.g. `openssl rand -base64 48`)' });
  } else if (!sessionSecret) {
    if (production) {
      issues.push({ variable: 'SESSION_SECRET', message: 'not set: required when NODE_ENV=production (e.g. `openssl rand -base64 48`)' });
    } else {
      sessionSecret = randomBytes(32).toString('base64url');
      warnings.push('SESSION_SECRET is not set: using a random one, so every restart logs everybody out. Set it in production.');
    }
  }

  const redis = readRedis(env, issues);

  const databaseFile = env['DATABASE_FILE']?.trim() ? path.resolve(env['DATABASE_FILE'].trim()) : DEFAULT_DATABASE_FILE;

  const useSimulator = PROVIDER_VARIABLES.every((name) => !env[name]?.trim());
  // PORT 0 (any free port) has no "next" port, so the simulator takes any free port too.
  const simulatorPort = parsePort(env['SIMULATOR_PORT'], 'SIMULATOR_PORT', port === 0 ? 0 : port + 1, issues);
  let simulatorStatusDelay = 30;
  const delayText = env['SIMULATOR_STATUS_DELAY']?.trim();
  if (delayText) {
    if (/^\d+(\.\d+)?$/.test(delayText)) simulatorStatusDelay = Number(delayText);
    else issues.push({ variable: 'SIMULATOR_STATUS_DELAY', message: `expected seconds (0 or more), got ${JSON.stringify(delayText)}` });
  }
  const notifyVerifiable =
    !!env['MOJEID_NOTIFY_CA_FILE']?.trim() || !!env['MOJEID_NOTIFY_TRUSTED_PROXIES']?.trim() || /^(true|1|yes|on)$/i.test(env['MOJEID_NOTIFY_INSECURE_TEST_MODE']?.trim() ?? '');
  if (useSimulator && production) {
    issues.push({
      variable: 'MOJEID_CLIENT_ID',
      message: 'not set: NODE_ENV=production needs a real mojeID client (MOJEID_ENV, MOJEID_CLIENT_ID, MOJEID_CLIENT_SECRET), not the local simulator',
    });
  }

  // The library's variables, checked by the library itself. With the simulator the issuer and the
  // client are filled in later, so stand-ins are given here and only the other variables count.
  try {
    resolveConfig({
      ...mojeIdAppDefaults(env),
      baseUrl,
      env,
      ...(useSimulator ? { issuer: 'http://127.0.0.1:1/oidc/', clientId: 'simulator', clientSecret: 'simulator' } : {}),
    });
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    for (const issue of error.issues) issues.push({ variable: issue.variable, message: issue.message });
  }

  if (issues.length) throw new ExampleConfigError(issues);
  return {
    production,
    port,
    baseUrl,
    https,
    sessionSecret,
    databaseFile,
    useSimulator,
    simulatorPort,
    simulatorStatusDelay,
    tls,
    accountCreation: useSimulator || notifyVerifiable,
    redis,
    env,
    warnings,
  };
}

/** BASE_URL, else MOJEID_BASE_URL; both set to different origins is a mistake worth stopping for. */
function baseUrlVariable(env: Env, issues: ConfigIssue[]): { variable: 'BASE_URL' | 'MOJEID_BASE_URL'; text: string } | undefined {
  const own = env['BASE_URL']?.trim();
  const library = env['MOJEID_BASE_URL']?.trim();
  if (own && library && own.replace(/\/+$/, '') !== library.replace(/\/+$/, '')) {
    issues.push({ variable: 'BASE_URL', message: `differs from MOJEID_BASE_URL (${JSON.stringify(own)} and ${JSON.stringify(library)}); set one of them` });
  }
  if (own) return { variable: 'BASE_URL', text: own };
  if (library) return { variable: 'MOJEID_BASE_URL', text: library };
  return undefined;
}

/**
 * REDIS_URL (redis:// or rediss://, with an optional /<db>) and REDIS_KEY_PREFIX, put in front of
 * every key so several apps can share one Redis. With Redis, renewed credentials are kept there,
 * where every instance finds them: a credentials file as well would be a second truth.
 */
function readRedis(env: Env, issues: ConfigIssue[]): AppConfig['redis'] {
  const text = env['REDIS_URL']?.trim();
  const keyPrefix = env['REDIS_KEY_PREFIX']?.trim() ?? '';
  if (!text) {
    if (keyPrefix) issues.push({ variable: 'REDIS_KEY_PREFIX', message: 'set, but REDIS_URL is not: the prefix is only used with Redis' });
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    issues.push({ variable: 'REDIS_URL', message: 'expected a URL such as redis://127.0.0.1:6379 (or rediss://… for TLS)' });
    return undefined;
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    issues.push({ variable: 'REDIS_URL', message: `expected a redis:// or rediss:// URL, got the scheme ${JSON.stringify(url.protocol)}` });
    return undefined;
  }
  if (url.pathname !== '' && url.pathname !== '/' && !/^\/\d+$/.test(url.pathname)) {
    issues.push({ variable: 'REDIS_URL', message: 'the path can only be a database number, as in redis://127.0.0.1:6379/2' });
    return undefined;
  }
  if (env['MOJEID_CREDENTIALS_FILE']?.trim()) {
    issues.push({ variable: 'MOJEID_CREDENTIALS_FILE', message: 'set together with REDIS_URL: renewed credentials are kept in Redis then, shared by every instance; unset MOJEID_CREDENTIALS_FILE' });
  }
  return { url: text, keyPrefix };
}

/** HTTPS_CERT_FILE and HTTPS_KEY_FILE, both or neither, read now so a wrong path stops the start. */
function readTls(env: Env, issues: ConfigIssue[]): AppConfig['tls'] {
  const certFile = env['HTTPS_CERT_FILE']?.trim();
  const keyFile = env['HTTPS_KEY_FILE']?.trim();
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) {
    issues.push({ variable: certFile ? 'HTTPS_KEY_FILE' : 'HTTPS_CERT_FILE', message: 'not set: HTTPS needs both HTTPS_CERT_FILE and HTTPS_KEY_FILE' });
    return undefined;
  }
  const read = (variable: string, file: string, marker: RegExp): string | undefined => {
    try {
      const text = fs.readFileSync(file, 'utf8');
      if (marker.test(text)) return text;
      issues.push({ variable, message: `${JSON.stringify(file)} is not a PEM file` });
    } catch (error) {
      issues.push({ variable, message: `cannot read ${JSON.stringify(file)}: ${(error as NodeJS.ErrnoException).code ?? 'error'}` });
    }
    return undefined;
  };
  const cert = read('HTTPS_CERT_FILE', certFile, /-----BEGIN CERTIFICATE-----/);
  const key = read('HTTPS_KEY_FILE', keyFile, /-----BEGIN [A-Z ]*PRIVATE KEY-----/);
  return cert && key ? { cert, key } : undefined;
}

/**
 * What this app asks mojeID for, unless MOJEID_SCOPE / MOJEID_CLAIMS say otherwise (options given
 * to `mojeid()` win over variables, so the defaults are only passed when the variable is unset).
 * Appendix 7 point 4: nothing the app does not use (4c); only the e-mail is essential, because a
 * local account needs one (4a); the rest is optional (4b) and fills in or updates the local account.
 */
export function mojeIdAppDefaults(env: Env): Pick<MojeIdOptions, 'scope' | 'claims'> {
  return {
    // Scopes would each bring a group of claims this app never reads (`profile` alone is eleven).
    ...(env['MOJEID_SCOPE']?.trim() ? {} : { scope: 'openid' }),
    ...(env['MOJEID_CLAIMS']?.trim() ? {} : { claims: APP_CLAIMS }),
  };
}

/**
 * Exactly the claims behind the local account's fields (`PROFILE_FIELDS`): what a new account is
 * created from, what a repeated login offers to update, and what the profile shows.
 */
export const APP_CLAIMS: Readonly<Record<string, ClaimRequirement>> = Object.freeze(
  Object.fromEntries(PROFILE_FIELDS.map(({ claim }) => [claim, claim === 'email' ? 'essential' : 'optional'] as const)),
);

/** The message `start.ts` prints for a configuration error: one line per variable, no stack. */
export function describeConfigError(error: unknown): string | undefined {
  let issues: readonly ConfigIssue[] | undefined;
  if (error instanceof ExampleConfigError) issues = error.issues;
  else if (error instanceof ConfigurationError) issues = error.issues.map((i) => ({ variable: i.variable, message: i.message }));
  if (!issues) return undefined;
  return [
    'The example app cannot start: its configuration is invalid.',
    ...issues.map((i) => `  - ${i.variable}: ${i.message}`),
    'Every variable is described in .env.example.',
  ].join('\n');
}
