/**
 * An app with account creation on a real server: HTTPS that asks for client certificates (as an
 * app terminating TLS itself would be set up), or plain HTTP (behind a proxy, or the test mode),
 * plus a client that POSTs notifications with a chosen certificate from a chosen local address,
 * and a small TLS-terminating proxy that behaves like nginx's `ssl_verify_client optional`.
 */
import { X509Certificate } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import {
  MemoryRegistrationStore,
  csrfToken,
  mojeid,
  type MojeIdError,
  type MojeIdLogger,
  type MojeIdRouterOptions,
  type NotificationDecision,
  type RegistrationNotification,
  type RegistrationStore,
} from '../../src/index.js';

export interface NotifyApp {
  readonly origin: string;
  readonly port: number;
  /** The second, HTTPS-with-client-certificates listener of `notifyListener`. */
  readonly notifyOrigin: string | undefined;
  readonly notifications: RegistrationNotification[];
  readonly errors: MojeIdError[];
  readonly logLines: string[];
  readonly store: RegistrationStore;
  /** What the next notifications are answered with (default: accept). */
  decide: (n: RegistrationNotification) => NotificationDecision | Promise<NotificationDecision>;
  close(): Promise<void>;
}

export interface NotifyAppOptions {
  /** Serve HTTPS with this certificate, asking for client certificates trusted by `clientCa`. */
  tls?: { certPem: string; keyPem: string; clientCa: string[] };
  /**
   * A second listener for the same app, HTTPS asking for client certificates, while browsers use
   * the first (plain) one: the deployment docs/account-creation.md recommends.
   */
  notifyListener?: { certPem: string; keyPem: string; clientCa: string[] };
  store?: RegistrationStore;
  /** Options for `mojeid()` (notifyCa, notifyTrustedProxies …). */
  router?: Partial<MojeIdRouterOptions>;
  /** The local user `registrationData` answers with (header `x-local-user` wins). */
  localUser?: string;
  registrationFields?: Record<string, string>;
}

function track(server: http.Server): () => Promise<void> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return () => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

export async function startNotifyApp(options: NotifyAppOptions = {}): Promise<NotifyApp> {
  const server = options.tls
    ? https.createServer({ cert: options.tls.certPem, key: options.tls.keyPem, ca: options.tls.clientCa, requestCert: true, rejectUnauthorized: false })
    : http.createServer();
  const close = track(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  let notifyServer: https.Server | undefined;
  let closeNotify: (() => Promise<void>) | undefined;
  if (options.notifyListener) {
    notifyServer = https.createServer({ cert: options.notifyListener.certPem, key: options.notifyListener.keyPem, ca: options.notifyListener.clientCa, requestCert: true, rejectUnauthorized: false });
    closeNotify = track(notifyServer);
    await new Promise<void>((resolve) => (notifyServer as https.Server).listen(0, '127.0.0.1', resolve));
  }
  const notifyOrigin = notifyServer ? `https://127.0.0.1:${(notifyServer.address() as AddressInfo).port}` : undefined;
  const closeAll = async (): Promise<void> => {
    await close();
    await closeNotify?.();
  };
  const notifications: RegistrationNotification[] = [];
  const errors: MojeIdError[] = [];
  const logLines: string[] = [];
  const logger: MojeIdLogger = { warn: (message, fields) => void logLines.push(`${message} ${JSON.stringify(fields)}`) };
  const store = options.store ?? new MemoryRegistrationStore();
  const passport = new Passport();
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));

  const app = express();
  app.use(session({ secret: 'test-session-secret', resave: false, saveUninitialized: false, name: 'sid' }));
  app.use(passport.session());
  const result: NotifyApp = {
    origin,
    port,
    notifyOrigin,
    notifications,
    errors,
    logLines,
    store,
    decide: () => true,
    close: closeAll,
  };
  let router: ReturnType<typeof mojeid>;
  try {
    router = mojeid({
      useEnvironment: false,
      issuer: 'http://127.0.0.1:9/oidc/',
      clientId: 'notifyTestClient',
      clientSecret: 'notify-test-secret',
      baseUrl: origin,
      passport,
      logger,
      onError: (error) => void errors.push(error),
      ...options.router,
      accountCreation: {
        store,
        registrationData: (req) => ({
          localUser: req.get('x-local-user') ?? options.localUser ?? 'local-user-1',
          data: options.registrationFields ?? { first_name: 'Jana', last_name: 'Nováková', email_default_email: 'jana@example.cz' },
        }),
        onNotification: async (notification) => {
          notifications.push(notification);
          return result.decide(notification);
        },
        ...options.router?.accountCreation,
      },
    } as MojeIdRouterOptions);
  } catch (error) {
    await closeAll();
    throw error;
  }
  app.use(router);
  app.get('/me', (req, res) => void (req.isAuthenticated() ? res.json({ user: req.user }) : res.status(401).json({ error: 'login_required' })));
  app.get('/csrf', (req, res) => void res.json({ token: csrfToken(req) }));
  server.on('request', app);
  notifyServer?.on('request', app);
  return result;
}

export interface PostOptions {
  cert?: string;
  key?: string;
  /** CA to trust for the server's certificate. */
  ca?: string;
  headers?: Record<string, string>;
  localAddress?: string;
}

export interface Answer {
  readonly status: number;
  readonly body: string;
}

/** POSTs a form (or a raw body) the way mojeID's server would. */
export function postNotification(url: string, body: Record<string, string> | string, options: PostOptions = {}): Promise<Answer> {
  const target = new URL(url);
  const payload = typeof body === 'string' ? body : new URLSearchParams(body).toString();
  const headers = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(payload)), ...options.headers };
  return new Promise((resolve, reject) => {
    const onResponse = (res: http.IncomingMessage): void => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    };
    const request =
      target.protocol === 'https:'
        ? https.request(target, {
            method: 'POST',
            headers,
            agent: false,
            ...(options.ca ? { ca: options.ca } : {}),
            ...(options.cert ? { cert: options.cert, key: options.key } : {}),
            ...(options.localAddress ? { localAddress: options.localAddress } : {}),
          }, onResponse)
        : http.request(target, { method: 'POST', headers, agent: false, ...(options.localAddress ? { localAddress: options.localAddress } : {}) }, onResponse);
    request.on('error', reject);
    request.end(payload);
  });
}

export interface VerifyingProxy {
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * A TLS-terminating reverse proxy like nginx with `ssl_verify_client optional`: it verifies the
 * client certificate against `clientCa`, drops any incoming verification and certificate headers,
 * sets its own (`SUCCESS`, `NONE` or `FAILED:<reason>`, nginx's `$ssl_client_verify` values; the
 * certificate as nginx's `$ssl_client_escaped_cert` or Apache's `%{SSL_CLIENT_CERT}s`, unless
 * `forwardCertificate` is `false`) and forwards to `upstream` from `localAddress`.
 */
export async function startVerifyingProxy(options: {
  certPem: string;
  keyPem: string;
  clientCa: string[];
  upstream: string;
  header?: string;
  certHeader?: string;
  forwardCertificate?: false | 'nginx' | 'apache';
  localAddress: string;
}): Promise<VerifyingProxy> {
  const header = options.header ?? 'x-ssl-client-verify';
  const certHeader = options.certHeader ?? 'x-ssl-client-cert';
  const style = options.forwardCertificate ?? 'nginx';
  const upstream = new URL(options.upstream);
  const server = https.createServer({ cert: options.certPem, key: options.keyPem, ca: options.clientCa, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const socket = req.socket as TLSSocket;
    const cert = socket.getPeerCertificate();
    const verdict = socket.authorized ? 'SUCCESS' : cert && Object.keys(cert).length ? `FAILED:${String(socket.authorizationError)}` : 'NONE';
    const headers = { ...req.headers };
    delete headers[header];
    delete headers[certHeader];
    headers[header] = verdict;
    if (style && cert?.raw) {
      const pem = new X509Certificate(cert.raw).toString();
      // nginx URL-escapes the PEM; Apache's mod_headers turns its line breaks into spaces.
      headers[certHeader] = style === 'nginx' ? encodeURIComponent(pem) : pem.replace(/\n/g, ' ').trim();
    }
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers, localAddress: options.localAddress, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  const close = track(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, close };
}
