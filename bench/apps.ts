/**
 * One Express app per library, with settings as equal as the libraries allow: express-session's
 * MemoryStore (express-openid-connect: the same MemoryStore class as its `session.store`), scopes
 * `openid email profile`, UserInfo fetched at login, PKCE where the library does it, nonce where it
 * can be turned on, the same user object kept in the session, and `GET /private` protected by the
 * library's own guard (Passport-only libraries: `req.isAuthenticated()`).
 *
 * Each library is imported only when its app is built, so start-up time counts only its own code.
 */
import type { ErrorRequestHandler, Express, RequestHandler } from 'express';
import type { Store } from 'express-session';
import { CLIENT_ID, CLIENT_SECRET, PROTECTED_PATH, SCOPE, SESSION_SECRET, SUB, USER_CLAIMS, type AppSpec } from './common.js';

/** What each app keeps in the session as "the user": identity and claims, never tokens. */
export interface BenchUser {
  provider: string;
  id: string;
  displayName: string | undefined;
  email: string | undefined;
  claims: Record<string, unknown>;
}

export interface BuiltApp {
  handler: Express;
  store: Store;
}

const sessionOptions = { secret: SESSION_SECRET, resave: false, saveUninitialized: false, name: 'sid' };

function userFrom(provider: string, claims: Record<string, unknown>): BenchUser {
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return { provider, id: String(claims['sub']), displayName: str(claims['name']), email: str(claims['email']), claims };
}

const privatePage: RequestHandler = (req, res) => {
  res.send(`private for ${(req.user as BenchUser | undefined)?.id ?? (req as unknown as { oidc?: { user?: { sub?: string } } }).oidc?.user?.sub}`);
};

/** The guard Passport-only apps write themselves. */
const passportGuard: RequestHandler = (req, res, next) => {
  if (req.isAuthenticated()) return next();
  res.redirect(303, '/login');
};

/**
 * Express, express-session and a fresh Passport instance with whole-object (de)serialisation. The
 * store is the MemoryStore, or connect-redis with node-redis (scenario 7: instances sharing sessions).
 */
async function passportBase(redis?: AppSpec['redis']) {
  const [{ default: express }, { default: session, MemoryStore }, { Passport }] = await Promise.all([
    import('express'),
    import('express-session'),
    import('passport'),
  ]);
  let store: Store = new MemoryStore();
  if (redis) {
    const [{ createClient }, { RedisStore }] = await Promise.all([import('redis'), import('connect-redis')]);
    const client = createClient({ url: redis.url, disableOfflineQueue: true });
    client.on('error', () => undefined);
    await client.connect();
    store = new RedisStore({ client, prefix: `${redis.prefix}sess:` });
  }
  const passport = new Passport();
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));
  const app = express();
  app.disable('x-powered-by');
  app.use(session({ ...sessionOptions, store }));
  app.use(passport.session());
  // The user this session holds, so the baseline can hold exactly the same one (scenario 1).
  app.get('/bench/user', (req, res) => void (req.user ? res.json(req.user) : res.status(401).end()));
  return { app, store, passport, express };
}

/** The same last error handler everywhere: a status, no stack trace on the terminal. */
const quietErrors: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) return next(error);
  const status = (error as { status?: unknown } | null)?.status;
  res.status(typeof status === 'number' && status >= 400 && status < 600 ? status : 500).end();
};

export async function buildApp(spec: AppSpec, origin: string): Promise<BuiltApp> {
  const built = await buildLibraryApp(spec, origin);
  built.handler.use(quietErrors);
  return built;
}

async function buildLibraryApp(spec: AppSpec, origin: string): Promise<BuiltApp> {
  switch (spec.library) {
    case 'baseline': {
      const { app, store, express } = await passportBase();
      // No OIDC: the session is created by logging a user in directly; the orchestrator posts the
      // user our library stored after a real login, so both sessions hold the same object.
      app.post('/bench/login', express.json({ limit: '64kb' }), (req, res, next) => {
        const user = req.body && typeof req.body === 'object' && 'id' in req.body ? (req.body as Express.User) : (userFrom('bench', { ...USER_CLAIMS }) as Express.User);
        req.logIn(user, (error) => (error ? next(error) : res.status(204).end()));
      });
      app.get(PROTECTED_PATH, passportGuard, privatePage);
      return { handler: app, store };
    }

    case 'ours': {
      const { app, store, passport } = await passportBase(spec.redis);
      const { mojeid, requireMojeIdLogin } = await import('passport-mojeid-oidc');
      const claimsInIdToken = spec.userinfo === false;
      app.use(
        mojeid({
          useEnvironment: false,
          issuer: spec.issuer,
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          baseUrl: spec.redis?.baseUrl ?? origin,
          scope: SCOPE,
          userinfo: spec.userinfo ?? true,
          ...(spec.pendingLoginTtl ? { pendingLoginTtl: spec.pendingLoginTtl } : {}),
          // With UserInfo off, the claims must be asked for in the ID token (§5.1.6).
          ...(claimsInIdToken ? { claims: { email: 'essential', name: 'optional', given_name: 'optional', family_name: 'optional' } } : {}),
          passport,
          logger: { warn: () => undefined },
          // Scenario 6: account creation on, so POST /auth/mojeid/notify exists; every status
          // change that passes the checks is accepted.
          ...(spec.tls ? { notifyCa: spec.tls.clientCaPem, accountCreation: { registrationData: () => undefined, onNotification: () => true } } : {}),
        }),
      );
      app.get(PROTECTED_PATH, requireMojeIdLogin(), privatePage);
      return { handler: app, store };
    }

    case 'eoc': {
      const [{ default: express }, { MemoryStore }, eoc] = await Promise.all([import('express'), import('express-session'), import('express-openid-connect')]);
      // CommonJS: Node sees `requiresAuth` only on the default export (module.exports).
      const { auth, requiresAuth } = eoc.default;
      const store = new MemoryStore();
      const app = express();
      app.disable('x-powered-by');
      app.use(
        auth({
          issuerBaseURL: spec.issuer,
          baseURL: origin,
          clientID: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          clientAuthMethod: 'client_secret_basic',
          secret: SESSION_SECRET,
          authRequired: false,
          idpLogout: false,
          enableTelemetry: false,
          authorizationParams: { response_type: 'code', scope: SCOPE },
          session: { store: store as never },
          // UserInfo on, like the others: its claims are kept in the session as the user.
          afterCallback: async (req, _res, session) => {
            const claims = await req.oidc.fetchUserInfo();
            return { ...session, user: userFrom('eoc', { ...claims }) };
          },
        }),
      );
      app.get(PROTECTED_PATH, requiresAuth(), privatePage);
      return { handler: app, store };
    }

    case 'passport-oidc': {
      const { app, store, passport } = await passportBase();
      const { default: OpenIDConnectStrategy } = await import('passport-openidconnect');
      const endpoints = spec.endpoints ?? (await discoverEndpoints(spec.issuer));
      passport.use(
        new OpenIDConnectStrategy(
          {
            issuer: spec.issuer,
            authorizationURL: endpoints.authorization,
            tokenURL: endpoints.token,
            userInfoURL: endpoints.userinfo,
            clientID: CLIENT_ID,
            clientSecret: CLIENT_SECRET,
            callbackURL: `${origin}/callback`,
            scope: ['email', 'profile'],
            nonce: true,
            skipUserProfile: false,
          },
          // The nine-argument form is the one that hands over the UserInfo claims (`uiProfile._json`).
          (
            _issuer: string,
            uiProfile: { _json?: Record<string, unknown> } | undefined,
            idProfile: { id: string },
            _context: unknown,
            _idToken: string,
            _accessToken: string,
            _refreshToken: string,
            _params: unknown,
            done: (error: unknown, user?: Express.User) => void,
          ) => {
            done(null, userFrom('passport-openidconnect', { sub: idProfile.id, ...(uiProfile?._json ?? {}) }) as Express.User);
          },
        ),
      );
      app.get('/login', passport.authenticate('openidconnect'));
      app.get('/callback', passport.authenticate('openidconnect', { failureRedirect: '/failed' }), (_req, res) => res.redirect(303, PROTECTED_PATH));
      app.get(PROTECTED_PATH, passportGuard, privatePage);
      return { handler: app, store };
    }

    case 'openid-client': {
      const { app, store, passport } = await passportBase();
      const [client, { Strategy }] = await Promise.all([import('openid-client'), import('openid-client/passport')]);
      // The strategy needs a discovered Configuration before it can be constructed.
      const issuer = new URL(spec.issuer);
      const config = await client.discovery(issuer, CLIENT_ID, undefined, client.ClientSecretBasic(CLIENT_SECRET), {
        ...(issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
      });
      passport.use(
        'oidc',
        new Strategy({ config, scope: SCOPE, callbackURL: `${origin}/callback` }, (tokens, done) => {
          const idClaims = tokens.claims();
          client
            .fetchUserInfo(config, tokens.access_token, idClaims?.sub ?? SUB)
            .then((claims) => done(null, userFrom('openid-client', { ...claims }) as Express.User), (error: unknown) => done(error));
        }),
      );
      app.get('/login', passport.authenticate('oidc'));
      app.get('/callback', passport.authenticate('oidc', { failureRedirect: '/failed' }), (_req, res) => res.redirect(303, PROTECTED_PATH));
      app.get(PROTECTED_PATH, passportGuard, privatePage);
      return { handler: app, store };
    }
  }
}

/** passport-openidconnect takes fixed endpoints; an app would copy them from the discovery document. */
async function discoverEndpoints(issuer: string): Promise<NonNullable<AppSpec['endpoints']>> {
  const response = await fetch(new URL('.well-known/openid-configuration', issuer.endsWith('/') ? issuer : `${issuer}/`));
  const doc = (await response.json()) as Record<string, string>;
  return { authorization: doc['authorization_endpoint'] ?? '', token: doc['token_endpoint'] ?? '', userinfo: doc['userinfo_endpoint'] ?? '' };
}
