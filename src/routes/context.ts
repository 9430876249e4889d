/**
 * What every route part shares: the validated config, the strategy's name and Passport instance,
 * the app's hooks, and helpers to render the library's pages in the request's language.
 */
import type { Request, Response } from 'express';
import type { AuthenticateCallback, Strategy } from 'passport';
import type { RequestHandler } from 'express';
import type { MojeIdConfig } from '../config.js';
import type { MojeIdError } from '../errors.js';
import { negotiateLocale, type Locale } from '../views/messages.js';
import type { MojeIdLogger } from '../logger.js';
import { stepUpQuery, type StepUp } from './step-up.js';

export { consoleLogger, type MojeIdLogger } from '../logger.js';

/**
 * What the routers need of Passport: the `passport` module itself or any `new Passport()`.
 * Structural, because @types/passport's own class types do not accept each other.
 */
export interface PassportInstance {
  use(name: string, strategy: Strategy): unknown;
  authenticate(strategy: string, callback: AuthenticateCallback): RequestHandler;
  authenticate(strategy: string, options: object, callback: AuthenticateCallback): RequestHandler;
}


export interface MojeIdHooks {
  /** Every failed login or refused request, after it is logged and before the error page. */
  onError?: (error: MojeIdError, req: Request) => void;
  /** Replace the library's error page: render your own and return `true`. */
  renderError?: (error: MojeIdError, req: Request, res: Response) => boolean;
  /**
   * The language the app shows this request in, so the library's pages (login, error, logged-out)
   * follow the app's own language switch rather than only `Accept-Language`. `undefined` (or a
   * throw, or anything but `cs`/`en`) leaves the choice to the `locale` option and `Accept-Language`.
   * An explicit `?lang=` on the request still wins: it is what the library pages' own language
   * links set, and a user who just clicked one expects it to take.
   */
  localeOf?: (req: Request) => Locale | undefined;
}

export interface RouteContext {
  readonly config: MojeIdConfig;
  readonly strategyName: string;
  readonly passport: PassportInstance;
  readonly hooks: MojeIdHooks;
  readonly logger: MojeIdLogger;
  /** Paths under the mount point (`/auth/mojeid/login` …), as links on our pages. */
  readonly paths: Readonly<{ loginPage: string; login: string; callback: string; prefill: string; logout: string; stylesheet: string }>;
}

export function pathsFor(mountPath: string): RouteContext['paths'] {
  return {
    loginPage: mountPath || '/',
    login: `${mountPath}/login`,
    callback: `${mountPath}/callback`,
    prefill: `${mountPath}/prefill`,
    logout: `${mountPath}/logout`,
    stylesheet: `${mountPath}/assets/mojeid.css`,
  };
}

export function localeFor(ctx: RouteContext, req: Request): Locale {
  const lang = req.query['lang'];
  if (lang === 'cs' || lang === 'en') return lang;
  const fromApp = appLocale(ctx, req);
  if (fromApp) return fromApp;
  if (ctx.config.locale !== 'auto') return ctx.config.locale;
  return negotiateLocale(req.get('accept-language'));
}

/** Hooks that threw, so a broken `localeOf` is logged once, not on every page. */
const failedLocaleHooks = new WeakSet<object>();

function appLocale(ctx: RouteContext, req: Request): Locale | undefined {
  const hook = ctx.hooks.localeOf;
  if (!hook) return undefined;
  try {
    const locale: unknown = hook(req);
    return locale === 'cs' || locale === 'en' ? locale : undefined;
  } catch {
    // A page in the browser's language beats no page; the error itself may carry request data.
    if (!failedLocaleHooks.has(hook)) {
      failedLocaleHooks.add(hook);
      ctx.logger.warn('locale_hook_failed: localeOf threw; the page language falls back to the locale option and Accept-Language', {});
    }
    return undefined;
  }
}

/** `<login>?returnTo=…`, with `returnTo` only when it is not the default, and a route's step-up demands. */
export function loginUrl(ctx: RouteContext, returnTo: string, stepUp: StepUp = {}): string {
  return withQuery(ctx.paths.login, returnTo, stepUp);
}

/** `path?returnTo=…&assurance=…`, leaving out what is default. */
export function withQuery(path: string, returnTo: string, stepUp: StepUp = {}): string {
  const query = `${returnTo === '/' ? '' : `&returnTo=${encodeURIComponent(returnTo)}`}${stepUpQuery(stepUp)}`;
  return query ? `${path}?${query.slice(1)}` : path;
}
