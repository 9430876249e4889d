/**
 * A real Express app as a user would write it (express-session, Passport, `mojeid()`), listening
 * on 127.0.0.1:0, with `/me` (JSON or 401) and a page protected by `requireMojeIdLogin()`.
 */
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { mojeid, requireMojeIdLogin, type MojeIdError, type MojeIdRouter, type MojeIdRouterOptions, type MojeIdLogger } from '../../src/index.js';
import { listenOnLoopback } from './loopback-server.js';

export interface TestApp {
  readonly origin: string;
  readonly errors: MojeIdError[];
  readonly logLines: string[];
  readonly router: MojeIdRouter;
  close(): Promise<void>;
}

/**
 * `options` may be a function of the app's origin, for options that depend on it (a client
 * registered dynamically for `<origin>/auth/mojeid/callback`).
 */
export async function startApp(options: MojeIdRouterOptions): Promise<TestApp>;
export async function startApp(options: (origin: string) => MojeIdRouterOptions | Promise<MojeIdRouterOptions>): Promise<TestApp>;
export async function startApp(options: MojeIdRouterOptions | ((origin: string) => MojeIdRouterOptions | Promise<MojeIdRouterOptions>)): Promise<TestApp> {
  const loopback = await listenOnLoopback();
  const { server } = loopback;
  const { origin } = loopback;
  const errors: MojeIdError[] = [];
  const logLines: string[] = [];
  const logger: MojeIdLogger = { warn: (message, fields) => void logLines.push(`${message} ${JSON.stringify(fields)}`) };

  const passport = new Passport();
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));
  const routerOptions = typeof options === 'function' ? await options(origin) : options;
  const router = mojeid({
    useEnvironment: false,
    passport,
    logger,
    onError: (error) => void errors.push(error),
    ...routerOptions,
    baseUrl: origin,
  } as MojeIdRouterOptions);
  const app = express();
  app.use(session({ secret: 'test-session-secret', resave: false, saveUninitialized: false, name: 'sid' }));
  app.use(passport.session());
  app.use(router);
  app.get('/me', (req, res) => {
    if (!req.isAuthenticated()) return void res.status(401).json({ error: 'login_required' });
    res.json({ user: req.user, sessionId: req.sessionID });
  });
  app.get('/private/page', requireMojeIdLogin(), (req, res) => void res.send(`private for ${(req.user as { id: string }).id}`));
  app.get('/session-id', (req, res) => {
    (req.session as unknown as Record<string, unknown>)['touched'] = true;
    res.json({ sessionId: req.sessionID });
  });
  server.on('request', app);
  return {
    origin,
    errors,
    logLines,
    router,
    close() {
      router.strategy.close();
      return loopback.close();
    },
  };
}
