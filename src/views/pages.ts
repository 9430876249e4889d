/**
 * The library's own pages. No inline script or style (a strict CSP applies), every form works
 * without JavaScript, and the button and links follow Appendix 7 points 1-3.
 */
import { WHY_MOJEID_URL } from '../environments.js';
import type { MojeIdError } from '../errors.js';
import { html, type SafeHtml } from './html.js';
import { ERROR_TEXTS, TEXTS, type Locale } from './messages.js';

export interface LoginButtonOptions {
  locale: Locale;
  /** Where the button goes: the router's `/login` path (with `returnTo`). */
  loginUrl: string;
  /** Appendix 7 point 2b: the "Create mojeID account" target. */
  createAccountUrl: string;
  /** Appendix 7 point 2a: a local page about mojeID, or mojeID's own. */
  whyMojeIdUrl?: string;
}

/**
 * The "Log in with mojeID" button with its two links (Appendix 7 points 1-2), as an HTML string
 * for an app's own templates. Style it with the classes `mojeid-login`, `mojeid-button`,
 * `mojeid-links`, or link the router's stylesheet (`<mountPath>/assets/mojeid.css`). The official
 * button images may replace the text button; other changes of look need CZ.NIC's consent (App. 7.8).
 */
export function loginButton(options: LoginButtonOptions): SafeHtml {
  const t = TEXTS[options.locale];
  return html`<div class="mojeid-login">
  <a class="mojeid-button" href="${options.loginUrl}"><span class="mojeid-mark" aria-hidden="true">mojeID</span> ${t.loginButton}</a>
  <p class="mojeid-links"><a href="${options.whyMojeIdUrl ?? WHY_MOJEID_URL[options.locale]}">${t.whyMojeId}</a> · <a href="${options.createAccountUrl}">${t.createAccount}</a></p>
</div>`;
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
export function logoutForm(options: LogoutFormOptions): SafeHtml {
  return html`<form class="mojeid-logout" method="post" action="${options.logoutUrl}">
  <input type="hidden" name="_csrf" value="${options.csrfToken}">
  <button type="submit">${TEXTS[options.locale].logoutButton}</button>
</form>`;
}

export function loginPage(options: LayoutOptions & LoginButtonOptions & { user?: { name: string; logout: LogoutFormOptions } }): string {
  const t = TEXTS[options.locale];
  const body = options.user
    ? html`<h1>${t.loginTitle}</h1><p>${t.loggedInAs} <strong>${options.user.name}</strong>.</p>${logoutForm(options.user.logout)}`
    : html`<h1>${t.loginTitle}</h1><p>${t.loginIntro}</p>${loginButton(options)}`;
  return layout(options, body);
}

export function errorPage(
  options: LayoutOptions & { error: MojeIdError; retryUrl?: string; homeUrl: string; continueUrl?: string; missingClaims?: readonly string[] },
): string {
  const t = TEXTS[options.locale];
  const registration = options.error.code === 'registration_refused' || options.error.code === 'registration_unavailable';
  const body = html`<h1>${registration ? t.registrationErrorTitle : t.errorTitle}</h1>
<p class="mojeid-error" data-code="${options.error.code}">${ERROR_TEXTS[options.error.code][options.locale]}</p>
${options.missingClaims?.length ? html`<p>${t.missingClaimsList}</p><ul>${options.missingClaims.map((c) => html`<li><code>${c}</code></li>`)}</ul>` : ''}
${options.continueUrl ? html`<p>${t.alreadyLoggedIn} <a href="${options.continueUrl}">${t.continue}</a></p>` : ''}
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
.mojeid-dropped{background:#fff4ef;border-left:4px solid #f26f21;padding:.2rem 1rem;margin:1rem 0}
`;
