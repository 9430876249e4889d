/**
 * The library's own pages. No inline script or style (a strict CSP applies), every form works
 * without JavaScript, and the button and links follow Appendix 7 points 1-3.
 */
import { ENVIRONMENTS, WHY_MOJEID_URL, type MojeIdEnvironmentName } from '../environments.js';
import type { MojeIdError } from '../errors.js';
import { html, type SafeHtml } from './html.js';
import { ERROR_TEXTS, TEXTS, type Locale } from './messages.js';

export interface LoginButtonOptions {
  locale: Locale;
  /** Where the button goes: the router's `/login` path (with `returnTo`), e.g. `/auth/mojeid/login`. */
  loginUrl: string;
  /**
   * Appendix 7 point 2b: the "Create mojeID account" target. Default: the page of `environment`
   * (`ENVIRONMENTS[environment].createAccountUrl`). `router.loginButton()` uses the router's
   * configured one, the local simulator's included.
   */
  createAccountUrl?: string;
  /** Which mojeID's "Create mojeID account" page to link when `createAccountUrl` is absent. Default `'production'`. */
  environment?: MojeIdEnvironmentName;
  /** Appendix 7 point 2a: a local page about mojeID, or mojeID's own. */
  whyMojeIdUrl?: string;
}

/** What the library's own pages pass: every target known. */
export interface LoginButtonTargets {
  locale: Locale;
  loginUrl: string;
  createAccountUrl: string;
  whyMojeIdUrl?: string;
}

/** The button as escaped markup, for the library's own `html` templates. */
export function loginButtonHtml(options: LoginButtonTargets): SafeHtml {
  const t = TEXTS[options.locale];
  return html`<div class="mojeid-login">
  <a class="mojeid-button" href="${options.loginUrl}"><span class="mojeid-mark" aria-hidden="true">mojeID</span> ${t.loginButton}</a>
  <p class="mojeid-links"><a href="${options.whyMojeIdUrl ?? WHY_MOJEID_URL[options.locale]}">${t.whyMojeId}</a> · <a href="${options.createAccountUrl}">${t.createAccount}</a></p>
</div>`;
}

/**
 * Appendix 7 points 1-2: the button and both links always lead somewhere, so an empty or blank URL
 * is a mistake of the caller (an unset variable, typically), reported here rather than rendered as
 * `href=""`, which would silently reload the current page.
 */
function requiredUrl(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new TypeError(`${name} must be a non-empty URL, got ${JSON.stringify(value)}`);
  return value;
}

function optionalUrl(name: string, value: unknown): string | undefined {
  return value === undefined ? undefined : requiredUrl(name, value);
}

/** The button's targets with the defaults filled in; throws on a blank URL or an unknown environment. */
export function loginButtonTargets(options: LoginButtonOptions, fnName = 'loginButton'): LoginButtonTargets {
  if (options.locale !== 'cs' && options.locale !== 'en') throw new TypeError(`${fnName}(): locale must be "cs" or "en", got ${JSON.stringify(options.locale)}`);
  const environment = options.environment ?? 'production';
  if (environment !== 'test' && environment !== 'production') {
    throw new TypeError(`${fnName}(): environment must be "test" or "production", got ${JSON.stringify(environment)}`);
  }
  const whyMojeIdUrl = optionalUrl(`${fnName}(): whyMojeIdUrl`, options.whyMojeIdUrl);
  return {
    locale: options.locale,
    loginUrl: requiredUrl(`${fnName}(): loginUrl`, options.loginUrl),
    createAccountUrl: optionalUrl(`${fnName}(): createAccountUrl`, options.createAccountUrl) ?? ENVIRONMENTS[environment].createAccountUrl,
    ...(whyMojeIdUrl ? { whyMojeIdUrl } : {}),
  };
}

/**
 * The "Log in with mojeID" button with its two links (Appendix 7 points 1-2), as an HTML string:
 * `res.send(loginButton(...))` sends it as HTML, and a template engine prints it with its raw
 * output tag (`<%- %>`, `{{{ }}}`, `| safe`); every value in it is already escaped. Style it with
 * the classes `mojeid-login`, `mojeid-button`, `mojeid-links`, or link the router's stylesheet
 * (`<mountPath>/assets/mojeid.css`). The official button images may replace the text button;
 * other changes of look need CZ.NIC's consent (Appendix 7 point 8). With `mojeid()`,
 * `router.loginButton({ locale, returnTo })` fills in the login and "Create mojeID account" URLs.
 */
export function loginButton(options: LoginButtonOptions): string {
  return loginButtonHtml(loginButtonTargets(options)).toString();
}

export interface LayoutOptions {
  locale: Locale;
  title: string;
  stylesheetUrl: string;
  /** `?lang=` links to switch language, when the page can be re-rendered. */
  languageLinks?: Readonly<Record<Locale, string>>;
}

export function layout(options: LayoutOptions, body: SafeHtml): string {
  const other: Locale = options.locale === 'cs' ? 'en' : 'cs';
  return html`<!doctype html>
<html lang="${options.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${options.title}</title>
<link rel="stylesheet" href="${options.stylesheetUrl}">
</head>
<body>
<main class="mojeid-page">
${body}
${options.languageLinks ? html`<p class="mojeid-lang"><a href="${options.languageLinks[other]}" hreflang="${other}" lang="${other}">${other === 'cs' ? 'Česky' : 'English'}</a></p>` : ''}
</main>
</body>
</html>
`.toString();
}

export interface LogoutFormOptions {
  locale: Locale;
  logoutUrl: string;
  csrfToken: string;
}

/** Logout is a POST with a CSRF token (a GET link could be triggered by any page). */
export function logoutFormHtml(options: LogoutFormOptions): SafeHtml {
  return html`<form class="mojeid-logout" method="post" action="${options.logoutUrl}">
  <input type="hidden" name="_csrf" value="${options.csrfToken}">
  <button type="submit">${TEXTS[options.locale].logoutButton}</button>
</form>`;
}

/**
 * The logout button (ch. 7: a POST with the `_csrf` field, `csrfToken(req)`), as an HTML string
 * for `res.send` or a template engine's raw output tag; every value in it is already escaped.
 */
export function logoutForm(options: LogoutFormOptions): string {
  if (options.locale !== 'cs' && options.locale !== 'en') throw new TypeError(`logoutForm(): locale must be "cs" or "en", got ${JSON.stringify(options.locale)}`);
  requiredUrl('logoutForm(): logoutUrl', options.logoutUrl);
  // Without the token the router refuses the POST (403), so a form without one can only fail.
  if (typeof options.csrfToken !== 'string' || options.csrfToken === '') throw new TypeError('logoutForm(): csrfToken must be the value of csrfToken(req)');
  return logoutFormHtml(options).toString();
}

export function loginPage(options: LayoutOptions & LoginButtonTargets & { user?: { name: string; logout: LogoutFormOptions } }): string {
  const t = TEXTS[options.locale];
  const body = options.user
    ? html`<h1>${t.loginTitle}</h1><p>${t.loggedInAs} <strong>${options.user.name}</strong>.</p>${logoutFormHtml(options.user.logout)}`
    : html`<h1>${t.loginTitle}</h1><p>${t.loginIntro}</p>${loginButtonHtml(options)}`;
  return layout(options, body);
}

export function errorPage(
  options: LayoutOptions & {
    error: MojeIdError;
    retryUrl?: string;
    homeUrl: string;
    continueUrl?: string;
    missingClaims?: readonly string[];
    /** What the developer should change; the caller passes it only outside production. */
    developerDetail?: string;
  },
): string {
  const t = TEXTS[options.locale];
  const registration = options.error.code === 'registration_refused' || options.error.code === 'registration_unavailable';
  const body = html`<h1>${registration ? t.registrationErrorTitle : t.errorTitle}</h1>
<p class="mojeid-error" data-code="${options.error.code}">${ERROR_TEXTS[options.error.code][options.locale]}</p>
${options.missingClaims?.length ? html`<p>${t.missingClaimsList}</p><ul>${options.missingClaims.map((c) => html`<li><code>${c}</code></li>`)}</ul>` : ''}
${options.continueUrl ? html`<p>${t.alreadyLoggedIn} <a href="${options.continueUrl}">${t.continue}</a></p>` : ''}
${options.developerDetail ? html`<div class="mojeid-developer"><p>${t.developerDetail}</p><p lang="en"><code>${options.error.code}</code>: ${options.developerDetail}</p></div>` : ''}
<p>${options.retryUrl ? html`<a class="mojeid-retry" href="${options.retryUrl}">${t.tryAgain}</a> · ` : ''}<a href="${options.homeUrl}">${t.backHome}</a></p>`;
  return layout(options, body);
}

/** Ch. 7: after a local logout, offer the mojeID logout page, never force it. */
export function loggedOutPage(options: LayoutOptions & { mojeIdLogoutUrl: string; continueUrl: string }): string {
  const t = TEXTS[options.locale];
  const body = html`<h1>${t.loggedOutTitle}</h1>
<p>${t.loggedOutText}</p>
<p><a class="mojeid-button mojeid-logout-mojeid" href="${options.mojeIdLogoutUrl}">${t.alsoLogoutMojeId}</a><br><small>${t.alsoLogoutMojeIdHint}</small></p>
<p><a href="${options.continueUrl}">${t.stayLoggedInMojeId}</a></p>`;
  return layout(options, body);
}

export const STYLESHEET = `.mojeid-page{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1d1d1b;line-height:1.5}
.mojeid-page h1{font-size:1.6rem}
.mojeid-button{display:inline-flex;align-items:center;gap:.5rem;background:#f26f21;color:#fff;border:0;border-radius:4px;padding:.7rem 1.2rem;font-weight:600;text-decoration:none;font-size:1rem;cursor:pointer}
.mojeid-button:hover,.mojeid-button:focus{background:#d85a10;color:#fff}
.mojeid-mark{background:#fff;color:#f26f21;border-radius:3px;padding:0 .35rem;font-weight:700}
.mojeid-links{font-size:.9rem;margin-top:.6rem}
.mojeid-links a,.mojeid-page a{color:#0b5cad}
.mojeid-page a.mojeid-button{color:#fff}
.mojeid-logout button{background:#eee;border:1px solid #bbb;border-radius:4px;padding:.5rem 1rem;cursor:pointer}
.mojeid-error{background:#fff4ef;border-left:4px solid #f26f21;padding:.7rem 1rem}
.mojeid-lang{margin-top:2rem;font-size:.85rem}
.mojeid-developer{background:#f3f3f3;border-left:4px solid #888;padding:.2rem 1rem;margin:1rem 0;font-size:.9rem}
.mojeid-dropped{background:#fff4ef;border-left:4px solid #f26f21;padding:.2rem 1rem;margin:1rem 0}
`;
