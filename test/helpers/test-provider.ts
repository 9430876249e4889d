/**
 * A small OpenID provider for tests that must control every byte: it answers authorization
 * requests at once (no UI), signs ID tokens with jose, and can be told per test how to misbehave
 * (wrong iss, bad signature, acr too low, slow or huge responses …). The real simulator
 * (the mojeid-simulator package, simulator/) is for the honest flows; this one proves we refuse dishonest ones.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as jose from 'jose';

export interface IssuedAuthorization {
  readonly params: URLSearchParams;
}

export interface Behaviour {
  /** Edit the ID token claims before signing. */
  idTokenClaims?: (claims: Record<string, unknown>, request: URLSearchParams) => Record<string, unknown>;
  /**
   * How to sign: the right key (default), another key not in the JWKS, `none`, or a broken
   * signature; `random-kid`: a key not in the JWKS under a new random kid each time.
   */
  signing?: 'valid' | 'unknown-key' | 'alg-none' | 'bad-signature' | 'no-kid' | 'random-kid';
  /** Edit the authorization response parameters before redirecting. */
  authorizationResponse?: (params: URLSearchParams, request: URLSearchParams) => URLSearchParams;
  /** UserInfo: edit the claims, or answer with a raw response. */
  userinfo?: (claims: Record<string, unknown>) => Record<string, unknown> | { status: number; contentType: string; body: string | Buffer };
  /** Extra claims released by both ID token and UserInfo. */
  claims?: Record<string, unknown>;
  /** Edit the discovery document. */
  discovery?: (doc: Record<string, unknown>) => Record<string, unknown>;
  delayMs?: { token?: number; userinfo?: number; discovery?: number };
  down?: { discovery?: boolean; jwks?: boolean; token?: boolean };
  /** Answer bad client credentials with a WWW-Authenticate challenge, as oidc-provider does. */
  challengeOnBadClient?: boolean;
  /** Extra keys published in the JWKS (key rotation, several keys). */
  extraJwks?: jose.JWK[];
  /**
   * Hold successful token responses until this many are waiting, then send them all: the logins
   * reach the ID token check together (concurrent logins meeting a new key).
   */
  tokenBarrier?: number;
}

export interface TestProvider {
  readonly issuer: string;
  readonly origin: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly counts: Record<string, number>;
  readonly authorizations: IssuedAuthorization[];
  behave(behaviour: Behaviour): void;
  /** A new signing key (key rotation): published in the JWKS and used from now on. */
  rotateKey(): Promise<void>;
  close(): Promise<void>;
}

interface CodeRecord {
  request: URLSearchParams;
  used: boolean;
}

export async function startTestProvider(options: { clientId?: string; clientSecret?: string; sub?: string } = {}): Promise<TestProvider> {
  const clientId = options.clientId ?? 'test-client';
  const clientSecret = options.clientSecret ?? 'test-secret-0123456789';
  const sub = options.sub ?? 'Usr1234567ab';
  let behaviour: Behaviour = {};
  let key = await newKey('key-1');
  const otherKey = await newKey('not-published');
  const retiredKeys: jose.JWK[] = [];
  const codes = new Map<string, CodeRecord>();
  const accessTokens = new Map<string, URLSearchParams>();
  const counts: Record<string, number> = {};
  const authorizations: IssuedAuthorization[] = [];
  const sockets = new Set<Socket>();
  let heldTokens: Array<() => void> = [];

  const server = http.createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${origin}/oidc/`;

  const json = (res: http.ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  };
  const delay = (ms: number | undefined): Promise<void> => (ms ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

  async function readBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const route = url.pathname;
    counts[route] = (counts[route] ?? 0) + 1;
    if (route === '/oidc/.well-known/openid-configuration') {
      await delay(behaviour.delayMs?.discovery);
      if (behaviour.down?.discovery) return void res.writeHead(503).end('down');
      const doc: Record<string, unknown> = {
        issuer,
        authorization_endpoint: `${issuer}authorization/`,
        token_endpoint: `${issuer}token/`,
        userinfo_endpoint: `${issuer}userinfo/`,
        jwks_uri: `${issuer}key.jwk`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256', 'none'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        scopes_supported: ['openid', 'profile', 'email'],
      };
      return json(res, 200, behaviour.discovery ? behaviour.discovery(doc) : doc);
    }
    if (route === '/oidc/key.jwk') {
      if (behaviour.down?.jwks) return void res.writeHead(503).end('down');
      return json(res, 200, { keys: [key.publicJwk, ...retiredKeys, ...(behaviour.extraJwks ?? [])] });
    }
    if (route === '/oidc/authorization/') {
      const code = randomBytes(16).toString('base64url');
      codes.set(code, { request: url.searchParams, used: false });
      authorizations.push({ params: url.searchParams });
      let params = new URLSearchParams({ code, state: url.searchParams.get('state') ?? '', iss: issuer });
      if (behaviour.authorizationResponse) params = behaviour.authorizationResponse(params, url.searchParams);
      const target = new URL(url.searchParams.get('redirect_uri') ?? '');
      target.search = params.toString();
      return void res.writeHead(302, { location: target.href }).end();
    }
    if (route === '/oidc/token/') {
      await delay(behaviour.delayMs?.token);
      if (behaviour.down?.token) return void res.writeHead(503).end('down');
      const form = new URLSearchParams(await readBody(req));
      if (!clientAuthenticated(req, form)) {
        if (behaviour.challengeOnBadClient) {
          return void res.writeHead(401, { 'www-authenticate': 'Basic realm="mojeid", error="invalid_client"', 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
        }
        return json(res, 401, { error: 'invalid_client', error_description: 'Wrong authentication method used' });
      }
      const record = codes.get(form.get('code') ?? '');
      if (!record || record.used) return json(res, 400, { error: 'invalid_grant' });
      record.used = true;
      const challenge = record.request.get('code_challenge');
      if (challenge) {
        const verifier = form.get('code_verifier') ?? '';
        if (createHash('sha256').update(verifier).digest('base64url') !== challenge) return json(res, 400, { error: 'invalid_grant', error_description: 'PKCE' });
      }
      const accessToken = randomBytes(16).toString('base64url');
      accessTokens.set(accessToken, record.request);
      const idToken = await signIdToken(record.request);
      const barrier = behaviour.tokenBarrier;
      if (barrier) {
        await new Promise<void>((release) => {
          heldTokens.push(release);
          if (heldTokens.length < barrier) return;
          for (const held of heldTokens) held();
          heldTokens = [];
        });
      }
      return json(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 600, id_token: idToken });
    }
    if (route === '/oidc/userinfo/') {
      await delay(behaviour.delayMs?.userinfo);
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!accessTokens.has(token)) return json(res, 401, { error: 'invalid_token' });
      const claims = { sub, given_name: 'Jan', family_name: 'Novák', email: 'jan.novak@example.cz', ...behaviour.claims };
      const answer = behaviour.userinfo ? behaviour.userinfo(claims) : claims;
      if ('status' in answer && 'body' in answer && 'contentType' in answer) {
        const raw = answer as { status: number; contentType: string; body: string | Buffer };
        return void res.writeHead(raw.status, { 'content-type': raw.contentType }).end(raw.body);
      }
      return json(res, 200, answer);
    }
    res.writeHead(404).end();
  }

  function clientAuthenticated(req: http.IncomingMessage, form: URLSearchParams): boolean {
    const basic = req.headers.authorization?.match(/^Basic (.+)$/)?.[1];
    if (basic) {
      const [id, secret] = Buffer.from(basic, 'base64').toString().split(':').map((s) => decodeURIComponent(s));
      return id === clientId && secret === clientSecret;
    }
    return form.get('client_id') === clientId && form.get('client_secret') === clientSecret;
  }

  async function signIdToken(request: URLSearchParams): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    let claims: Record<string, unknown> = {
      iss: issuer,
      sub,
      aud: clientId,
      exp: now + 300,
      iat: now,
      auth_time: now - 5,
      ...(request.get('nonce') ? { nonce: request.get('nonce') } : {}),
      ...(request.get('acr_values') ? { acr: request.get('acr_values')?.split(' ')[0] } : {}),
      ...behaviour.claims,
    };
    if (behaviour.idTokenClaims) claims = behaviour.idTokenClaims(claims, request);
    const signing = behaviour.signing ?? 'valid';
    if (signing === 'alg-none') {
      return `${jose.base64url.encode(JSON.stringify({ alg: 'none' }))}.${jose.base64url.encode(JSON.stringify(claims))}.`;
    }
    const signer = signing === 'unknown-key' || signing === 'random-kid' ? otherKey : key;
    const kid = signing === 'random-kid' ? randomBytes(12).toString('base64url') : signer.kid;
    const header = signing === 'no-kid' ? { alg: 'RS256' } : { alg: 'RS256', kid };
    const jwt = await new jose.SignJWT(claims).setProtectedHeader(header).sign(signer.privateKey);
    if (signing === 'bad-signature') {
      const [h, p, s] = jwt.split('.');
      return `${h}.${p}.${(s ?? '').slice(0, -4)}AAAA`;
    }
    return jwt;
  }

  return {
    issuer,
    origin,
    clientId,
    clientSecret,
    counts,
    authorizations,
    behave(next) {
      behaviour = next;
    },
    async rotateKey() {
      retiredKeys.push(key.publicJwk);
      key = await newKey(`key-${retiredKeys.length + 1}`);
      retiredKeys.length = 0; // the old key is withdrawn: a fresh JWKS fetch is needed
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function newKey(kid: string): Promise<{ kid: string; privateKey: jose.CryptoKey; publicJwk: jose.JWK }> {
  const { privateKey, publicKey } = await jose.generateKeyPair('RS256', { extractable: true });
  // mojeID's JWK has neither alg nor use (field notes); keep ours the same.
  const publicJwk = { ...(await jose.exportJWK(publicKey)), kid };
  return { kid, privateKey: privateKey as jose.CryptoKey, publicJwk };
}
