/**
 * `mojeid()`: one call that mounts every part under `mountPath` (default `/auth/mojeid`):
 *
 *   GET  /auth/mojeid            login page (button, "Why mojeID", "Create mojeID account")
 *   GET  /auth/mojeid/login      start the login
 *   GET  /auth/mojeid/callback   finish it
 *   GET  /auth/mojeid/prefill    fill a form from mojeID, nobody logged in (docs/prefill.md)
 *   POST /auth/mojeid/logout     log out (CSRF-protected), then offer mojeID's logout page
 *
 * and with `accountCreation` (ch. 6):
 *
 *   POST /auth/mojeid/register   create a mojeID account prefilled with local data (CSRF-protected)
 *   POST /auth/mojeid/notify     mojeID's registration notifications (mutual TLS, §6.2, §6.3)
 *
 * Each part is also on the returned router as its own Router (`router.parts.callback` …) for apps
 * that mount them one by one. The app mounts express-session and `passport.session()` first.
 */
import { Router, type ErrorRequestHandler, type NextFunction, type Request, type Response } from 'express';
import defaultPassport from 'passport';
import type { MojeIdConfig } from '../config.js';
import { MojeIdStrategy, type MojeIdStrategyOptions, type VerifyFunction, type VerifyFunctionWithRequest } from '../strategy.js';
import { toMojeIdError } from '../error-mapping.js';
import { ConfigurationError, MojeIdError } from '../errors.js';
import { letSessionStrategyReportMissingSession } from '../passport-wiring.js';
import { watchSessionStore } from '../pending-logins.js';
import { MemoryRegistrationStore } from '../registration/store.js';
import type { AccountCreationOptions } from './account-creation.js';
import { assetsRouter } from './assets.js';
import { callbackRouter } from './callback.js';
import { consoleLogger, pathsFor, type MojeIdHooks, type MojeIdLogger, type PassportInstance, type RouteContext } from './context.js';
import { loginRouter } from './login.js';
import { boundLoginButton, loginPageRouter, type MojeIdRouterLoginButtonOptions } from './login-page.js';
import { logoutRouter } from './logout.js';
import { notifyRouter } from './notify.js';
import { prefillRouter } from './prefill.js';
import { dropExpiredPrefill } from '../prefill.js';
import { registerRouter } from './register.js';
import { defaultVerify } from './default-user.js';
import { sendError } from './error-response.js';
import { isUnderPath } from './path-match.js';
import { pageSecurityHeaders } from './security-headers.js';
import { attachRouterInfo, type RouterInfo } from './router-info.js';

interface RouterOptionsBase extends Omit<MojeIdStrategyOptions, 'passReqToCallback'>, MojeIdHooks {
  /** Use an existing strategy instead of creating one from these options. */
  strategy?: MojeIdStrategy;
  /** The Passport instance (`new Passport()`) to register the strategy with. Default: the `passport` module. */
  passport?: PassportInstance;
  logger?: MojeIdLogger;
  /** Account creation from the app and mojeID's notifications (ch. 6); off when absent. */
  accountCreation?: AccountCreationOptions;
}

/**
 * `verify` is Passport's verify callback: find or create the local user for this mojeID identity.
 * Default: the user is `defaultUser(profile, sessionClaims)` (no tokens; of the claims only `sub` and
 * those listed in `sessionClaims`, so the session holds no more personal data than asked for). With
 * `passReqToCallback: true` it receives `req` first.
 */
export type MojeIdRouterOptions = RouterOptionsBase &
  ({ passReqToCallback?: false; verify?: VerifyFunction } | { passReqToCallback: true; verify: VerifyFunctionWithRequest });

export interface MojeIdRouter extends Router {
  readonly strategy: MojeIdStrategy;
  readonly config: MojeIdConfig;
  readonly parts: Readonly<{ loginPage: Router; login: Router; callback: Router; logout: Router; prefill: Router; assets: Router; register?: Router; notify?: Router }>;
  /**
   * The "Log in with mojeID" button with "Why mojeID" and "Create mojeID account" (Appendix 7
   * points 1-2) as an HTML string, pointing at this router's login path (with `returnTo`) and at
   * the configured mojeID instance's registration page: `res.send(router.loginButton({ req, returnTo: '/orders' }))`.
   */
  loginButton(options?: MojeIdRouterLoginButtonOptions): string;
  /**
   * An Express error handler for this router's paths, mounted after it: a request that failed
   * before the library's routes ran because the session store did not answer (express-session
   * passes the store's error on, and `req.session` is missing) gets the library's error page,
   * `session_store_failed` (503), like every other failed login; a `MojeIdError` gets its page.
   * Anything else, or any other path, goes on to the app's own error handler.
   */
  errorHandler(): ErrorRequestHandler;
}




/** The register and notify parts; refuses a configuration under which no notification could be accepted. */
function accountCreationParts(ctx: RouteContext, options: AccountCreationOptions): { register: Router; notify: Router } {
  if (typeof options.registrationData !== 'function' || typeof options.onNotification !== 'function') {
    throw new TypeError('mojeid({ accountCreation }): registrationData and onNotification must be functions');
  }
  const { config } = ctx;
  if (!config.notifyCa.length && !config.notifyTrustedProxies.length && !config.notifyInsecureTestMode) {
    throw new ConfigurationError([
      {
        option: 'notifyCa',
        variable: 'MOJEID_NOTIFY_CA_FILE',
        message:
          "account creation needs a way to verify mojeID's notifications (§6.2): the CZ.NIC CA (MOJEID_NOTIFY_CA_FILE), a trusted TLS proxy (MOJEID_NOTIFY_TRUSTED_PROXIES) or, with the test instance over plain HTTP, MOJEID_NOTIFY_INSECURE_TEST_MODE",
      },
    ]);
  }
  if (config.notifyInsecureTestMode) {
    ctx.logger.warn('MOJEID_NOTIFY_INSECURE_TEST_MODE is on: plain-HTTP registration notifications are accepted without a certificate (test instance only)', {});
  }
  const store = options.store ?? new MemoryRegistrationStore();
  return { register: registerRouter(ctx, options, store), notify: notifyRouter(ctx, options, store) };
}


export function mojeid(options?: RouterOptionsBase & { passReqToCallback?: false; verify?: VerifyFunction }): MojeIdRouter;
export function mojeid(options: RouterOptionsBase & { passReqToCallback: true; verify: VerifyFunctionWithRequest }): MojeIdRouter;
export function mojeid(options: MojeIdRouterOptions): MojeIdRouter;
export function mojeid(options: MojeIdRouterOptions = {}): MojeIdRouter {
  const { verify, strategy: givenStrategy, passport = defaultPassport, logger = consoleLogger, onError, renderError, localeOf, accountCreation, ...strategyOptions } = options;
  // The strategy resolves the configuration, `sessionClaims` included, so the default verify reads
  // it from the strategy; verify runs only at a login, after the strategy exists.
  const strategy: MojeIdStrategy =
    givenStrategy ??
    new MojeIdStrategy(
      { ...strategyOptions, logger } as MojeIdStrategyOptions & { passReqToCallback: true },
      (verify ?? defaultVerify(() => strategy.config)) as VerifyFunctionWithRequest,
    );
  passport.use(strategy.name, strategy);
  letSessionStrategyReportMissingSession(passport);
  const config = strategy.config;
  const ctx: RouteContext = {
    config,
    strategyName: strategy.name,
    passport,
    hooks: { ...(onError ? { onError } : {}), ...(renderError ? { renderError } : {}), ...(localeOf ? { localeOf } : {}) },
    logger,
    paths: pathsFor(config.mountPath),
  };
  const parts = {
    loginPage: loginPageRouter(ctx),
    login: loginRouter(ctx),
    callback: callbackRouter(ctx),
    logout: logoutRouter(ctx),
    prefill: prefillRouter(ctx),
    assets: assetsRouter(),
    ...(accountCreation ? accountCreationParts(ctx, accountCreation) : {}),
  };
  const inner = Router();
  inner.use(pageSecurityHeaders());
  for (const part of Object.values(parts)) inner.use(part);
  // A plain Router: a front middleware every request of the app passes (the per-request context,
  // the store watch), then the library's routes under the mount path. A function in front that
  // skipped the router for other paths, with this Router swapped in as its prototype, was measured
  // against this form in the same benchmark runs: no difference in a protected page's CPU beyond
  // the run-to-run noise (docs/benchmarks.md, "Optimisations: kept or reverted"), so the plain
  // Router stays.
  const routerInfo: RouterInfo = {
    paths: ctx.paths,
    clockTolerance: config.clockTolerance,
    sendError: (req, res, error) => sendError(ctx, req, res, error, 'page'),
  };
  let storeWatched = false;
  const router = Router();
  router.use((req: Request, _res: Response, next: NextFunction) => {
    attachRouterInfo(req, routerInfo);
    dropExpiredPrefill(req);
    if (!storeWatched) {
      storeWatched = true;
      watchSessionStore((req as unknown as { sessionStore?: unknown }).sessionStore);
    }
    next();
  });
  router.use(config.mountPath || '/', inner);
  // `errorHandler()` answers only errors of the library's own paths, matched as Express does.
  const prefix = (config.mountPath || '/').toLowerCase();
  Object.defineProperties(router, {
    strategy: { value: strategy, enumerable: true },
    config: { value: config, enumerable: true },
    parts: { value: Object.freeze(parts), enumerable: true },
    loginButton: { value: boundLoginButton(ctx), enumerable: true },
    errorHandler: {
      value: (): ErrorRequestHandler => (error: unknown, req: Request, res: Response, next: NextFunction) => {
        if (prefix !== '/' && !isUnderPath(req.originalUrl ?? req.url, prefix)) return next(error);
        const session = (req as unknown as { session?: unknown }).session;
        // Without a session, express-session's store failed before the library's routes ran.
        if (!(error instanceof MojeIdError) && session) return next(error);
        sendError(ctx, req, res, toMojeIdError(error, 'session-store'), 'page');
      },
      enumerable: true,
    },
  });
  return router as MojeIdRouter;
}
