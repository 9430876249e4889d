/** GET <mount>: the login page with the mojeID button and links (Appendix 7 points 1-3). */
import { Router, type Request, type Response } from 'express';
import { csrfToken } from '../csrf.js';
import { safeReturnTo } from '../return-to.js';
import type { Locale } from '../views/messages.js';
import { loginButtonHtml, loginButtonTargets, loginPage } from '../views/pages.js';
import { localeFor, loginUrl, type RouteContext } from './context.js';
import { sendError } from './error-response.js';
import { parseStepUpQuery, type StepUp } from './step-up.js';

/** `router.loginButton(options)`: the button for this router, its paths and its mojeID instance filled in. */
export interface MojeIdRouterLoginButtonOptions {
  /**
   * Default: the language the router's login page would use for `req` (`?lang=`, the `locale`
   * option, `Accept-Language`), else the `locale` option, else Czech.
   */
  locale?: Locale;
  /** The request being answered, to pick its language like the login page does. */
  req?: Request;
  /** Where the user lands after logging in: a same-origin path (anything else becomes `/`). */
  returnTo?: string;
  /** Appendix 7 point 2a: a local page about mojeID. Default: mojeID's own, in the button's language. */
  whyMojeIdUrl?: string;
}

export function boundLoginButton(ctx: RouteContext): (options?: MojeIdRouterLoginButtonOptions) => string {
  return (options = {}) => {
    const locale = options.locale ?? (options.req ? localeFor(ctx, options.req) : ctx.config.locale === 'auto' ? 'cs' : ctx.config.locale);
    const targets = loginButtonTargets(
      {
        locale,
        loginUrl: loginUrl(ctx, safeReturnTo(options.returnTo)),
        // Appendix 7 point 2b: the configured instance's page, so a test or simulator setup
        // never sends people to production's registration.
        createAccountUrl: ctx.config.endpoints.createAccountUrl,
        ...(options.whyMojeIdUrl !== undefined ? { whyMojeIdUrl: options.whyMojeIdUrl } : {}),
      },
      'router.loginButton',
    );
    return loginButtonHtml(targets).toString();
  };
}

export function loginPageRouter(ctx: RouteContext): Router {
  const router = Router();
  router.get('/', (req: Request, res: Response) => {
    const locale = localeFor(ctx, req);
    const returnTo = safeReturnTo(req.query['returnTo']);
    let stepUp: StepUp;
    try {
      stepUp = parseStepUpQuery(req);
    } catch (error) {
      sendError(ctx, req, res, error, 'page', returnTo);
      return;
    }
    const user = typeof req.isAuthenticated === 'function' && req.isAuthenticated() ? req.user : undefined;
    res.set('Cache-Control', 'no-store');
    res.type('html').send(
      loginPage({
        locale,
        title: locale === 'cs' ? 'Přihlášení přes mojeID' : 'Log in with mojeID',
        stylesheetUrl: ctx.paths.stylesheet,
        languageLinks: { cs: '?lang=cs', en: '?lang=en' },
        loginUrl: loginUrl(ctx, returnTo, stepUp),
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
