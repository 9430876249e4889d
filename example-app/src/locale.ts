/**
 * The page language: the header's Czech/English switch (`?lang=`), remembered in a cookie rather
 * than the session, because logging in regenerates the session and the choice must outlive that.
 * The same choice goes to the library (`mojeid({ localeOf })`), so its pages follow it.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Locale } from 'passport-mojeid-oidc';

const LANG_COOKIE = 'lang';

function cookieLocale(req: Request): Locale | undefined {
  const match = /(?:^|;\s*)lang=(cs|en)(?:;|$)/.exec(req.get('cookie') ?? '');
  return match?.[1] === 'cs' || match?.[1] === 'en' ? match[1] : undefined;
}

/** What the user chose with the language switch (`?lang=`, then its cookie), if anything. */
export function chosenLocale(req: Request): Locale | undefined {
  const lang = req.query['lang'];
  if (lang === 'cs' || lang === 'en') return lang;
  return cookieLocale(req);
}

/** The user's choice, else the browser's preference; Czech by default. */
export function localeOf(req: Request): Locale {
  return chosenLocale(req) ?? (req.acceptsLanguages('cs', 'en') === 'en' ? 'en' : 'cs');
}

/** Remembers a `?lang=` choice for a year. */
export function rememberLanguage(secure: boolean): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const lang = req.query['lang'];
    if ((lang === 'cs' || lang === 'en') && cookieLocale(req) !== lang) {
      res.cookie(LANG_COOKIE, lang, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: 365 * 24 * 3600 * 1000 });
    }
    next();
  };
}
