/**
 * The openid-client `Configuration` for mojeID, discovered lazily: an app boots while mojeID is
 * unreachable, a login attempt then fails with `ProviderUnavailableError` (a 503 page), and the next
 * attempt after a short back-off tries again. Concurrent logins share one discovery request.
 *
 * The client credentials may change at run time (a dynamic registration's secret is renewed,
 * §5.1.3): with a `CredentialSource`, each call uses the credentials current at that moment, and
 * the discovered provider metadata is reused for the new ones without another request.
 *
 * Requests go through node:http(s) (`nodeHttpFetch`), unless a Fetch API implementation is given.
 *
 * mojeID may start signing with a new key at any time (key rotation): an ID token naming a key we
 * do not have makes openid-client fetch the keys again at once, in the same login (see
 * `KEY_MISS_REFETCH_AGE_S`), by one request that concurrent logins share and that is not repeated
 * within a minute (`gateJwksRefetches`).
 */
import * as oidc from 'openid-client';
import type { MojeIdConfig } from './config.js';
import { isLoopbackHost } from './environments.js';
import { ConfigurationError, ProviderUnavailableError } from './errors.js';
import { limitedFetch } from './bounded-fetch.js';
import { describeCause } from './describe-cause.js';
import { nodeHttpFetch, type ProviderAgents } from './http-transport.js';
import { gateJwksRefetches } from './jwks-refetch.js';

export type { ProviderAgents };

const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;
/**
 * oauth4webapi fetches the keys again for an ID token whose key it lacks only once the cached set
 * is this old (its guard against a flood of such tokens); before that it refuses the login. The
 * keys we hand it are dated this much earlier than they were fetched, so a rotated key is fetched
 * in the first login that meets it; `gateJwksRefetches` keeps the flood guard instead.
 */
export const KEY_MISS_REFETCH_AGE_S = 60;
/**
 * oauth4webapi drops a JWKS older than 300 s (by its date: 240 s after the fetch, see above), and
 * every login that notices fetches it anew (a burst of identical requests under load); refreshing
 * a little earlier, once, spares those.
 */
const JWKS_REFRESH_AFTER_S = 290;
/** After a failed refresh the logins fetch the keys themselves, as without refresh; no new attempt before this. */
const JWKS_REFRESH_RETRY_MS = 30_000;

/** What the token endpoint authenticates the client with. */
export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Client credentials that change at run time (renewal of a dynamic registration, §5.1.3). */
export interface CredentialSource {
  /** Settles (never rejects) once the first credentials are known, e.g. loaded from a store. */
  readonly ready: Promise<void>;
  /** The credentials to use now: the same object until they change; `undefined` = the configured ones. */
  current(): ClientCredentials | undefined;
  /** mojeID refused the current credentials: pick up newer ones (a renewal under way, the store). Never rejects. */
  refresh(): Promise<void>;
}

export interface ProviderClientOptions {
  /** A Fetch API implementation instead of the node:http transport (tests, proxies); the size cap still applies. */
  fetch?: typeof fetch;
  /** Clock (ms since the epoch) for the retry back-off and the age of the cached JWKS; tests pass their own. */
  now?: () => number;
  /** Where changing credentials come from; without it, the configured ones are used. */
  credentials?: CredentialSource;
  /** Connection pools for the default transport (a proxy agent, a CA of your own); ignored with `fetch`. */
  agents?: ProviderAgents;
}

export class ProviderClient {
  readonly #config: MojeIdConfig;
  readonly #fetch: oidc.CustomFetch;
  /** `#fetch` for openid-client's own requests: its JWKS refetches shared and spaced out. */
  readonly #configurationFetch: oidc.CustomFetch;
  readonly #ownTimeout: boolean;
  readonly #now: () => number;
  readonly #source: CredentialSource | undefined;
  /** From the configuration; `undefined` when the secret comes from a credential store only. */
  readonly #configured: ClientCredentials | undefined;
  #server: oidc.ServerMetadata | undefined;
  /** `jwks_uri` as oauth4webapi requests it (normalised by URL). */
  #jwksUri: string | undefined;
  #configuration: oidc.Configuration | undefined;
  /** The credentials each configuration was built with. */
  readonly #builtWith = new WeakMap<oidc.Configuration, ClientCredentials>();
  #pending: Promise<oidc.Configuration> | undefined;
  #jwksRefresh: Promise<void> | undefined;
  #jwksRetryAt = 0;
  #failures = 0;
  #retryAt = 0;
  #lastError: ProviderUnavailableError | undefined;

  constructor(config: MojeIdConfig, options: ProviderClientOptions = {}) {
    this.#config = config;
    // The default transport enforces the timeout itself, so openid-client needs no signal of its own.
    this.#ownTimeout = !options.fetch;
    this.#fetch = options.fetch
      ? limitedFetch(options.fetch)
      : nodeHttpFetch({ timeoutMs: config.httpTimeout * 1000, ...(options.agents ? { agents: options.agents } : {}) });
    this.#now = options.now ?? Date.now;
    this.#configurationFetch = gateJwksRefetches(this.#fetch, () => this.#jwksUri, this.#now);
    this.#source = options.credentials;
    this.#configured = config.clientSecret ? { clientId: config.clientId, clientSecret: config.clientSecret } : undefined;
  }

  /** Resolves the discovered configuration, or rejects with `ProviderUnavailableError`. */
  configuration(): Promise<oidc.Configuration> {
    if (this.#server) {
      try {
        return Promise.resolve(this.#current(this.#server));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.#pending) return this.#pending;
    if (this.#lastError && this.#now() < this.#retryAt) return Promise.reject(this.#lastError);
    this.#pending = this.#discover().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /**
   * `configuration()` for completing a login: when the cached JWKS is about to go stale, it is
   * fetched again first, by one request that concurrent logins wait for, instead of one request
   * per login. Should that fail, the login goes on and openid-client fetches the keys itself.
   */
  async configurationForCallback(): Promise<oidc.Configuration> {
    const configuration = await this.configuration();
    if (!this.#jwksDue(configuration)) return configuration;
    this.#jwksRefresh ??= this.#refreshJwks().finally(() => {
      this.#jwksRefresh = undefined;
    });
    await this.#jwksRefresh;
    return this.configuration();
  }

  #jwksDue(configuration: oidc.Configuration): boolean {
    const uat = oidc.getJwksCache(configuration)?.uat;
    const now = this.#now();
    // No cache at all: the first warm-up failed, or openid-client dropped it and is fetching anew.
    return uat !== undefined && now >= this.#jwksRetryAt && now / 1000 - uat >= JWKS_REFRESH_AFTER_S;
  }

  /** Never rejects. */
  async #refreshJwks(): Promise<void> {
    const server = this.#server;
    const jwks = server?.jwks_uri ? await this.#fetchJwks(server.jwks_uri) : undefined;
    if (!server || !jwks) {
      this.#jwksRetryAt = this.#now() + JWKS_REFRESH_RETRY_MS;
      return;
    }
    try {
      // A new Configuration rather than setJwksCache on the current one: oauth4webapi also keeps
      // the keys per Configuration internally, would find those stale, and fetch them anyway.
      this.#configuration = this.#build(server, this.#credentials(), jwks);
    } catch {
      // No usable credentials: configuration() reports that to the login.
    }
  }

  /**
   * After the token endpoint refused the client credentials of `used`: the configuration to retry
   * with when newer credentials turned up meanwhile (a secret renewed here or by another
   * instance), else `undefined`.
   */
  async configurationAfterClientRefusal(used: oidc.Configuration): Promise<oidc.Configuration | undefined> {
    if (!this.#source) return undefined;
    await this.#source.refresh();
    const current = await this.configuration().catch(() => undefined);
    // Compared by credentials: a JWKS refresh makes a new configuration with the same ones.
    return current && this.#builtWith.get(current) !== this.#builtWith.get(used) ? current : undefined;
  }

  #credentials(): ClientCredentials {
    const credentials = this.#source?.current() ?? this.#configured;
    if (!credentials) {
      throw new ConfigurationError([
        {
          option: 'clientSecret',
          variable: 'MOJEID_CLIENT_SECRET',
          message: 'not set, and the credential store holds no credentials for this client (§5.1.3; `npx passport-mojeid-oidc register`)',
        },
      ]);
    }
    return credentials;
  }

  /** The configuration for the current credentials, rebuilt from the discovered metadata when they changed. */
  #current(server: oidc.ServerMetadata): oidc.Configuration {
    const credentials = this.#credentials();
    if (!this.#configuration || this.#builtWith.get(this.#configuration) !== credentials) {
      // New credentials, same provider: keep the keys already fetched.
      const jwks = this.#configuration ? oidc.getJwksCache(this.#configuration) : undefined;
      this.#configuration = this.#build(server, credentials, jwks);
    }
    return this.#configuration;
  }

  #build(server: oidc.ServerMetadata, credentials: ClientCredentials, jwks: oidc.ExportedJWKSCache | undefined): oidc.Configuration {
    const settings = this.#settings(credentials);
    const configuration = new oidc.Configuration(server, credentials.clientId, settings.metadata, settings.clientAuth);
    for (const apply of settings.execute) apply(configuration);
    // 0: openid-client sends no AbortSignal.timeout of its own (costly per request in Node).
    configuration.timeout = this.#ownTimeout ? 0 : this.#config.httpTimeout;
    configuration[oidc.customFetch] = this.#configurationFetch;
    if (jwks) {
      const latest = Math.floor(this.#now() / 1000) - KEY_MISS_REFETCH_AGE_S;
      oidc.setJwksCache(configuration, { jwks: jwks.jwks, uat: Math.min(jwks.uat, latest) });
    }
    this.#builtWith.set(configuration, credentials);
    return configuration;
  }

  /** Everything an openid-client `Configuration` for these credentials is made with. */
  #settings(credentials: ClientCredentials): {
    metadata: Partial<oidc.ClientMetadata>;
    clientAuth: oidc.ClientAuth;
    execute: Array<(c: oidc.Configuration) => void>;
  } {
    const config = this.#config;
    const issuer = new URL(config.issuer);
    const clientAuth =
      config.tokenEndpointAuthMethod === 'client_secret_post'
        ? oidc.ClientSecretPost(credentials.clientSecret)
        : oidc.ClientSecretBasic(credentials.clientSecret);
    // OIDC Core §3.1.3.7 lets a client skip the ID token signature when the token came straight
    // from the token endpoint over TLS; openid-client does skip it by default. We verify it anyway:
    // it costs one JWKS fetch per process and refuses forged or `alg: none` tokens outright.
    const execute: Array<(c: oidc.Configuration) => void> = [oidc.enableNonRepudiationChecks];
    // Plain http only for a loopback issuer (the simulator); config validation refused the rest.
    if (issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname)) execute.push(oidc.allowInsecureRequests);
    return {
      metadata: {
        redirect_uris: [config.redirectUri],
        response_types: ['code'],
        token_endpoint_auth_method: config.tokenEndpointAuthMethod,
        [oidc.clockTolerance]: config.clockTolerance,
      },
      clientAuth,
      execute,
    };
  }

  /**
   * The JWKS for openid-client's cache, or `undefined` when it cannot be had. Fetched with
   * discovery, so that the logins waiting for discovery all find the keys cached; otherwise each
   * concurrent first login fetches them itself (measured: 6 fetches for 8 simultaneous first
   * logins). A failure is not fatal: a login then fetches the keys itself, and fails cleanly if
   * they are still unavailable.
   */
  async #fetchJwks(jwksUri: string): Promise<oidc.ExportedJWKSCache | undefined> {
    try {
      const response = await this.#fetch(jwksUri, {
        method: 'GET',
        headers: { accept: 'application/json, application/jwk-set+json' },
        body: undefined,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#config.httpTimeout * 1000),
      });
      if (!response.ok) return undefined;
      const jwks = (await response.json()) as unknown;
      if (!jwks || typeof jwks !== 'object' || !Array.isArray((jwks as { keys?: unknown }).keys)) return undefined;
      // Our clock, so that tests moving it see the cache age.
      return { jwks: jwks as oidc.JWKS, uat: Math.floor(this.#now() / 1000) };
    } catch {
      // Left to the login, which reports it properly.
      return undefined;
    }
  }

  async #discover(): Promise<oidc.Configuration> {
    const config = this.#config;
    await this.#source?.ready;
    const credentials = this.#credentials();
    const settings = this.#settings(credentials);
    try {
      const discovered = await oidc.discovery(new URL(config.issuer), credentials.clientId, settings.metadata, settings.clientAuth, {
        execute: settings.execute,
        timeout: config.httpTimeout,
        [oidc.customFetch]: this.#fetch,
      });
      const server = discovered.serverMetadata();
      const jwks = server.jwks_uri ? await this.#fetchJwks(server.jwks_uri) : undefined;
      // Built like every later configuration (timeout, fetch, keys), from the discovered metadata.
      const configuration = this.#build(server, credentials, jwks);
      this.#server = server;
      this.#jwksUri = server.jwks_uri ? new URL(server.jwks_uri).href : undefined;
      this.#configuration = configuration;
      this.#failures = 0;
      this.#lastError = undefined;
      return configuration;
    } catch (cause) {
      this.#failures += 1;
      const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (this.#failures - 1));
      this.#retryAt = this.#now() + delay;
      this.#lastError = new ProviderUnavailableError(`discovery of ${config.issuer} failed: ${describeCause(cause)}`, cause);
      throw this.#lastError;
    }
  }
}
