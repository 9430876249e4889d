/**
 * Two example-app instances as deployed behind one address: one SESSION_SECRET, one Redis (the
 * shared one at REDIS_URL, under a key prefix of their own), one database, one mojeID (the
 * simulator, with one client registered for the front's callback), and a front that sends each
 * request to the instance the test names (header `x-instance: a|b`; default `a`), as a load
 * balancer would send it to either. Notifications (ch. 6) go straight to instance B's address, as
 * `assertion_uris` may name one instance (§6.2).
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { registerClient } from '../../src/index.js';
import { startSimulator, type RunningSimulator } from 'mojeid-simulator';
import { startExample, type RunningExample } from '../example-app/harness.js';
import { REDIS_URL, testPrefix } from './redis-helpers.js';

export interface Front {
  readonly origin: string;
  /** Which instance served each request, in order, with its method and path. */
  readonly served: string[];
  url(pathname: string): string;
  close(): Promise<void>;
}

/** A front on 127.0.0.1 that forwards to `a` or `b` by the `x-instance` header. */
export async function startFront(): Promise<Front & { route(instances: Record<string, string>): void }> {
  let targets: Record<string, URL> = {};
  const served: string[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const name = String(req.headers['x-instance'] ?? 'a');
    const target = targets[name];
    if (!target) {
      res.writeHead(502).end(`no instance ${name}\n`);
      return;
    }
    served.push(`${name} ${req.method ?? ''} ${(req.url ?? '').split('?')[0] ?? ''}`);
    const headers: http.OutgoingHttpHeaders = { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' };
    delete headers['x-instance'];
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.headersSent || res.writeHead(502).end('upstream failed\n'));
    req.pipe(upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    served,
    url: (pathname) => new URL(pathname, origin).href,
    route(instances) {
      targets = Object.fromEntries(Object.entries(instances).map(([k, v]) => [k, new URL(v)]));
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Deployment {
  readonly front: Front;
  readonly a: RunningExample;
  readonly b: RunningExample;
  readonly simulator: RunningSimulator;
  /** The instances' Redis key prefix (REDIS_KEY_PREFIX). */
  readonly keyPrefix: string;
  readonly clientId: string;
  close(): Promise<void>;
}

const CLIENT_ID = 'shop';
const CLIENT_SECRET = 'shop-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

export interface DeploymentOptions {
  /**
   * A dynamic registration (§5.1.3) whose secret is due for renewal (MOJEID_CLIENT_SECRET_EXPIRES_AT
   * in two minutes, MOJEID_RENEWAL_MARGIN an hour), and both instances started at the same moment,
   * so both find it due together. Without it: a client registered by the simulator, never renewed.
   */
  dueRenewal?: boolean;
}

/** Starts the simulator, the front, a database with the demo account, then instances A and B. */
export async function startDeployment(options: DeploymentOptions = {}): Promise<Deployment> {
  const keyPrefix = testPrefix();
  const simulator = await startSimulator({ host: '127.0.0.1', port: 0 });
  const front = await startFront();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'several-instances-'));
  const databaseFile = path.join(dir, 'app.sqlite');
  const closers: Array<() => Promise<void>> = [() => simulator.close(), () => front.close(), () => fs.rm(dir, { recursive: true, force: true })];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.reverse()) await close();
  };
  try {
    const callback = `${front.origin}/auth/mojeid/callback`;
    let client: Record<string, string> = { MOJEID_CLIENT_ID: CLIENT_ID, MOJEID_CLIENT_SECRET: CLIENT_SECRET };
    if (options.dueRenewal) {
      const registration = await registerClient({ redirect_uris: [callback] }, { issuer: simulator.issuer });
      client = {
        MOJEID_CLIENT_ID: registration.client_id,
        MOJEID_CLIENT_SECRET: registration.client_secret as string,
        MOJEID_REGISTRATION_ACCESS_TOKEN: registration.registration_access_token as string,
        MOJEID_REGISTRATION_CLIENT_URI: registration.registration_client_uri as string,
        MOJEID_CLIENT_SECRET_EXPIRES_AT: String(Math.floor(Date.now() / 1000) + 120),
        MOJEID_RENEWAL_MARGIN: '3600',
      };
    } else {
      simulator.addClient({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [callback], client_name: 'Shop' });
    }
    const base = { BASE_URL: front.origin, MOJEID_ISSUER: simulator.issuer, ...client };
    // The database and its demo account, made once: two instances seeding it together would both
    // find it empty. (Without renewal variables: this one must not renew anything.)
    await (await startExample({ BASE_URL: front.origin, MOJEID_ISSUER: simulator.issuer, MOJEID_CLIENT_ID: client['MOJEID_CLIENT_ID'] as string, MOJEID_CLIENT_SECRET: client['MOJEID_CLIENT_SECRET'] as string }, databaseFile)).close();
    const env = {
      ...base,
      // Account creation over plain HTTP, as mojeID's test instance sends it (§6.2): what is
      // shared between the instances (the nonce in Redis) is the point here, not the certificate.
      MOJEID_NOTIFY_INSECURE_TEST_MODE: 'true',
      REDIS_URL,
      REDIS_KEY_PREFIX: keyPrefix,
    };
    const started = await Promise.allSettled([startExample(env, databaseFile), startExample(env, databaseFile)]);
    for (const instance of started) if (instance.status === 'fulfilled') closers.push(() => instance.value.close());
    const [a, b] = started.map((instance) => {
      if (instance.status === 'rejected') throw instance.reason;
      return instance.value;
    }) as [RunningExample, RunningExample];
    front.route({ a: a.origin, b: b.origin });
    if (!options.dueRenewal) {
      simulator.addClient({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [callback], client_name: 'Shop', assertion_uris: [`${b.origin}/auth/mojeid/notify`] });
    }
    return { front, a, b, simulator, keyPrefix, clientId: client['MOJEID_CLIENT_ID'] as string, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
