/**
 * The openid-client `Configuration` for mojeID, discovered lazily: an app boots while mojeID is
 * unreachable, a login attempt then fails with `ProviderUnavailableError` (a 503 page), and the next
 * attempt after a short back-off tries again. Concurrent logins share one discovery request.
 */
import * as oidc from 'openid-client';
import type { MojeIdConfig } from './config.js';
import { isLoopbackHost } from './environments.js';
import { ProviderUnavailableError } from './errors.js';

/** Responses larger than this are refused: a provider never needs more for discovery, tokens or claims. */
export const MAX_RESPONSE_BYTES = 512 * 1024;
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;

export interface ProviderClientOptions {
  /** Replaces the Fetch API implementation (tests, proxies). */
  fetch?: typeof fetch;
  /** Clock for the retry back-off; tests pass their own. */
  now?: () => number;
}

export class ProviderClient {
  readonly #config: MojeIdConfig;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  #configuration: oidc.Configuration | undefined;
  #pending: Promise<oidc.Configuration> | undefined;
  #failures = 0;
  #retryAt = 0;
  #lastError: ProviderUnavailableError | undefined;

  constructor(config: MojeIdConfig, options: ProviderClientOptions = {}) {
    this.#config = config;
    this.#fetch = options.fetch ?? fetch;
    this.#now = options.now ?? Date.now;
  }

  /** Resolves the discovered configuration, or rejects with `ProviderUnavailableError`. */
  configuration(): Promise<oidc.Configuration> {
    if (this.#configuration) return Promise.resolve(this.#configuration);
    if (this.#pending) return this.#pending;
    if (this.#lastError && this.#now() < this.#retryAt) return Promise.reject(this.#lastError);
    this.#pending = this.#discover().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #discover(): Promise<oidc.Configuration> {
    const config = this.#config;
    const issuer = new URL(config.issuer);
    const clientAuth =
      config.tokenEndpointAuthMethod === 'client_secret_post'
        ? oidc.ClientSecretPost(config.clientSecret)
        : oidc.ClientSecretBasic(config.clientSecret);
    // OIDC Core §3.1.3.7 lets a client skip the ID token signature when the token came straight
    // from the token endpoint over TLS; openid-client does skip it by default. We verify it anyway:
    // it costs one JWKS fetch per process and refuses forged or `alg: none` tokens outright.
    const execute: Array<(c: oidc.Configuration) => void> = [oidc.enableNonRepudiationChecks];
    // Plain http only for a loopback issuer (the simulator); config validation refused the rest.
    if (issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname)) execute.push(oidc.allowInsecureRequests);
    try {
      const discovered = await oidc.discovery(
        issuer,
        config.clientId,
        {
          redirect_uris: [config.redirectUri],
          response_types: ['code'],
          token_endpoint_auth_method: config.tokenEndpointAuthMethod,
          [oidc.clockTolerance]: config.clockTolerance,
        },
        clientAuth,
        { execute, timeout: config.httpTimeout, [oidc.customFetch]: limitedFetch(this.#fetch) },
      );
      this.#configuration = discovered;
      this.#failures = 0;
      this.#lastError = undefined;
      return discovered;
    } catch (cause) {
      this.#failures += 1;
      const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (this.#failures - 1));
      this.#retryAt = this.#now() + delay;
      this.#lastError = new ProviderUnavailableError(`discovery of ${config.issuer} failed: ${describeCause(cause)}`, cause);
      throw this.#lastError;
    }
  }
}

/** A short, secret-free description of a low-level failure for messages and logs. */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    const inner = cause.cause instanceof Error ? `; ${cause.cause.message}` : '';
    return `${typeof code === 'string' ? `${code}: ` : ''}${cause.message}${inner}`.slice(0, 300);
  }
  return 'unknown error';
}

/** A provider response over `MAX_RESPONSE_BYTES`. */
export class ResponseTooLargeError extends Error {
  constructor(origin: string) {
    super(`the response from ${origin} is larger than ${MAX_RESPONSE_BYTES} bytes`);
    this.name = 'ResponseTooLargeError';
  }
}

/**
 * Every response body is read with a size cap, so a provider answering several megabytes (or an
 * endless stream) cannot exhaust memory; the timeout signal from openid-client still applies.
 */
export function limitedFetch(base: typeof fetch): oidc.CustomFetch {
  return async (url, options) => {
    const response = await base(url, options as RequestInit);
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > MAX_RESPONSE_BYTES) {
      await response.body?.cancel();
      throw new ResponseTooLargeError(new URL(url).origin);
    }
    if (!response.body) return response;
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_RESPONSE_BYTES) {
        await reader.cancel();
        throw new ResponseTooLargeError(new URL(url).origin);
      }
      chunks.push(value);
    }
    // Responses to HEAD and these statuses must not carry a body (Fetch spec).
    const bodyless = [101, 204, 205, 304].includes(response.status);
    return new Response(bodyless ? null : Buffer.concat(chunks), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
