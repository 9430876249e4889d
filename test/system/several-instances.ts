/**
 * Two example-app instances as deployed behind one address: one SESSION_SECRET, one Redis (the
 * shared one at REDIS_URL, under a key prefix of their own), one database, one mojeID (the
 * simulator, with one client registered for the front's callback), and a front that sends each
 * request to the instance the test names (header `x-instance: a|b`; default `a`), as a load
 * balancer would send it to either. Notifications (ch. 6) go straight to instance B's address, as
 * `assertion_uris` may name one instance (§6.2).
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
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
    const headers = { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' };
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
  close(): Promise<void>;
}

export const CLIENT_ID = 'shop';
const CLIENT_SECRET = 'shop-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

/** Starts the simulator, the front, instance A (which creates the database) and instance B. */
export async function startDeployment(extraEnv: Record<string, string> = {}): Promise<Deployment> {
  const keyPrefix = testPrefix();
  const simulator = await startSimulator({ host: '127.0.0.1', port: 0 });
  const front = await startFront();
  const closers: Array<() => Promise<void>> = [() => simulator.close(), () => front.close()];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.reverse()) await close();
  };
  try {
    const env = {
      BASE_URL: front.origin,
      MOJEID_ISSUER: simulator.issuer,
      MOJEID_CLIENT_ID: CLIENT_ID,
      MOJEID_CLIENT_SECRET: CLIENT_SECRET,
      // Account creation over plain HTTP, as mojeID's test instance sends it (§6.2): what is
      // shared between the instances (the nonce in Redis) is the point here, not the certificate.
      MOJEID_NOTIFY_INSECURE_TEST_MODE: 'true',
      REDIS_URL,
      REDIS_KEY_PREFIX: keyPrefix,
      ...extraEnv,
    };
    const a = await startExample(env);
    closers.push(() => a.close());
    const b = await startExample(env, a.databaseFile);
    // Closed in reverse: B before A, which removes the database's directory.
    closers.push(() => b.close());
    front.route({ a: a.origin, b: b.origin });
    simulator.addClient({
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [`${front.origin}/auth/mojeid/callback`],
      client_name: 'Shop',
      assertion_uris: [`${b.origin}/auth/mojeid/notify`],
    });
    return { front, a, b, simulator, keyPrefix, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
