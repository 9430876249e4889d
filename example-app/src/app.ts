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
 * `createExampleApp` builds the app without listening (tests mount it); `start.ts` listens.
 */
import { randomBytes } from 'node:crypto';
import https, { type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { Passport } from 'passport';
import {
  csrfProtection,
  csrfToken,
  isMojeIdError,
  mojeid,
  mojeIdLoginOf,
  openSealedToken,
  refreshMojeIdClaims,
  sealToken,
  tokenKeyFromEnvironment,
  requireMojeIdLogin,
  safeReturnTo,
  takeMojeIdPrefill,
  type AccountCreationOptions,
  type Locale,
  type MojeIdConfig,
  type MojeIdLogger,
  type NotificationDecision,
  type RegistrationNotification,
  type VerifyFunctionWithRequest,
} from 'passport-mojeid-oidc';
import { mojeIdAppDefaults, type AppConfig } from './config.js';
import { AppDatabase, ConflictError, type LocalUser, type ProfileField } from './db.js';
import { verifyPassword, hashPassword } from './passwords.js';
import { connectRedis, type AppRedis } from './redis.js';
import {
  accountUser,
  appUser,
  claimText,
  differences,
  displayNameOf,
  parseStoredUser,
  pendingUser,
  rewriteStoredUser,
  snapshotOf,
  toStored,
  type AccountUser,
  type AppUser,
  type Notice,
  type StoredAccountUser,
  type StoredUser,
} from './session-user.js';
import {
  APP_STYLESHEET,
  firstLoginPage,
  homePage,
  loginPage,
  messagePage,
  paymentPage,
  profilePage,
  refreshedPage,
  updatePage,
  type MojeIdPaths,
  type PageContext,
} from './views.js';
import { checkoutPage, checkoutValues } from './checkout.js';

declare module 'express-session' {
  interface SessionData {
    /** Set by "Link mojeID" on the profile page; read (once) by the verify callback. */
    linkMojeIdFor?: { userId: number; createdAt: number };
    /** A message for the next page. */
    notice?: Notice;
  }
}

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

/** How long a "Link mojeID" click stays valid while the user is at mojeID. */
const LINK_INTENT_TTL_MS = 15 * 60 * 1000;

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
  let simulator: Awaited<ReturnType<typeof import('mojeid-simulator').startSimulator>> | undefined;
  let notificationServer: https.Server | undefined;
  try {
    const demoAccountCreated = options.seedDemoAccount === false ? false : await db.seedDemoAccount();

    // No MOJEID_CLIENT_ID / MOJEID_ISSUER / MOJEID_ENV: the local simulator plays mojeID. It is
    // imported only then, so a deployment against the real mojeID does not need oidc-provider.
    let provider: { issuer: string; clientId: string; clientSecret: string } | undefined;
    if (config.useSimulator) {
      const { startSimulator } = await import('mojeid-simulator');
      simulator = await startSimulator({
        host: options.simulatorHost ?? '127.0.0.1',
        port: config.simulatorPort,
        // Accounts created from the profile get their status changes after SIMULATOR_STATUS_DELAY
        // (§6.3); over HTTPS the simulator trusts this app's certificate (self-signed in development).
        accountCreation: {
          statusDelay: config.simulatorStatusDelay * 1000,
          statusChanges: ['CONDITIONALLY_IDENTIFIED', 'VALIDATED'],
          ...(config.tls ? { serverCa: config.tls.cert } : {}),
        },
      });
      provider = { issuer: simulator.issuer, clientId: 'example-app', clientSecret: randomBytes(24).toString('base64url') };
    }

    const passport = new Passport();
    passport.serializeUser((user, done) => done(null, toStored(user as StoredUser | AppUser)));
    passport.deserializeUser((stored: unknown, done) => {
      const user = parseStoredUser(stored);
      if (!user) return done(null, false);
      if (user.kind === 'mojeid-pending') {
        return done(null, { ...user, displayName: displayNameOf(user.mojeid.claims) });
      }
      const account = db.findUserById(user.userId);
      if (!account) return done(null, false); // deleted meanwhile: logged out
      return done(null, { ...user, account, link: db.findLinkByUser(account.id), displayName: displayNameOf(account) });
    });

    /**
     * Passport's verify: decides between linking (the profile's "Link mojeID"), a repeated login
     * (the `sub` is linked) and a first login (not linked: kept in the session until the user
     * chooses). The library logs in whatever this returns, regenerating the session.
     */
    // Offline access (docs/offline-access.md): with MOJEID_OFFLINE_ACCESS=true logins bring a refresh
    // token, kept sealed per account. Without MOJEID_TOKEN_KEY the key lives as long as this process,
    // and so do the tokens sealed with it: enough for a demo, not for a real service.
    const tokenKey = config.env['MOJEID_TOKEN_KEY']?.trim() ? tokenKeyFromEnvironment(config.env) : randomBytes(32);
    const sealFor = (userId: number): { context: string } => ({ context: String(userId) });
    const keepRefreshToken = (userId: number, refreshToken: string | undefined): void => {
      if (refreshToken) db.saveRefreshToken(userId, sealToken(refreshToken, tokenKey, sealFor(userId)));
    };

    const verify: VerifyFunctionWithRequest = (req, profile, done) => {
      const snapshot = snapshotOf(profile);
      const link = db.findLinkBySub(snapshot.sub);
      const intent = req.session.linkMojeIdFor;
      delete req.session.linkMojeIdFor;
      const current = accountUser(req);
      if (intent && current && intent.userId === current.userId && Date.now() - intent.createdAt < LINK_INTENT_TTL_MS) {
        // Appendix 7 point 7c: link the logged-in account with the mojeID just used.
        if (link && link.user_id !== current.userId) return done(null, { ...toStored(current), notice: 'sub_linked_elsewhere' });
        if (!link) {
          try {
            db.link(current.userId, snapshot.sub);
          } catch (error) {
            if (error instanceof ConflictError) return done(null, { ...toStored(current), notice: 'already_linked' });
            throw error;
          }
        }
        keepRefreshToken(current.userId, profile.tokens.refreshToken);
        const linked: StoredAccountUser = { kind: 'account', userId: current.userId, method: 'mojeid', mojeid: snapshot, reviewUpdates: true, notice: 'linked' };
        return done(null, linked);
      }
      if (link) {
        // Repeated login: Appendix 7 point 5, offer updates if the data differs (see the gate below).
        keepRefreshToken(link.user_id, profile.tokens.refreshToken);
        const user: StoredAccountUser = { kind: 'account', userId: link.user_id, method: 'mojeid', mojeid: snapshot, reviewUpdates: true };
        return done(null, user);
      }
      // First login: Appendix 7 point 6, the user chooses on /account/mojeid/first-login.
      return done(null, { kind: 'mojeid-pending', mojeid: snapshot } satisfies StoredUser);
    };

    /**
     * mojeID's notification about an account created from the profile (ch. 6): REGISTERED links
     * the local user the account was created for; a status change (§6.3) is recorded for a linked
     * identity. Both are idempotent: a repeat writes the same rows.
     */
    const onNotification = (notification: RegistrationNotification): NotificationDecision => {
      if (notification.status === 'REGISTERED') {
        const userId = Number(notification.localUser);
        if (!Number.isInteger(userId) || !db.findUserById(userId)) return { accept: false, reason: 'unknown local account' };
        try {
          db.link(userId, notification.sub);
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
          return { accept: false, reason: error.conflict === 'user_linked' ? 'the local account is already linked' : 'this mojeID account is already linked' };
        }
        db.setMojeIdStatus(notification.sub, notification.status);
        return true;
      }
      if (!db.findLinkBySub(notification.sub)) return { accept: false, reason: 'not linked here' };
      db.setMojeIdStatus(notification.sub, notification.status);
      return true;
    };
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
          onNotification,
          // The form may be made on one instance and the notification land on another (§6.2).
          ...(redis ? { store: redis.registrationStore } : {}),
        }
      : undefined;
    // §6.2: notifications are verified by their client certificate, here from the simulator's test
    // CA standing in for CZ.NIC's, so the simulator exercises the same check as production. The
    // insecure plain-http mode is left for mojeID's test instance, where no certificate comes.
    const simulatorNotify = simulator ? { notifyCa: simulator.accountCreation.caCertificatePem } : {};

    const router = mojeid({
      ...mojeIdAppDefaults(config.env),
      env: config.env,
      baseUrl: config.baseUrl,
      ...(provider ?? {}),
      // Renewal (§5.1.3) keeps the new secret where every instance reads it. The simulator's client
      // gets a new secret at every start, so there is nothing worth keeping for it.
      ...(redis && !provider && config.env['MOJEID_REGISTRATION_ACCESS_TOKEN']?.trim() && config.env['MOJEID_CLIENT_ID']?.trim()
        ? { credentialStore: redis.credentialStore(config.env['MOJEID_CLIENT_ID'].trim()) }
        : {}),
      ...simulatorNotify,
      ...(accountCreation ? { accountCreation } : {}),
      passport,
      passReqToCallback: true,
      verify,
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
    if (simulator && provider) {
      simulator.addClient({
        client_id: provider.clientId,
        client_secret: provider.clientSecret,
        redirect_uris: [mojeIdConfig.redirectUri],
        token_endpoint_auth_method: mojeIdConfig.tokenEndpointAuthMethod,
        client_name: 'Ukázková aplikace / Example app',
        // §6.2: where mojeID sends the registration notifications.
        ...(notificationUrl ? { assertion_uris: [notificationUrl] } : {}),
      });
    }
    const paths: MojeIdPaths = {
      loginPage: mojeIdConfig.mountPath || '/',
      login: `${mojeIdConfig.mountPath}/login`,
      logout: `${mojeIdConfig.mountPath}/logout`,
      stylesheet: `${mojeIdConfig.mountPath}/assets/mojeid.css`,
      register: `${mojeIdConfig.mountPath}/register`,
    };

    const app = express();
    app.disable('x-powered-by');
    // Behind a TLS-terminating proxy on the same host (X-Forwarded-Proto), secure cookies still work.
    app.set('trust proxy', 'loopback');
    // The header's language switch (`?lang=`) is remembered in a cookie rather than the session:
    // logging in regenerates the session, and the choice must outlive that.
    app.use((req: Request, res: Response, next: NextFunction) => {
      const lang = req.query['lang'];
      if ((lang === 'cs' || lang === 'en') && cookieLocale(req) !== lang) {
        res.cookie(LANG_COOKIE, lang, { httpOnly: true, sameSite: 'lax', secure: config.https, path: '/', maxAge: 365 * 24 * 3600 * 1000 });
      }
      next();
    });
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

    const exempt = [mojeIdConfig.mountPath || '/auth/mojeid', '/static/', '/account/mojeid/first-login', '/account/mojeid/update', '/me'];
    // The gate: a pending first login, or a repeated login whose data differs, is decided before
    // anything else is shown (Appendix 7 points 5 and 6).
    app.use((req: Request, res: Response, next: NextFunction) => {
      const user = appUser(req);
      if (!user) return next();
      if (user.kind === 'account' && user.notice) {
        req.session.notice = user.notice;
        rewriteStoredUser(req, ({ notice: _shown, ...rest }) => rest);
      }
      if (req.method !== 'GET' || exempt.some((prefix) => req.path === prefix || req.path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`))) {
        return next();
      }
      if (user.kind === 'mojeid-pending') return res.redirect(303, '/account/mojeid/first-login');
      if (user.reviewUpdates && user.mojeid) {
        if (differences(user.account, user.mojeid).length) return res.redirect(303, '/account/mojeid/update');
        rewriteStoredUser(req, (u) => ({ ...u, reviewUpdates: false }));
      }
      next();
    });

    app.use(router);
    const mojeIdErrors = router.errorHandler();

    const pageContext = (req: Request): PageContext => {
      const notice = req.session.notice;
      delete req.session.notice;
      return {
        locale: localeOf(req),
        csrf: csrfToken(req),
        user: appUser(req),
        paths,
        createAccountUrl: mojeIdConfig.endpoints.createAccountUrl,
        notice,
        showDemoHint: !config.production,
        accountCreation: !!accountCreation,
      };
    };
    const send = (res: Response, page: string, status = 200): void => {
      res.status(status).set('Cache-Control', 'no-store').type('html').send(page);
    };
    const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });
    // Every POST form carries the session's token (`csrfToken(req)`, the same one the library's
    // logout form uses); the library's `csrfProtection` checks it, the Origin and Sec-Fetch-Site,
    // and passes a `csrf_failed` MojeIdError (403) to the error handler below.
    const csrf = csrfProtection({ origin: config.baseUrl });
    const logIn = (req: Request, user: StoredUser): Promise<void> =>
      new Promise((resolve, reject) => req.logIn(user, (error?: unknown) => (error ? reject(error) : resolve())));

    app.get('/static/app.css', (_req, res) => {
      res.set('Cache-Control', 'public, max-age=3600').type('text/css').send(APP_STYLESHEET);
    });

    // No icon; answered so browsers do not log a 404 on every page.
    app.get('/favicon.ico', (_req, res) => void res.set('Cache-Control', 'public, max-age=86400').status(204).end());

    app.get('/', (req, res) => send(res, homePage(pageContext(req))));

    app.get('/login', (req, res) => {
      if (accountUser(req)) return res.redirect(303, '/profile');
      send(res, loginPage(pageContext(req), { returnTo: returnToOf(req.query['returnTo']) }));
    });

    app.post('/login', form, csrf, async (req, res) => {
      const email = bodyText(req, 'email');
      const returnTo = returnToOf(bodyText(req, 'returnTo'));
      const user = email ? db.findUserByEmail(email) : undefined;
      if (!(await verifyPassword(bodyText(req, 'password'), user?.password_hash))) {
        return send(res, loginPage(pageContext(req), { returnTo, email, failed: true }), 401);
      }
      await logIn(req, { kind: 'account', userId: (user as LocalUser).id, method: 'password' });
      res.redirect(303, returnTo);
    });

    // Step-up on one page (docs/assurance.md): eIDAS substantial or better, authenticated at mojeID
    // within the last 5 minutes; a login that falls short goes back to mojeID with those demands.
    app.get('/payment', requireMojeIdLogin({ assurance: 'substantial', maxAge: 300 }), (req, res) => {
      if (!accountUser(req)) return res.redirect(303, '/profile');
      send(res, paymentPage(pageContext(req), mojeIdLoginOf(req)));
    });

    app.get('/profile', (req, res) => {
      const user = accountUser(req);
      if (!user) return res.redirect(303, '/login?returnTo=%2Fprofile');
      send(res, profilePage(pageContext(req), user, user.link ? db.findMojeIdStatus(user.link.sub) : undefined, { refreshTokenStored: !!user.link && !!db.findRefreshToken(user.userId) }));
    });

    // "Refresh my data from mojeID": UserInfo as it is now, through the stored refresh token.
    app.post('/account/mojeid/refresh', form, csrf, async (req, res) => {
      const user = accountUser(req);
      if (!user) return res.redirect(303, '/login?returnTo=%2Fprofile');
      const sealed = user.link ? db.findRefreshToken(user.userId) : undefined;
      if (!user.link || !sealed) return res.redirect(303, '/profile');
      try {
        const fresh = await refreshMojeIdClaims(router, { refreshToken: openSealedToken(sealed, tokenKey, sealFor(user.userId)), sub: user.link.sub });
        // Stored first: when mojeID rotates the token, the one just used is dead.
        if (fresh.rotated) db.saveRefreshToken(user.userId, sealToken(fresh.refreshToken, tokenKey, sealFor(user.userId)));
        send(res, refreshedPage(pageContext(req), fresh.claims));
      } catch (error) {
        // Withdrawn in the mojeID profile, expired, or sealed under a key this process no longer has.
        if (!isMojeIdError(error) || (error.code !== 'refresh_token_invalid' && error.code !== 'sealed_token_invalid')) throw error;
        db.forgetRefreshToken(user.userId);
        send(res, messagePage(pageContext(req), 'Přístup k údajům skončil / Access has ended', 'Služba už nemá přístup k vašim údajům v mojeID. Přihlaste se znovu přes mojeID. / This service no longer has access to your mojeID data. Log in with mojeID again.'), 409);
      }
    });

    // Appendix 7 point 7c: link the logged-in account: remember the intent, then log in at mojeID.
    app.post('/account/mojeid/link', form, csrf, (req, res) => {
      const user = accountUser(req);
      if (!user) return res.redirect(303, '/login?returnTo=%2Fprofile');
      if (user.link) return res.redirect(303, '/profile');
      req.session.linkMojeIdFor = { userId: user.userId, createdAt: Date.now() };
      res.redirect(303, `${paths.login}?returnTo=${encodeURIComponent('/profile')}`);
    });

    // Appendix 7 point 7d: unlink. An account created through mojeID has no password yet: it gets
    // one here, or it could never be logged in to again.
    app.post('/account/mojeid/unlink', form, csrf, async (req, res) => {
      const user = accountUser(req);
      if (!user) return res.redirect(303, '/login?returnTo=%2Fprofile');
      if (!user.account.password_hash) {
        const newPassword = bodyText(req, 'newPassword');
        if (newPassword.length < 8) {
          return send(res, messagePage(pageContext(req), 'Heslo je příliš krátké / Password too short', 'Zvolte heslo o alespoň 8 znacích. / Choose a password of at least 8 characters.'), 400);
        }
        db.setPasswordHash(user.userId, await hashPassword(newPassword));
      }
      db.unlink(user.userId);
      // This app's offline access ends with the link; the consent at mojeID is withdrawn in the
      // user's mojeID profile (production has no revocation endpoint, docs/offline-access.md).
      db.forgetRefreshToken(user.userId);
      req.session.notice = 'unlinked';
      res.redirect(303, '/profile');
    });

    app.get('/account/mojeid/first-login', (req, res) => {
      const user = pendingUser(req);
      if (!user) return res.redirect(303, accountUser(req) ? '/profile' : '/');
      const email = claimText(user.mojeid, 'email');
      send(res, firstLoginPage(pageContext(req), user, { emailTaken: !!email && !!db.findUserByEmail(email) }));
    });

    // Appendix 7 point 6a: link the mojeID identity to an existing account, proven by its password.
    app.post('/account/mojeid/link-existing', form, csrf, async (req, res) => {
      const user = pendingUser(req);
      if (!user) return res.redirect(303, '/');
      const email = bodyText(req, 'email');
      const account = email ? db.findUserByEmail(email) : undefined;
      const mojeIdEmail = claimText(user.mojeid, 'email');
      const emailTaken = !!mojeIdEmail && !!db.findUserByEmail(mojeIdEmail);
      if (!(await verifyPassword(bodyText(req, 'password'), account?.password_hash)) || !account) {
        return send(res, firstLoginPage(pageContext(req), user, { failed: true, email, emailTaken }), 401);
      }
      try {
        db.link(account.id, user.mojeid.sub);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        const text =
          error.conflict === 'user_linked'
            ? 'Tento místní účet je už propojen s jiným účtem mojeID. / This local account is already linked to another mojeID account.'
            : 'Tento účet mojeID je už propojen s jiným místním účtem. / This mojeID account is already linked to another local account.';
        return send(res, messagePage(pageContext(req), 'Propojení nelze provést / Cannot link', text), 409);
      }
      await logIn(req, { kind: 'account', userId: account.id, method: 'mojeid', mojeid: user.mojeid, reviewUpdates: true, notice: 'linked' });
      res.redirect(303, '/profile');
    });

    // Appendix 7 point 6b: a new account from the mojeID data, linked.
    app.post('/account/mojeid/create', form, csrf, async (req, res) => {
      const user = pendingUser(req);
      if (!user) return res.redirect(303, '/');
      const m = user.mojeid;
      const email = claimText(m, 'email');
      if (!email) return res.redirect(303, '/account/mojeid/first-login');
      let created: LocalUser;
      try {
        created = db.createLinkedUser(
          { email, given_name: claimText(m, 'given_name') ?? null, family_name: claimText(m, 'family_name') ?? null, phone: claimText(m, 'phone_number') ?? null },
          m.sub,
        );
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        if (error.conflict === 'email_taken') return send(res, firstLoginPage(pageContext(req), user, { emailTaken: true }), 409);
        return send(res, messagePage(pageContext(req), 'Účet už existuje / Account exists', 'Tento účet mojeID je už propojen; přihlaste se znovu. / This mojeID account is already linked; log in again.'), 409);
      }
      await logIn(req, { kind: 'account', userId: created.id, method: 'mojeid', mojeid: m, notice: 'created' });
      res.redirect(303, '/profile');
    });

    app.post('/account/mojeid/cancel', form, csrf, (req, res, next) => {
      if (!pendingUser(req)) return res.redirect(303, '/');
      req.logout((error?: unknown) => (error ? next(error) : res.redirect(303, '/')));
    });

    // Appendix 7 point 5: per field, keep the local value or take mojeID's.
    const updateState = (user: AccountUser) => {
      const diffs = user.mojeid ? differences(user.account, user.mojeid) : [];
      const blocked = new Set<string>();
      for (const d of diffs) {
        if (d.field !== 'email') continue;
        const owner = db.findUserByEmail(d.mojeid);
        if (owner && owner.id !== user.userId) blocked.add('email');
      }
      return { diffs, blocked };
    };

    app.get('/account/mojeid/update', (req, res) => {
      const user = accountUser(req);
      if (!user) return res.redirect(303, '/');
      const { diffs, blocked } = updateState(user);
      if (!diffs.length) {
        rewriteStoredUser(req, (u) => ({ ...u, reviewUpdates: false }));
        return res.redirect(303, '/profile');
      }
      send(res, updatePage(pageContext(req), diffs, blocked));
    });

    app.post('/account/mojeid/update', form, csrf, (req, res) => {
      const user = accountUser(req);
      if (!user) return res.redirect(303, '/');
      const { diffs, blocked } = updateState(user);
      const changes: Partial<Record<ProfileField, string>> = {};
      for (const d of diffs) if (bodyText(req, `update_${d.field}`) === '1' && !blocked.has(d.field)) changes[d.field] = d.mojeid;
      try {
        db.updateUser(user.userId, changes);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        const { email: _taken, ...rest } = changes;
        db.updateUser(user.userId, rest);
      }
      rewriteStoredUser(req, (u) => ({ ...u, reviewUpdates: false }));
      req.session.notice = 'updated';
      res.redirect(303, '/profile');
    });

    // Guest checkout (docs/prefill.md): mojeID fills the form once, nobody is logged in.
    app.get('/checkout', (req, res) => {
      const prefill = takeMojeIdPrefill(req);
      send(res, checkoutPage(pageContext(req), checkoutValues(prefill), `${mojeIdConfig.mountPath}/prefill?returnTo=%2Fcheckout`, !!prefill));
    });

    app.get('/me', (req, res) => {
      res.set('Cache-Control', 'no-store');
      const user = accountUser(req);
      if (!user) return res.status(401).json({ error: 'login_required' });
      const { password_hash, ...account } = user.account;
      res.json({
        user: { ...account, has_password: password_hash !== null },
        mojeid: user.link ? { sub: user.link.sub, linked_at: user.link.linked_at } : null,
        login_method: user.method,
      });
    });

    app.use((req: Request, res: Response) => {
      if (req.accepts(['html', 'json']) === 'json') return void res.status(404).json({ error: 'not_found' });
      send(res, messagePage(pageContext(req), 'Stránka nenalezena / Not found', 'Tato stránka neexistuje. / This page does not exist.'), 404);
    });
    app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
      if (error instanceof SessionStoreError) {
        logLine(`[example-app] session store failed on ${req.method} ${req.path}: ${error.message}`);
        if (res.headersSent) return;
        res.set('Retry-After', '5');
        // A login coming back while Redis is away fails on the library's own error page, like
        // every other failed login; the app's pages get the app's.
        if (req.path === paths.loginPage || req.path.startsWith(`${paths.loginPage}/`)) return mojeIdErrors(error, req, res, _next);
        if (req.accepts(['html', 'json']) === 'json') return void res.status(503).set('Cache-Control', 'no-store').json({ error: 'session_store_unavailable' });
        // No session: the page is built without one (no user, no CSRF token).
        const ctx: PageContext = { locale: localeOf(req), csrf: '', user: undefined, paths, createAccountUrl: mojeIdConfig.endpoints.createAccountUrl, showDemoHint: false };
        return send(res, messagePage(ctx, 'Dočasná porucha / Temporarily unavailable', 'Přihlášení teď nelze dokončit; zkuste to prosím za chvíli znovu. / Logging in cannot be completed right now; please try again in a moment.'), 503);
      }
      if (isMojeIdError(error) && error.code === 'csrf_failed') {
        if (res.headersSent) return;
        return send(res, messagePage(pageContext(req), 'Formulář vypršel / Form expired', 'Načtěte stránku znovu a zkuste to ještě jednou. / Reload the page and try again.'), 403);
      }
      const status = (error as { status?: unknown } | null)?.status;
      const clientError = typeof status === 'number' && status >= 400 && status < 500;
      if (!clientError) console.error('[example-app] unexpected error', error);
      if (res.headersSent) return;
      const ctx: PageContext = { ...pageContextSafe(req), paths, createAccountUrl: mojeIdConfig.endpoints.createAccountUrl, showDemoHint: false };
      send(
        res,
        messagePage(ctx, clientError ? 'Chybný požadavek / Bad request' : 'Něco se pokazilo / Something went wrong', 'Zkuste to prosím znovu. / Please try again.'),
        clientError ? (status as number) : 500,
      );
    });

    const activeSimulator = simulator;
    return {
      app,
      mojeid: mojeIdConfig,
      simulator: activeSimulator
        ? {
            origin: activeSimulator.origin,
            issuer: activeSimulator.issuer,
            revokeGrants: (sub: string) => activeSimulator.revokeGrants(sub),
            updateClaims: (id: string, changes: Readonly<Record<string, unknown>>) => activeSimulator.updateClaims(id, changes),
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
        await activeSimulator?.close();
        await redis?.close();
      },
    };
  } catch (error) {
    db.close();
    await closeServer(notificationServer);
    await simulator?.close();
    await redis?.close();
    throw error;
  }
}

/**
 * An https listener on 127.0.0.1 (any free port) for the notification route alone: its
 * certificate comes from the simulator's test CA, which the simulator trusts, and it asks for a
 * client certificate from the same CA. Optional at the TLS level, so a missing or wrong one reaches
 * the library, which refuses it with its own log line.
 */
async function listenForNotifications(
  simulatorCa: { readonly caCertificatePem: string; issueServerCertificate(hosts: readonly string[]): { certPem: string; keyPem: string } },
  mountPath: string,
  notify: Router,
): Promise<https.Server> {
  const { certPem, keyPem } = simulatorCa.issueServerCertificate(['127.0.0.1']);
  const app = express();
  app.disable('x-powered-by');
  app.use(mountPath || '/', notify);
  app.use((_req: Request, res: Response) => void res.status(404).type('text').send('not found\n'));
  const server = https.createServer({ cert: certPem, key: keyPem, ca: simulatorCa.caCertificatePem, requestCert: true, rejectUnauthorized: false }, app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

function closeServer(server: https.Server | undefined): Promise<void> {
  if (!server?.listening) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The session store (Redis) failed while reading or saving the request's session. */
class SessionStoreError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message || cause.name : String(cause), { cause });
    this.name = 'SessionStoreError';
  }
}

/** For the error handler: never throws, even without a session. */
function pageContextSafe(req: Request): Pick<PageContext, 'locale' | 'csrf' | 'user'> {
  let csrf = '';
  try {
    csrf = csrfToken(req);
  } catch {
    // no session: forms on this page will not validate, which is fine for an error page
  }
  return { locale: localeOf(req), csrf, user: typeof req.isAuthenticated === 'function' ? appUser(req) : undefined };
}

const LANG_COOKIE = 'lang';

function cookieLocale(req: Request): Locale | undefined {
  const match = /(?:^|;\s*)lang=(cs|en)(?:;|$)/.exec(req.get('cookie') ?? '');
  return match?.[1] === 'cs' || match?.[1] === 'en' ? match[1] : undefined;
}

/** What the user chose with the language switch (`?lang=`, then its cookie), if anything. */
function chosenLocale(req: Request): Locale | undefined {
  const lang = req.query['lang'];
  if (lang === 'cs' || lang === 'en') return lang;
  return cookieLocale(req);
}

/** The user's choice, else the browser's preference; Czech by default. */
function localeOf(req: Request): Locale {
  return chosenLocale(req) ?? (req.acceptsLanguages('cs', 'en') === 'en' ? 'en' : 'cs');
}

function bodyText(req: Request, name: string): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** Where to go after logging in: the profile unless a `returnTo` came, and then only a same-origin path. */
function returnToOf(value: unknown): string {
  return value === undefined || value === '' ? '/profile' : safeReturnTo(value);
}
