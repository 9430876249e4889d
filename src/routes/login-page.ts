/** GET <mount>: the login page with the mojeID button and links (Appendix 7 points 1-3). */
import { Router, type Request, type Response } from 'express';
import { csrfToken } from '../csrf.js';
import { safeReturnTo } from '../strategy.js';
import { loginPage } from '../views/pages.js';
import { localeFor, loginUrl, type RouteContext } from './context.js';

export function loginPageRouter(ctx: RouteContext): Router {
  const router = Router();
  router.get('/', (req: Request, res: Response) => {
    const locale = localeFor(ctx, req);
    const returnTo = safeReturnTo(req.query['returnTo']);
    const user = typeof req.isAuthenticated === 'function' && req.isAuthenticated() ? req.user : undefined;
    res.set('Cache-Control', 'no-store');
    res.type('html').send(
      loginPage({
        locale,
        title: locale === 'cs' ? 'Přihlášení přes mojeID' : 'Log in with mojeID',
        stylesheetUrl: ctx.paths.stylesheet,
        languageLinks: { cs: '?lang=cs', en: '?lang=en' },
        loginUrl: loginUrl(ctx, returnTo),
        createAccountUrl: ctx.config.endpoints.createAccountUrl,
        ...(user
          ? { user: { name: displayNameOf(user), logout: { locale, logoutUrl: ctx.paths.logout, csrfToken: csrfToken(req) } } }
          : {}),
      }),
    );
  });
  return router;
}

function displayNameOf(user: Express.User): string {
  const u = user as { displayName?: unknown; name?: unknown; email?: unknown; id?: unknown };
  for (const candidate of [u.displayName, u.name, u.email, u.id]) if (typeof candidate === 'string' && candidate) return candidate;
  return 'mojeID';
}
