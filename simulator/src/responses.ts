/**
 * A koa middleware around oidc-provider's routes that turns its answers into mojeID's:
 * - discovery: see `discovery.ts` (field notes);
 * - JWKS: the key without `alg` and `use` (field notes);
 * - dynamic registration: `client_secret_expires_at` 24 hours (or the configured lifetime) ahead and
 *   `registration_client_uri` as `.../oidc/registration/?client_id=...`, where the registration
 *   can also be read (§5.1.3, field notes);
 * - the code-flow callback: `client_id` next to `code`, `state` and `iss`, as pyoidc adds it
 *   (field notes).
 *
 * @module
 */
import type { OidcContext, OidcMiddleware } from './oidc-types.js';
import type { MemoryStore } from './adapter.js';
import { mojeidDiscoveryDocument } from './discovery.js';
import { registrationClientUriFor } from 'passport-mojeid-oidc';
import { DEFAULT_DYNAMIC_CLIENT_LIFETIME } from './registration.js';
import type { SimulatorMode } from './types.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shapeRegistration(ctx: OidcContext, body: Record<string, unknown>, issuer: string, store: MemoryStore, lifetime: number): void {
  const clientId = body['client_id'];
  if (typeof clientId !== 'string') return;
  if (typeof body['registration_client_uri'] === 'string') {
    body['registration_client_uri'] = registrationClientUriFor(issuer, clientId);
  }
  if (ctx.oidc?.route === 'registration' && ctx.status === 201 && body['client_secret_expires_at'] === 0) {
    const issuedAt = typeof body['client_id_issued_at'] === 'number' ? body['client_id_issued_at'] : Math.floor(Date.now() / 1000);
    // Dynamically registered clients expire after 24 hours (§5.1.3), or the simulator's lifetime.
    const expiresAt = issuedAt + lifetime;
    body['client_secret_expires_at'] = expiresAt;
    // Stored too, so oidc-provider refuses the secret once it has expired.
    const stored = store.get('Client', clientId);
    if (stored) store.put('Client', clientId, { ...stored, client_secret_expires_at: expiresAt });
  }
}

function withoutAlgAndUse(key: Record<string, unknown>): Record<string, unknown> {
  const { alg: _alg, use: _use, ...rest } = key;
  return rest;
}

function addClientIdToCallback(ctx: OidcContext, issuer: string): void {
  const location = ctx.res.getHeader('Location');
  const clientId = ctx.oidc?.client?.clientId;
  if (typeof location !== 'string' || !clientId) return;
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return;
  }
  if (url.searchParams.has('code') && url.searchParams.get('iss') === issuer && !url.searchParams.has('client_id')) {
    url.searchParams.set('client_id', clientId);
    ctx.set('Location', url.href);
  }
}

export function mojeidResponses(issuer: string, store: MemoryStore, lifetime = DEFAULT_DYNAMIC_CLIENT_LIFETIME, mode: SimulatorMode = 'production'): OidcMiddleware {
  return async (ctx, next) => {
    const clientQuery = ctx.query['client_id'];
    if (ctx.method === 'GET' && /^\/registration\/?$/i.test(ctx.path) && typeof clientQuery === 'string') {
      // §5.1.3: registration information is read at `registration/?client_id=...`.
      ctx.path = `/registration/${encodeURIComponent(clientQuery)}`;
    }
    await next();
    const route = ctx.oidc?.route;
    const body = ctx.body;
    if ((route === 'registration' || route === 'client') && isRecord(body)) {
      shapeRegistration(ctx, body, issuer, store, lifetime);
    } else if (route === 'discovery' && isRecord(body)) {
      ctx.body = mojeidDiscoveryDocument(body, mode);
    } else if (route === 'jwks' && isRecord(body) && Array.isArray(body['keys'])) {
      ctx.body = { keys: body['keys'].map((key: unknown) => (isRecord(key) ? withoutAlgAndUse(key) : key)) };
    } else if ((route === 'authorization' || route === 'resume') && ctx.status === 303) {
      addClientIdToCallback(ctx, issuer);
    }
  };
}
