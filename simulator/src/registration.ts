/**
 * Client registration management the way mojeID does it (§5.1.3), where oidc-provider differs:
 *
 * - "Registration Change": a POST (not RFC 7592's PUT) to `registration_client_uri`
 *   (`.../oidc/registration/?client_id=...`) with `Authorization: Bearer <registration_access_token>`.
 *   The body has the registration request's format and is merged into the registration; a
 *   `client_secret` member (whatever its value, `null` in the manual's example) makes the server
 *   generate a new secret, sent back in the answer, which has the registration answer's format.
 *   `redirect_uris` and `client_id` cannot change: such a request is refused with `invalid_request`,
 *   the error Appendix 6.6 gives for unusable parameters.
 * - Secrets of dynamically registered clients expire after a lifetime (24 hours at mojeID, §5.1.3;
 *   configurable here so tests can use seconds). A new secret gets a fresh lifetime: that is how a
 *   registration is renewed. The old secret stops at once.
 * - `assertion_uris` (§6.2: where registration notifications are sent) is client metadata that
 *   oidc-provider does not know; it is declared as extra metadata, validated as a list of absolute
 *   http(s) URLs and kept with the client.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { OidcContext, OidcMiddleware } from './oidc-types.js';
import type Provider from 'oidc-provider';
import type { ClientMetadata } from 'oidc-provider';
import { registrationClientUriFor } from 'passport-mojeid-oidc';
import type { MemoryStore } from './adapter.js';

/** §5.1.3: "Registration created this way will expire after 24 hours". */
export const DEFAULT_DYNAMIC_CLIENT_LIFETIME = 24 * 3600;

/** §6.2: the client metadata key listing the notification addresses. */
export const ASSERTION_URIS = 'assertion_uris';

/** Members a client cannot set in a change request; oidc-provider refuses them in updates too (RFC 7592 §2.2). */
const IGNORED_IN_CHANGES = ['registration_access_token', 'registration_client_uri', 'client_secret_expires_at', 'client_id_issued_at'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.hash;
  } catch {
    return false;
  }
}

/** Why `assertion_uris` is not acceptable, or `undefined` when it is (absent counts as acceptable). */
export function assertionUrisProblem(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) return 'assertion_uris must be a non-empty array of URLs';
  if (!value.every(isHttpUrl)) return 'assertion_uris must contain only absolute http(s) URLs without a fragment';
  return undefined;
}

/** The notification addresses (§6.2) registered for a client; empty when it has none. */
export function assertionUrisOf(store: MemoryStore, clientId: string): string[] {
  const value = store.get('Client', clientId)?.[ASSERTION_URIS];
  return Array.isArray(value) ? value.filter((uri): uri is string => typeof uri === 'string') : [];
}

/** A secret like the manual's example: 43 base64url characters (32 random bytes). */
export function newClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

function answer(ctx: OidcContext, status: number, body: Record<string, unknown>): void {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Pragma', 'no-cache');
  ctx.body = body;
}

function refuseToken(ctx: OidcContext, description: string): void {
  answer(ctx, 401, { error: 'invalid_token', error_description: description });
  ctx.set('WWW-Authenticate', `Bearer realm="mojeID", error="invalid_token"`);
}

function sameList(a: unknown, b: unknown): boolean {
  return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => item === b[i]);
}

/** oidc-provider's metadata errors carry the OAuth `error` and `error_description`. */
function metadataError(error: unknown): { error: string; error_description: string } {
  const e = error as { error?: unknown; error_description?: unknown; message?: unknown };
  return {
    error: typeof e.error === 'string' ? e.error : 'invalid_client_metadata',
    error_description: typeof e.error_description === 'string' ? e.error_description : typeof e.message === 'string' ? e.message : 'invalid client metadata',
  };
}

export interface RegistrationChangeSetup {
  provider: Provider;
  store: MemoryStore;
  issuer: string;
  /** Seconds a new secret of a dynamically registered client is valid. */
  lifetime: number;
}

/** Handles the Registration Change POST of §5.1.3; everything else passes through. */
export function registrationChanges(setup: RegistrationChangeSetup): OidcMiddleware {
  const { provider, store, issuer, lifetime } = setup;
  return async (ctx, next) => {
    const clientId = ctx.query['client_id'];
    if (ctx.method !== 'POST' || !/^\/registration\/?$/i.test(ctx.path) || clientId === undefined) return next();
    if (typeof clientId !== 'string' || clientId === '') {
      answer(ctx, 400, { error: 'invalid_request', error_description: 'client_id must be given once' });
      return;
    }

    const bearer = /^bearer\s+(\S+)\s*$/i.exec(ctx.get('authorization'))?.[1];
    const token = bearer ? await provider.RegistrationAccessToken.find(bearer) : undefined;
    const stored = store.get('Client', clientId);
    if (!token || token.clientId !== clientId || !stored) {
      refuseToken(ctx, 'the registration access token is missing, unknown, or not for this client');
      return;
    }

    const body = await readJsonBody(ctx);
    if (!isRecord(body)) {
      answer(ctx, 400, { error: 'invalid_request', error_description: 'the request body must be a JSON object' });
      return;
    }
    if ('client_id' in body && body['client_id'] !== clientId) {
      answer(ctx, 400, { error: 'invalid_request', error_description: 'client_id cannot be changed (§5.1.3)' });
      return;
    }
    if ('redirect_uris' in body && !sameList(body['redirect_uris'], stored['redirect_uris'])) {
      answer(ctx, 400, { error: 'invalid_request', error_description: 'redirect_uris cannot be changed (§5.1.3); register a new client instead' });
      return;
    }

    const { client_secret: _ignored, ...changes } = body;
    for (const key of IGNORED_IN_CHANGES) delete changes[key];
    const merged: ClientMetadata = { ...stored, ...changes, client_id: clientId };
    // Members sent as null are removed (RFC 7591 §2: null means "no value").
    for (const [key, value] of Object.entries(merged)) if (value === null) delete merged[key];
    // "The client_secret value is ignored. In case the item is included in the request, a new
    // client_secret is generated." (§5.1.3)
    if ('client_secret' in body) {
      merged['client_secret'] = newClientSecret();
      const expiresAt = stored['client_secret_expires_at'];
      // A dynamically registered client's new secret lives one more lifetime; a manual one never expires.
      merged['client_secret_expires_at'] = typeof expiresAt === 'number' && expiresAt !== 0 ? Math.floor(Date.now() / 1000) + lifetime : 0;
    }
    try {
      await provider.Client.validate(merged);
    } catch (error) {
      answer(ctx, 400, metadataError(error));
      return;
    }
    store.put('Client', clientId, merged);
    answer(ctx, 200, { ...merged, registration_access_token: bearer, registration_client_uri: registrationClientUriFor(issuer, clientId) });
  };
}

/** Up to 64 KiB of JSON; `undefined` when the body is not JSON. */
async function readJsonBody(ctx: OidcContext): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** oidc-provider's `extraClientMetadata` setting declaring `assertion_uris` (§6.2). */
export function assertionUrisMetadata(InvalidClientMetadata: new (description: string) => Error): {
  properties: string[];
  validator: (ctx: unknown, key: string, value: unknown) => void;
} {
  return {
    properties: [ASSERTION_URIS],
    validator(_ctx, key, value) {
      const problem = key === ASSERTION_URIS ? assertionUrisProblem(value) : undefined;
      if (problem) throw new InvalidClientMetadata(problem);
    },
  };
}
