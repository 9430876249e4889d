/**
 * The example app: Express 5, express-session, Passport and `mojeid()`, as an app would use the
 * library. Local accounts live in SQLite; a mojeID identity is linked to a local account by its
 * `sub` (Appendix 7 points 5-7):
 *
 *   first mojeID login (no link)   -> /account/mojeid/first-login: link an existing account
 *                                     (e-mail + password) or create one from the mojeID data
 *   repeated login, data differs   -> /account/mojeid/update: choose per field what to update
 *   profile                        -> the linked identifier, the data mojeID sent, link / unlink,
 *                                     "Create mojeID account" prefilled from the local account
 *                                     (Appendix 7 point 7b), linked when mojeID's notification
 *                                     arrives (ch. 6), and the account status it reports (§6.3)
 *
 * This module assembles the app from its parts (storage, the simulator, Passport, the library's
 * router, the app's routes); `createExampleApp` builds it without listening (tests mount it),
 * `start.ts` listens.
 */
import type https from 'node:https';
import type { ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { mojeid, type AccountCreationOptions, type MojeIdConfig, type MojeIdLogger } from 'passport-mojeid-oidc';
import { mojeIdAppDefaults, type AppConfig } from './config.js';
import { AppDatabase, DEMO_ACCOUNT } from './db.js';
import { registerWithSimulator, startLocalSimulator, type LocalSimulator } from './local-simulator.js';
import { chosenLocale, rememberLanguage } from './locale.js';
import { createPassport, verifyMojeIdLogin } from './mojeid-login.js';
import { closeServer, listenForNotifications, onNotification } from './notifications.js';
import { findUserByOpenId2Id, requestsOpenId2, seedDemoOpenId2Id } from './openid2-migration.js';
import { connectRedis, type AppRedis } from './redis.js';
import { RefreshTokenVault } from './refresh-tokens.js';
import { siteContext } from './routes/context.js';
import { errorPages, notFound, SessionStoreError } from './routes/errors.js';
import { firstLoginGate } from './routes/first-login-gate.js';
import { firstLoginRoutes } from './routes/first-login.js';
import { profileRoutes } from './routes/profile.js';
import { siteRoutes } from './routes/site.js';
import { accountUser } from './session-user.js';

export interface ExampleAppOptions {
  config: AppConfig;
  /** Interface the in-process simulator listens on. Default `127.0.0.1`. */
  simulatorHost?: string;
  /** Create the demo account when the database has no accounts. Default `true`. */
  seedDemoAccount?: boolean;
  /** Where the library logs failed logins and refused requests. Default: `console.warn`. */
  logger?: MojeIdLogger;
}

export interface ExampleApp {
  readonly app: Express;
  /** The mojeID configuration in use (issuer, redirect URI …). */
  readonly mojeid: MojeIdConfig;
  /** The in-process simulator, when no real mojeID client is configured. */
  readonly simulator:
    | (Pick<import('mojeid-simulator').RunningSimulator, 'origin' | 'issuer'> &
        // What a user does in their mojeID profile, for the offline-access tests (docs/offline-access.md).
        Pick<import('mojeid-simulator').RunningSimulator, 'revokeGrants' | 'updateClaims'>)
    | undefined;
  /**
   * Where the simulator sends its registration notifications (ch. 6): with the app on plain http,
   * a separate https listener on 127.0.0.1 that asks for the simulator's client certificate.
   */
  readonly notificationUrl: string | undefined;
  readonly demoAccountCreated: boolean;
  /**
   * For `https.createServer` when HTTPS_CERT_FILE/HTTPS_KEY_FILE are set: the certificate, and a
   * request for a client certificate from the notification CA (optional, so browsers without one
   * are served as usual; the library checks it on the notification route only).
   */
  readonly httpsOptions: ServerOptions | undefined;
  close(): Promise<void>;
}

export async function createExampleApp(options: ExampleAppOptions): Promise<ExampleApp> {
  const { config } = options;
  // The app's own operational lines (Redis lost and back), beside the library's in the same log.
  const logLine = (message: string): void => (options.logger ? options.logger.warn(message, {}) : console.error(message));
  // REDIS_URL first: an unreachable Redis stops the start before anything is created, the
  // database file included.
  const redis: AppRedis | undefined = config.redis ? await connectRedis(config.redis.url, config.redis.keyPrefix, logLine) : undefined;
  let db: AppDatabase;
  try {
    db = new AppDatabase(config.databaseFile);
  } catch (error) {
    await redis?.close();
    throw error;
  }
  let local: LocalSimulator | undefined;
  let notificationServer: https.Server | undefined;
  try {
    const demoAccountCreated = options.seedDemoAccount === false ? false : await db.seedDemoAccount();
    if (config.useSimulator) {
      local = await startLocalSimulator(config, options.simulatorHost ?? '127.0.0.1');
      seedDemoOpenId2Id(db, DEMO_ACCOUNT.email, local.simulator.openId2IdOf('partial'));
    }
    const simulator = local?.simulator;

    const passport = createPassport(db);
    const refreshTokens = new RefreshTokenVault(db, config.env);
    const accountCreation: AccountCreationOptions | undefined = config.accountCreation
      ? {
          // Only a logged-in local account without a link; its data prefill mojeID's form (Appendix 5).
          registrationData: (req) => {
            const user = accountUser(req);
            if (!user || user.link) return undefined;
            const account = user.account;
            return {
              localUser: String(account.id),
              data: { email_default_email: account.email, first_name: account.given_name, last_name: account.family_name, phone_default_number: account.phone },
            };
          },
          onNotification: onNotification(db),
          // The form may be made on one instance and the notification land on another (§6.2).
          ...(redis ? { store: redis.registrationStore } : {}),
        }
      : undefined;

    const router = mojeid({
      ...mojeIdAppDefaults(config.env),
      env: config.env,
      baseUrl: config.baseUrl,
      ...(local?.provider ?? {}),
      // Renewal (§5.1.3) keeps the new secret where every instance reads it. The simulator's client
      // gets a new secret at every start, so there is nothing worth keeping for it.
      ...(redis && !local && config.env['MOJEID_REGISTRATION_ACCESS_TOKEN']?.trim() && config.env['MOJEID_CLIENT_ID']?.trim()
        ? { credentialStore: redis.credentialStore(config.env['MOJEID_CLIENT_ID'].trim()) }
        : {}),
      // §6.2: notifications are verified by their client certificate, here from the simulator's test
      // CA standing in for CZ.NIC's, so the simulator exercises the same check as production. The
      // insecure plain-http mode is left for mojeID's test instance, where no certificate comes.
      ...(simulator ? { notifyCa: simulator.accountCreation.caCertificatePem } : {}),
      ...(accountCreation ? { accountCreation } : {}),
      passport,
      passReqToCallback: true,
      verify: verifyMojeIdLogin(db, refreshTokens),
      // OpenID 2.0 migration (§5.3.2), while MOJEID_SCOPE asks for `openid2`.
      ...(requestsOpenId2(config.env) ? { findUserByOpenId2Id: findUserByOpenId2Id(db, refreshTokens) } : {}),
      // The language chosen with the switch in this app's header, for the library's pages too.
      localeOf: chosenLocale,
      ...(options.logger ? { logger: options.logger } : {}),
    });
    const mojeIdConfig = router.config;
    let notificationUrl: string | undefined;
    if (simulator && router.parts.notify) {
      notificationUrl = `${config.baseUrl}${mojeIdConfig.mountPath}/notify`;
      if (!config.tls) {
        // A plain-http app cannot see a client certificate, so the notification route alone is
        // also served over https, where the connection carries the simulator's (§6.2).
        notificationServer = await listenForNotifications(simulator.accountCreation, mojeIdConfig.mountPath, router.parts.notify);
        notificationUrl = `https://127.0.0.1:${(notificationServer.address() as AddressInfo).port}${mojeIdConfig.mountPath}/notify`;
      }
    }
    if (local) registerWithSimulator(local, mojeIdConfig, notificationUrl);

    const site = siteContext({ db, config, mojeIdConfig, accountCreation: !!accountCreation });
    const app = express();
    app.disable('x-powered-by');
    // Behind a TLS-terminating proxy on the same host (X-Forwarded-Proto), secure cookies still work.
    app.set('trust proxy', 'loopback');
    app.use(rememberLanguage(config.https));
    app.use(
      helmet({
        contentSecurityPolicy: {
          directives: {
            scriptSrc: ["'none'"],
            styleSrc: ["'self'"],
            frameAncestors: ["'none'"],
            // Chromium applies form-action to the redirects after a POST: "Link mojeID" posts here,
            // then goes on to mojeID's login page.
            formAction: ["'self'", new URL(mojeIdConfig.issuer).origin],
            upgradeInsecureRequests: config.https ? [] : null,
          },
        },
        strictTransportSecurity: config.https,
        referrerPolicy: { policy: 'same-origin' },
      }),
    );
    const sessions = session({
      // MemoryStore (the default, without REDIS_URL) is fine for one process, not for production:
      // it forgets every session on restart and never shares them between processes.
      ...(redis ? { store: redis.sessionStore } : {}),
      name: config.https ? '__Host-example.sid' : 'example.sid',
      secret: config.sessionSecret,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: config.https, path: '/', maxAge: 8 * 60 * 60 * 1000 },
    });
    // A session that cannot be read (Redis away) ends this request with a page saying so; nothing
    // after it runs, so nothing is half-written. Sessions saved at the end of a request fail the
    // same way (express-session passes the error on).
    app.use((req: Request, res: Response, next: NextFunction) =>
      sessions(req, res, (error?: unknown) => (error ? next(new SessionStoreError(error)) : next())),
    );
    app.use(passport.initialize());
    app.use(passport.session());
    app.use(firstLoginGate([mojeIdConfig.mountPath || '/auth/mojeid', '/static/', '/account/mojeid/first-login', '/account/mojeid/update', '/me']));
    app.use(router);
    app.use(siteRoutes(site));
    app.use(profileRoutes(site, router, refreshTokens));
    app.use(firstLoginRoutes(site));
    app.use(notFound(site));
    app.use(errorPages(site, router.errorHandler(), logLine));

    return {
      app,
      mojeid: mojeIdConfig,
      simulator: simulator
        ? {
            origin: simulator.origin,
            issuer: simulator.issuer,
            revokeGrants: (sub: string) => simulator.revokeGrants(sub),
            updateClaims: (id: string, changes: Readonly<Record<string, unknown>>) => simulator.updateClaims(id, changes),
          }
        : undefined,
      notificationUrl,
      demoAccountCreated,
      httpsOptions: config.tls
        ? {
            cert: config.tls.cert,
            key: config.tls.key,
            ...(mojeIdConfig.notifyCa.length ? { requestCert: true, rejectUnauthorized: false, ca: mojeIdConfig.notifyCa.map((c) => c.toString()) } : {}),
          }
        : undefined,
      async close() {
        router.strategy.close();
        db.close();
        await closeServer(notificationServer);
        await simulator?.close();
        await redis?.close();
      },
    };
  } catch (error) {
    db.close();
    await closeServer(notificationServer);
    await local?.simulator.close();
    await redis?.close();
    throw error;
  }
}
