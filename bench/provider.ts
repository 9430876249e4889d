/**
 * A minimal OpenID provider for the CPU-bound scenarios, after test/helpers/test-provider.ts but
 * lean: discovery, JWKS and UserInfo are precomputed strings, an authorization request is answered
 * at once with a code (no UI), and the token endpoint's only real work is one RS256 signature per
 * ID token (it must carry the login's nonce). It counts requests per endpoint.
 *
 * Like mojeID it does not advertise `code_challenge_methods_supported` (libraries still send
 * PKCE and it is checked), it adds `iss` to the authorization response (RFC 9207), and it puts
 * claims in the ID token only when the `claims` request parameter asks for them there (§5.1.6).
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CLIENT_ID, CLIENT_SECRET, USER_CLAIMS } from './common.js';

export interface BenchProvider {
  readonly origin: string;
  readonly issuer: string;
  readonly counts: Record<string, number>;
  resetCounts(): void;
  close(): Promise<void>;
}

/** Endpoint names the counts are kept under. */
export const ENDPOINTS = {
  '/oidc/.well-known/openid-configuration': 'discovery',
  '/oidc/key.jwk': 'jwks',
  '/oidc/authorization/': 'authorization',
  '/oidc/token/': 'token',
  '/oidc/userinfo/': 'userinfo',
} as const;

interface CodeRecord {
  nonce: string | null;
  challenge: string | null;
  idTokenClaims: readonly string[];
}

/** Codes and access tokens not used within this many entries are forgotten (bounded memory). */
const MAX_OUTSTANDING = 20_000;

const b64 = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

export async function startBenchProvider(port = 0): Promise<BenchProvider> {
  const { privateKey: key } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = { ...privateKeyToPublicJwk(key), kid: 'bench-1' };
  const header = b64(JSON.stringify({ alg: 'RS256', kid: 'bench-1', typ: 'JWT' }));
  const codes = new Map<string, CodeRecord>();
  const accessTokens = new Set<string>();
  const counts: Record<string, number> = {};
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket) => {
    counts['connections'] = (counts['connections'] ?? 0) + 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${origin}/oidc/`;

  const discovery = JSON.stringify({
    issuer,
    authorization_endpoint: `${issuer}authorization/`,
    token_endpoint: `${issuer}token/`,
    userinfo_endpoint: `${issuer}userinfo/`,
    jwks_uri: `${issuer}key.jwk`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    scopes_supported: ['openid', 'profile', 'email'],
    claims_parameter_supported: true,
  });
  const jwks = JSON.stringify({ keys: [publicJwk] });
  const userinfo = JSON.stringify(USER_CLAIMS);

  const send = (res: http.ServerResponse, status: number, body: string): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) }).end(body);
  };

  async function readBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  function remember<T>(map: Map<string, T> | Set<string>, keyValue: string, value?: T): void {
    if (map instanceof Map) map.set(keyValue, value as T);
    else map.add(keyValue);
    if (map.size > MAX_OUTSTANDING) map.delete(map.keys().next().value as string);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const name = (ENDPOINTS as Record<string, string>)[url.pathname] ?? 'other';
    counts[name] = (counts[name] ?? 0) + 1;
    switch (name) {
      case 'discovery':
        return send(res, 200, discovery);
      case 'jwks':
        return send(res, 200, jwks);
      case 'authorization': {
        const q = url.searchParams;
        const code = randomBytes(16).toString('base64url');
        remember(codes, code, { nonce: q.get('nonce'), challenge: q.get('code_challenge'), idTokenClaims: requestedIdTokenClaims(q.get('claims')) });
        const target = new URL(q.get('redirect_uri') ?? '');
        const params = new URLSearchParams({ code });
        const state = q.get('state');
        if (state !== null) params.set('state', state);
        params.set('iss', issuer);
        target.search = params.toString();
        res.writeHead(302, { location: target.href, 'content-length': 0 }).end();
        return;
      }
      case 'token': {
        const form = new URLSearchParams(await readBody(req));
        if (!clientAuthenticated(req, form)) return send(res, 401, '{"error":"invalid_client"}');
        const code = form.get('code') ?? '';
        const record = codes.get(code);
        if (!record) return send(res, 400, '{"error":"invalid_grant"}');
        codes.delete(code);
        if (record.challenge && createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url') !== record.challenge) {
          return send(res, 400, '{"error":"invalid_grant","error_description":"PKCE"}');
        }
        const accessToken = randomBytes(16).toString('base64url');
        remember(accessTokens, accessToken);
        const now = Math.floor(Date.now() / 1000);
        const claims: Record<string, unknown> = { iss: issuer, sub: USER_CLAIMS.sub, aud: CLIENT_ID, exp: now + 300, iat: now, auth_time: now - 5 };
        if (record.nonce) claims['nonce'] = record.nonce;
        for (const claim of record.idTokenClaims) {
          const value = (USER_CLAIMS as Record<string, unknown>)[claim];
          if (value !== undefined) claims[claim] = value;
        }
        const input = `${header}.${b64(JSON.stringify(claims))}`;
        const idToken = `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
        return send(res, 200, JSON.stringify({ access_token: accessToken, token_type: 'Bearer', expires_in: 600, id_token: idToken }));
      }
      case 'userinfo': {
        const token = (req.headers.authorization ?? '').replace(/^Bearer /i, '');
        if (!accessTokens.has(token)) return send(res, 401, '{"error":"invalid_token"}');
        return send(res, 200, userinfo);
      }
      default:
        res.writeHead(404, { 'content-length': 0 }).end();
    }
  }

  return {
    origin,
    issuer,
    counts,
    resetCounts() {
      for (const k of Object.keys(counts)) delete counts[k];
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function clientAuthenticated(req: http.IncomingMessage, form: URLSearchParams): boolean {
  const basic = req.headers.authorization?.match(/^Basic (.+)$/)?.[1];
  if (basic) {
    const [id, secret] = Buffer.from(basic, 'base64').toString().split(':').map((s) => decodeURIComponent(s.replace(/\+/g, ' ')));
    return id === CLIENT_ID && secret === CLIENT_SECRET;
  }
  return form.get('client_id') === CLIENT_ID && form.get('client_secret') === CLIENT_SECRET;
}

/** The names under `id_token` in a `claims` request parameter (OIDC Core §5.5). */
function requestedIdTokenClaims(claimsParameter: string | null): string[] {
  if (!claimsParameter) return [];
  try {
    const parsed = JSON.parse(claimsParameter) as { id_token?: Record<string, unknown> };
    return parsed.id_token && typeof parsed.id_token === 'object' ? Object.keys(parsed.id_token) : [];
  } catch {
    return [];
  }
}

function privateKeyToPublicJwk(key: KeyObject): Record<string, unknown> {
  const { kty, n, e } = key.export({ format: 'jwk' });
  return { kty, n, e };
}
