/**
 * `startSimulator`: one HTTP server with oidc-provider at `/oidc/` and mojeID's own pages around
 * it (interactions, `/logout/`, discovery at the root path, WebFinger).
 *
 * @module
 */
import { generateKeyPair, type JsonWebKey } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { promisify } from 'node:util';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ClientMetadata } from 'oidc-provider';
import { createAccountCreation } from './account-registration.js';
import { AccountDirectory, TEST_ACCOUNTS, subOf } from './accounts.js';
import { MemoryStore } from './adapter.js';
import { webfingerResponse } from './discovery.js';
import { interactionRouter } from './interactions.js';
import { LOGOUT_PATH, logoutRouter } from './logout.js';
import { INTERACTION_PATH, OIDC_PATH, createProvider, withOwnOpenId2Id } from './provider.js';
import { DEFAULT_DYNAMIC_CLIENT_LIFETIME, assertionUrisOf, assertionUrisProblem } from './registration.js';
import type { RunningSimulator, SimulatorClient, SimulatorOptions } from './types.js';
import { PAGE_HEADERS, errorPage, registrationPage } from './views.js';

/** Discovery also answers at the root, as the manual names it (§5.1, §8.3). */
const ROOT_DISCOVERY: ReadonlySet<string> = new Set(['/.well-known/openid-configuration', '/.well-known/openid-configuration/']);

const AUTH_METHODS: ReadonlySet<string> = new Set(['client_secret_basic', 'client_secret_post']);

async function generateSigningKey(): Promise<JsonWebKey> {
  // One RSA key, like mojeID's JWKS (field notes). node:crypto rather than jose: jose is only a
  // development dependency of this package.
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  return privateKey.export({ format: 'jwk' });
}

function checkClient(client: SimulatorClient): void {
  const problem = (what: string): never => {
    throw new TypeError(`simulator client ${JSON.stringify(client.client_id)}: ${what}`);
  };
  if (typeof client.client_id !== 'string' || client.client_id.length === 0) problem('client_id must be a non-empty string');
  if (typeof client.client_secret !== 'string' || client.client_secret.length === 0) problem('client_secret must be a non-empty string');
  if (!Array.isArray(client.redirect_uris) || client.redirect_uris.length === 0) problem('redirect_uris must list at least one URL');
  for (const uri of client.redirect_uris) {
    let url: URL | undefined;
    try {
      url = new URL(uri);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hash) problem(`redirect URI ${JSON.stringify(uri)} is not an absolute http(s) URL without fragment`);
  }
  if (client.token_endpoint_auth_method !== undefined && !AUTH_METHODS.has(client.token_endpoint_auth_method)) {
    problem('token_endpoint_auth_method must be client_secret_basic or client_secret_post');
  }
  const assertionProblem = assertionUrisProblem(client.assertion_uris);
  if (assertionProblem) problem(assertionProblem);
}

function clientMetadata(client: SimulatorClient): ClientMetadata {
  return {
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: [...client.redirect_uris],
    token_endpoint_auth_method: client.token_endpoint_auth_method ?? 'client_secret_basic',
    ...(client.client_name ? { client_name: client.client_name } : {}),
    ...(client.assertion_uris ? { assertion_uris: [...client.assertion_uris] } : {}),
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    require_auth_time: true,
  };
}

/** The origin clients use: an unspecified listen address is reached through loopback. */
function originFor(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** Start a mojeID simulator; resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const mode = options.mode ?? 'production';
  if (mode !== 'production' && mode !== 'manual') throw new TypeError(`simulator option mode must be 'production' or 'manual', got ${JSON.stringify(mode)}`);
  const accounts = new AccountDirectory(options.accounts ?? TEST_ACCOUNTS);
  for (const client of options.clients ?? []) checkClient(client);
  const dynamicClientLifetime = options.dynamicClientLifetime ?? DEFAULT_DYNAMIC_CLIENT_LIFETIME;
  if (!Number.isInteger(dynamicClientLifetime) || dynamicClientLifetime <= 0) {
    throw new TypeError(`simulator option dynamicClientLifetime must be a whole number of seconds above 0, got ${String(dynamicClientLifetime)}`);
  }
  const store = new MemoryStore();
  const fullAccess = new Map<string, boolean>();
  const signingKey = await generateSigningKey();
  const accountCreation = createAccountCreation({
    accounts,
    isFullAccess: (clientId) => fullAccess.get(clientId) ?? false,
    clientExists: (clientId) => store.get('Client', clientId) !== undefined,
    clientName: (clientId) => {
      const name = store.get('Client', clientId)?.['client_name'];
      return typeof name === 'string' ? name : undefined;
    },
    assertionUris: (clientId) => assertionUrisOf(store, clientId),
    options: options.accountCreation,
  });

  // Listen first: the issuer contains the port, and port 0 means "any free port".
  const server = http.createServer();
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: unknown) => {
    accountCreation.dispose(); // its temporary CA file
    throw error;
  });
  const origin = originFor(host, (server.address() as AddressInfo).port);
  const issuer = `${origin}${OIDC_PATH}/`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    accountCreation.dispose();
    closing ??= new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };

  try {
    const isFullAccess = (clientId: string | undefined): boolean => (clientId ? fullAccess.get(clientId) ?? false : false);
    const provider = await createProvider({ issuer, store, accounts, isFullAccess, signingKey, dynamicClientLifetime, mode });
    for (const client of options.clients ?? []) await provider.Client.validate(clientMetadata(client));

    const addClient = (client: SimulatorClient): void => {
      checkClient(client);
      // Clients registered here are like manual registrations: full access unless told otherwise
      // (ch. 8). Dynamically registered clients are not in this map, so they never have it (§5.1.3).
      fullAccess.set(client.client_id, client.full_access ?? true);
      store.put('Client', client.client_id, clientMetadata(client));
    };
    for (const client of options.clients ?? []) addClient(client);

    const app = express();
    app.disable('x-powered-by');
    app.use((req: Request, _res: Response, next: NextFunction) => {
      if ((req.method === 'GET' || req.method === 'HEAD') && ROOT_DISCOVERY.has(req.path)) {
        // Hand the root path to oidc-provider as if it were the issuer's own discovery path.
        req.url = `${OIDC_PATH}/.well-known/openid-configuration`;
        req.originalUrl = req.url;
      }
      next();
    });
    app.get(`${OIDC_PATH}/.well-known/webfinger`, (req: Request, res: Response) => {
      const answer = webfingerResponse(req.query['resource'], issuer);
      if (!answer) {
        res.status(400).json({ error: 'invalid_request', error_description: 'resource parameter missing' });
        return;
      }
      res.status(200).type('application/jrd+json').set('Access-Control-Allow-Origin', '*').send(JSON.stringify(answer));
    });
    app.use(logoutRouter(provider, accounts));
    // "Create mojeID account" links point at https://mojeid.cz/registration/ (Appendix 7 point 2b).
    app.get('/registration/', (_req: Request, res: Response) => {
      res.status(200).set(PAGE_HEADERS).send(registrationPage(accounts.accounts));
    });
    app.use(accountCreation.router);
    app.use(INTERACTION_PATH, interactionRouter({ provider, accounts, isFullAccess, mode, store }));
    app.use(OIDC_PATH, provider.callback());
    app.use((_req: Request, res: Response) => {
      res.status(404).set(PAGE_HEADERS).send(errorPage('not_found', 'Stránka neexistuje. / Page not found.'));
    });
    app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      console.error('mojeID simulator: request failed', error);
      if (!res.headersSent) res.status(500).set(PAGE_HEADERS).send(errorPage('server_error', undefined));
    });
    server.on('request', app);

    return {
      mode,
      origin,
      issuer,
      logoutUrl: `${origin}${LOGOUT_PATH}`,
      addClient,
      revokeGrants: (subOrAccountId: string): number => {
        const account = accounts.byId(subOrAccountId);
        return store.revokeGrantsOf(account ? subOf(account) : subOrAccountId);
      },
      updateClaims: (accountId: string, changes: Readonly<Record<string, unknown>>): void => accounts.updateClaims(accountId, changes),
      openId2IdOf: (accountId: string): string | undefined => {
        const account = accounts.byId(accountId);
        if (!account) throw new TypeError(`no simulator account has the id "${accountId}"`);
        const value = withOwnOpenId2Id({ ...account.claims }, issuer)['openid2_id'];
        return typeof value === 'string' ? value : undefined;
      },
      accountCreation: accountCreation.api,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
