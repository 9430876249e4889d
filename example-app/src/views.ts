/**
 * The example's pages: server-rendered, escaped by construction (the library's `html`), no
 * scripts, every form a plain POST carrying the CSRF token. Czech first, English alongside.
 */
import { html, loginButton, logoutForm, SafeHtml, trustedHtml, type Locale } from 'passport-mojeid-oidc';
import type { LocalUser, MojeIdLink, MojeIdStatus } from './db.js';
import { claimText, type AccountUser, type FieldDifference, type MojeIdSnapshot, type Notice, type PendingUser } from './session-user.js';

/** The mojeID router's paths (they follow MOJEID_MOUNT_PATH). */
export interface MojeIdPaths {
  readonly loginPage: string;
  readonly login: string;
  readonly logout: string;
  readonly stylesheet: string;
  /** POST: create a mojeID account prefilled from the local account (ch. 6). */
  readonly register: string;
}

export interface PageContext {
  readonly locale: Locale;
  /** This session's CSRF token (the library's `csrfToken(req)`). */
  readonly csrf: string;
  readonly user: AccountUser | PendingUser | undefined;
  readonly paths: MojeIdPaths;
  /** Appendix 7 point 2b: mojeID's "Create mojeID account" page. */
  readonly createAccountUrl: string;
  readonly notice?: Notice | undefined;
  /** Show the demo account's credentials (not in production). */
  readonly showDemoHint: boolean;
  /** "Create mojeID account" prefilled from the local account is available (Appendix 7 point 7b). */
  readonly accountCreation?: boolean;
}

const NOTICES: Readonly<Record<Notice, { text: string; kind: 'ok' | 'warn' }>> = {
  linked: { text: 'Účet je propojen s mojeID. / Your account is now linked with mojeID.', kind: 'ok' },
  migrated: {
    text: 'Váš účet z dob přihlašování přes OpenID 2.0 byl propojen s mojeID. / Your account from the OpenID 2.0 days is now linked with mojeID.',
    kind: 'ok',
  },
  unlinked: { text: 'Propojení s mojeID bylo zrušeno. / Your account is no longer linked with mojeID.', kind: 'ok' },
  created: { text: 'Účet byl založen z údajů mojeID a propojen. / Your account was created from your mojeID data and linked.', kind: 'ok' },
  updated: { text: 'Vaše volba byla uložena. / Your choice was saved.', kind: 'ok' },
  sub_linked_elsewhere: {
    text: 'Tento účet mojeID je už propojen s jiným místním účtem; nic se nezměnilo. / This mojeID account is already linked to another local account; nothing was changed.',
    kind: 'warn',
  },
  already_linked: {
    text: 'Váš účet je už propojen s jiným účtem mojeID; nejdříve propojení zrušte. / Your account is already linked to another mojeID account; unlink it first.',
    kind: 'warn',
  },
};

/**
 * Times in the reader's language. The server cannot know the reader's time zone (the pages run no
 * scripts), so they are shown in Czech time, which is where this app's users are, with the zone named.
 */
const DATE_FORMATS: Readonly<Record<Locale, Intl.DateTimeFormat>> = {
  cs: new Intl.DateTimeFormat('cs-CZ', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Prague', timeZoneName: 'short' }),
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Prague', timeZoneName: 'short' }),
};

/** A stored ISO time (or epoch seconds) as `<time>`, the exact value kept for machines. */
function when(ctx: PageContext, value: string | number): SafeHtml {
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(date.getTime())) return html`${String(value)}`;
  return html`<time datetime="${date.toISOString()}">${DATE_FORMATS[ctx.locale].format(date)}</time>`;
}

function csrfField(ctx: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;
}

function poweredByMojeId(ctx: PageContext): SafeHtml {
  // Appendix 7 point 3: a "Powered by mojeID" mark on the main page, linking to where mojeID is used.
  return html`<p class="powered-by"><a href="${ctx.paths.loginPage}"><span class="mojeid-mark">mojeID</span> Podporuje mojeID / Powered by mojeID</a></p>`;
}

function mojeIdLoginButton(ctx: PageContext, returnTo: string): SafeHtml {
  return trustedHtml(
    loginButton({
      locale: ctx.locale,
      loginUrl: returnTo === '/' ? ctx.paths.login : `${ctx.paths.login}?returnTo=${encodeURIComponent(returnTo)}`,
      createAccountUrl: ctx.createAccountUrl,
    }),
  );
}

/**
 * The other language, for this page and (remembered in a cookie) for the next ones, the library's
 * pages included. A relative `?lang=` keeps the page the user is on.
 */
function languageSwitch(ctx: PageContext): SafeHtml {
  return ctx.locale === 'cs'
    ? html`<a class="lang" href="?lang=en" hreflang="en" lang="en">English</a>`
    : html`<a class="lang" href="?lang=cs" hreflang="cs" lang="cs">Česky</a>`;
}

export function layout(ctx: PageContext, title: string, body: SafeHtml): string {
  const user = ctx.user;
  const nav =
    user?.kind === 'account'
      ? html`<a href="/profile">Profil / Profile</a> <span class="who">${user.displayName}</span> ${trustedHtml(
          logoutForm({ locale: ctx.locale, logoutUrl: ctx.paths.logout, csrfToken: ctx.csrf }),
        )}`
      : user?.kind === 'mojeid-pending'
        ? html`<a href="/account/mojeid/first-login">Dokončit přihlášení / Finish logging in</a>`
        : html`<a href="/login">Přihlásit se / Log in</a>`;
  const notice = ctx.notice ? NOTICES[ctx.notice] : undefined;
  return html`<!doctype html>
<html lang="${ctx.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Ukázková aplikace</title>
<link rel="stylesheet" href="${ctx.paths.stylesheet}">
<link rel="stylesheet" href="/static/app.css">
</head>
<body>
<header class="bar"><a class="brand" href="/">Ukázková aplikace <small>Example app</small></a><nav>${nav} ${languageSwitch(ctx)}</nav></header>
<main>
${notice ? html`<p class="notice ${notice.kind}" role="status">${notice.text}</p>` : ''}
${body}
</main>
</body>
</html>
`.toString();
}

export function homePage(ctx: PageContext): string {
  const user = ctx.user;
  const body =
    user?.kind === 'account'
      ? html`<h1>Vítejte, ${user.displayName}</h1>
<p>Jste přihlášeni. / You are logged in.</p>
<p><a class="button" href="/profile">Můj profil / My profile</a></p>`
      : html`<h1>Ukázková aplikace s mojeID</h1>
<p class="lead">Přihlaste se svým účtem mojeID, nebo e-mailem a heslem.<br><span lang="en">Log in with your mojeID account, or with your e-mail and password.</span></p>
${mojeIdLoginButton(ctx, '/profile')}
<p><a href="/login">Přihlásit se e-mailem a heslem / Log in with e-mail and password</a></p>
<p><a href="/checkout">Nákup bez účtu / Guest checkout</a></p>`;
  return layout(ctx, 'Úvod / Home', html`${body}${poweredByMojeId(ctx)}`);
}

export function loginPage(ctx: PageContext, options: { returnTo: string; email?: string; failed?: boolean }): string {
  const body = html`<h1>Přihlášení / Log in</h1>
<section class="card">
<h2>Přes mojeID / With mojeID</h2>
${mojeIdLoginButton(ctx, options.returnTo)}
</section>
<section class="card">
<h2>E-mailem a heslem / With e-mail and password</h2>
${options.failed ? html`<p class="notice warn" role="alert">Nesprávný e-mail nebo heslo. / Wrong e-mail or password.</p>` : ''}
<form method="post" action="/login" class="stack">
${csrfField(ctx)}
<input type="hidden" name="returnTo" value="${options.returnTo}">
<label>E-mail <input type="email" name="email" required autocomplete="username" value="${options.email ?? ''}"></label>
<label>Heslo / Password <input type="password" name="password" required autocomplete="current-password"></label>
<button type="submit">Přihlásit se / Log in</button>
</form>
${ctx.showDemoHint ? html`<p class="hint">Ukázkový účet / Demo account: <code>demo@example.cz</code> / <code>demo-password</code></p>` : ''}
</section>`;
  return layout(ctx, 'Přihlášení / Log in', body);
}

function claimValue(value: unknown): SafeHtml | string {
  if (value === undefined || value === null) return '';
  if (value instanceof SafeHtml) return value;
  const formatted = (value as { formatted?: unknown }).formatted;
  if (typeof value === 'object' && typeof formatted === 'string') {
    // An address (normalised to an object by the library): its printable form, line by line.
    return html`${formatted.split('\n').map((line, i) => html`${i ? html`<br>` : ''}${line}`)}`;
  }
  if (typeof value === 'object') return html`<code>${JSON.stringify(value)}</code>`;
  return String(value);
}

function snapshotTable(ctx: PageContext, snapshot: MojeIdSnapshot): SafeHtml {
  const rows: Array<[string, unknown]> = [
    ['acr', snapshot.acr ?? '(none)'],
    ['Úroveň ověření / Assurance level', snapshot.assuranceLevel ?? '(none)'],
    ['amr', snapshot.amr?.join(' ')],
    ['auth_time', snapshot.authTime !== undefined ? when(ctx, snapshot.authTime) : undefined],
    ['iss', snapshot.issuer],
  ];
  return html`<table class="data" id="mojeid-claims">
<tbody>
${Object.entries(snapshot.claims).map(([name, value]) => html`<tr><th><code>${name}</code></th><td>${claimValue(value)}</td></tr>`)}
${rows.filter(([, v]) => v !== undefined).map(([name, value]) => html`<tr class="meta"><th>${name}</th><td>${claimValue(value)}</td></tr>`)}
</tbody>
</table>`;
}

function accountTable(ctx: PageContext, account: LocalUser): SafeHtml {
  return html`<table class="data" id="local-account">
<tbody>
<tr><th>E-mail</th><td>${account.email}</td></tr>
<tr><th>Jméno / Given name</th><td>${account.given_name ?? ''}</td></tr>
<tr><th>Příjmení / Family name</th><td>${account.family_name ?? ''}</td></tr>
<tr><th>Telefon / Phone</th><td>${account.phone ?? ''}</td></tr>
<tr><th>Heslo / Password</th><td>${account.password_hash ? 'nastaveno / set' : 'nenastaveno (jen mojeID) / not set (mojeID only)'}</td></tr>
<tr><th>Založen / Created</th><td>${when(ctx, account.created_at)}</td></tr>
</tbody>
</table>`;
}

function createAccountOffer(ctx: PageContext): SafeHtml {
  // Appendix 7 point 7b: not linked, so probably no mojeID account: offer one, prefilled from the
  // local account. The library's register route takes the data from the server side.
  if (!ctx.accountCreation) {
    return html`<p class="mojeid-links">Nemáte mojeID? / No mojeID yet? <a href="${ctx.createAccountUrl}">Založit účet mojeID / Create mojeID account</a></p>`;
  }
  return html`<form method="post" action="${ctx.paths.register}" class="mojeid-links" id="create-mojeid-account">
${csrfField(ctx)}
Nemáte mojeID? / No mojeID yet? <button type="submit" class="link">Založit účet mojeID / Create mojeID account</button>
<br><small>Předvyplníme údaje z tohoto účtu a po založení účty propojíme. / We fill in this account's data and link the new account once it is created.</small>
</form>`;
}

function linkSection(ctx: PageContext, user: AccountUser, link: MojeIdLink | undefined, status: MojeIdStatus | undefined): SafeHtml {
  if (link) {
    return html`<p>Propojeno s mojeID / Linked with mojeID: <code id="mojeid-sub">${link.sub}</code><br><small>od / since ${when(ctx, link.linked_at)}</small></p>
${status ? html`<p>Stav účtu mojeID / mojeID account status: <code id="mojeid-status">${status.status}</code> <small>(${when(ctx, status.updated_at)})</small></p>` : ''}
<form method="post" action="/account/mojeid/unlink" class="stack">
${csrfField(ctx)}
${user.account.password_hash
  ? ''
  : html`<p class="hint">Účet nemá heslo: po zrušení propojení se budete přihlašovat e-mailem a tímto heslem.<br>This account has no password: after unlinking you will log in with your e-mail and this password.</p>
<label>Nové heslo / New password <input type="password" name="newPassword" required minlength="8" autocomplete="new-password"></label>`}
<button type="submit" class="secondary">Zrušit propojení s mojeID / Unlink mojeID</button>
</form>`;
  }
  return html`<p>Účet není propojen s mojeID. / This account is not linked with mojeID.</p>
<form method="post" action="/account/mojeid/link">
${csrfField(ctx)}
<button type="submit" class="mojeid-button"><span class="mojeid-mark" aria-hidden="true">mojeID</span> Propojit s mojeID / Link mojeID</button>
</form>
${createAccountOffer(ctx)}`;
}

export function profilePage(ctx: PageContext, user: AccountUser, status?: MojeIdStatus, offline: { refreshTokenStored: boolean } = { refreshTokenStored: false }): string {
  const body = html`<h1>Můj profil / My profile</h1>
<p>Přihlášeni / Logged in: ${user.method === 'mojeid' ? 'přes mojeID / with mojeID' : 'heslem / with password'}</p>
<section class="card">
<h2>Místní účet / Local account</h2>
${accountTable(ctx, user.account)}
</section>
<section class="card">
<h2>mojeID</h2>
${linkSection(ctx, user, user.link, status)}
</section>
${user.link
  ? html`<section class="card" id="offline-access">
<h2>Aktuální údaje / Keep your data current</h2>
${offline.refreshTokenStored
  ? html`<form method="post" action="/account/mojeid/refresh">
${csrfField(ctx)}
<button type="submit">Načíst mé údaje z mojeID znovu / Refresh my data from mojeID</button>
</form>`
  : html`<p class="hint">Služba nemá uložený přístup k vašim údajům v mojeID. Spusťte ji s MOJEID_OFFLINE_ACCESS=true a přihlaste se přes mojeID. / No stored access to your mojeID data: start the app with MOJEID_OFFLINE_ACCESS=true and log in with mojeID.</p>`}
</section>`
  : ''}
<section class="card">
<h2>Platba / Payment</h2>
<p><a href="/payment">Potvrdit platbu (vyžaduje eIDAS z posledních 5 minut) / Confirm a payment (needs eIDAS within 5 minutes)</a></p>
</section>
<section class="card">
<h2>Údaje z mojeID / Data received from mojeID</h2>
${user.mojeid
  ? html`<p class="hint">Při tomto přihlášení (${when(ctx, user.mojeid.receivedAt)}). / At this login.</p>${snapshotTable(ctx, user.mojeid)}`
  : html`<p class="hint">Přihlaste se přes mojeID a uvidíte, jaké údaje mojeID předalo. / Log in with mojeID to see the data it hands over.</p>`}
</section>`;
  return layout(ctx, 'Profil / Profile', body);
}

/** "Refresh my data from mojeID": what UserInfo says now, fetched without a login (docs/offline-access.md). */
export function refreshedPage(ctx: PageContext, claims: Readonly<Record<string, unknown>>): string {
  const rows = Object.entries(claims)
    .filter(([name]) => name !== 'sub')
    .map(([name, value]) => html`<tr><th><code>${name}</code></th><td>${typeof value === 'string' ? value : JSON.stringify(value)}</td></tr>`);
  const body = html`<h1>Údaje z mojeID, načtené teď<br><small>Your mojeID data, fetched just now</small></h1>
<p class="hint">Načteno bez přihlášení, uloženým přístupem (refresh token). / Fetched without a login, with the stored access (refresh token).</p>
<table class="data" id="refreshed-claims"><tbody>${rows}</tbody></table>
<p><a href="/profile">Zpět na profil / Back to the profile</a></p>`;
  return layout(ctx, 'Údaje z mojeID / mojeID data', body);
}

export function firstLoginPage(ctx: PageContext, user: PendingUser, options: { failed?: boolean; email?: string; emailTaken: boolean }): string {
  const m = user.mojeid;
  const email = claimText(m, 'email');
  const body = html`<h1>První přihlášení přes mojeID<br><small>First login with mojeID</small></h1>
<p>mojeID nám předalo tyto údaje / mojeID handed over:</p>
<table class="data" id="mojeid-summary"><tbody>
<tr><th>Jméno / Name</th><td>${[claimText(m, 'given_name'), claimText(m, 'family_name')].filter(Boolean).join(' ')}</td></tr>
<tr><th>E-mail</th><td>${email ?? ''}</td></tr>
<tr><th>Telefon / Phone</th><td>${claimText(m, 'phone_number') ?? ''}</td></tr>
<tr><th>Identifikátor mojeID / mojeID identifier</th><td><code>${m.sub}</code></td></tr>
</tbody></table>
<div class="choices">
<section class="card" id="link-existing">
<h2>Už u nás máte účet? / Already have an account?</h2>
<p>Propojte ho s mojeID: přihlaste se k němu e-mailem a heslem.<br>Link it with mojeID: log in to it with its e-mail and password.</p>
${options.failed ? html`<p class="notice warn" role="alert">Nesprávný e-mail nebo heslo; nic nebylo propojeno. / Wrong e-mail or password; nothing was linked.</p>` : ''}
<form method="post" action="/account/mojeid/link-existing" class="stack">
${csrfField(ctx)}
<label>E-mail <input type="email" name="email" required autocomplete="username" value="${options.email ?? email ?? ''}"></label>
<label>Heslo / Password <input type="password" name="password" required autocomplete="current-password"></label>
<button type="submit">Propojit s existujícím účtem / Link to existing account</button>
</form>
</section>
<section class="card" id="create-new">
<h2>Jste tu poprvé? / New here?</h2>
<p>Založíme vám účet z údajů mojeID (bez hesla: přihlašujete se přes mojeID).<br>We create your account from your mojeID data (no password: you log in with mojeID).</p>
${!email
  ? html`<p class="notice warn">mojeID nepředalo e-mail, bez něj účet založit nelze. / mojeID did not hand over an e-mail address; an account needs one.</p>`
  : options.emailTaken
    ? html`<p class="notice warn">Účet s e-mailem ${email} už existuje: propojte ho vlevo. / An account with ${email} already exists: link it instead.</p>`
    : html`<form method="post" action="/account/mojeid/create">
${csrfField(ctx)}
<button type="submit">Vytvořit nový účet / Create a new account</button>
</form>`}
</section>
</div>
<form method="post" action="/account/mojeid/cancel">
${csrfField(ctx)}
<button type="submit" class="link">Zrušit přihlášení / Cancel</button>
</form>`;
  return layout(ctx, 'První přihlášení / First login', body);
}

export function updatePage(ctx: PageContext, diffs: readonly FieldDifference[], blocked: ReadonlySet<string>): string {
  const body = html`<h1>Údaje v mojeID se liší<br><small>Your mojeID data differs</small></h1>
<p>Vyberte, které údaje chcete v našem účtu nahradit údaji z mojeID. Nezaškrtnuté zůstanou beze změny.<br>
Choose which fields of your account to replace with the data from mojeID. Unticked fields stay as they are.</p>
<form method="post" action="/account/mojeid/update">
${csrfField(ctx)}
<table class="data choices-table"><thead><tr><th>Údaj / Field</th><th>U nás / Here</th><th>V mojeID / In mojeID</th><th>Aktualizovat / Update</th></tr></thead>
<tbody>
${diffs.map(
  (d) => html`<tr><th>${d.label}</th><td>${d.local ?? ''}</td><td>${d.mojeid}</td><td>${
    blocked.has(d.field)
      ? html`<small>používá jiný účet / used by another account</small>`
      : html`<label><input type="checkbox" name="update_${d.field}" value="1"> <span class="visually-hidden">${d.label}</span></label>`
  }</td></tr>`,
)}
</tbody></table>
<p><button type="submit">Uložit volbu / Save choice</button></p>
</form>`;
  return layout(ctx, 'Aktualizace údajů / Update data', body);
}

/**
 * A page that demands more than the rest of the app (docs/assurance.md, step-up): the guard in
 * front of it wants an eIDAS-verified login (NIA, §5.1.12) made within the last 5 minutes.
 */
export function paymentPage(ctx: PageContext, login: { acr: string | undefined; authTime: number | undefined; assuranceLevel: string | undefined } | undefined): string {
  const body = html`<h1>Potvrzení platby / Confirm a payment</h1>
<p>Tato stránka vyžaduje přihlášení přes mojeID ověřené v NIA (eIDAS) za posledních 5 minut; zbytek aplikace stačí s jakýmkoli přihlášením.
<br>This page needs a mojeID login verified through NIA (eIDAS) within the last 5 minutes; the rest of the app takes any login.</p>
<table class="data" id="step-up-login"><tbody>
<tr><th>Úroveň / Level</th><td>${login?.assuranceLevel ?? ''}</td></tr>
<tr><th>acr</th><td><code>${login?.acr ?? ''}</code></td></tr>
<tr><th>Přihlášení v mojeID / Authenticated at mojeID</th><td>${login?.authTime !== undefined ? when(ctx, login.authTime) : ''}</td></tr>
</tbody></table>
<p><a href="/profile">Zpět na profil / Back to the profile</a></p>`;
  return layout(ctx, 'Platba / Payment', body);
}

export function messagePage(ctx: PageContext, title: string, text: string): string {
  return layout(ctx, title, html`<h1>${title}</h1><p>${text}</p><p><a href="/">Zpět na úvod / Back home</a></p>`);
}
