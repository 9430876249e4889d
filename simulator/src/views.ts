/**
 * The simulator's HTML pages: login, consent, logout and errors. Server-rendered, every value
 * escaped, no scripts; labels in Czech and English like mojeID's own pages.
 *
 * Each page's `<main>` carries `data-step` (`login`, `consent`, `logout`, `logged-out`,
 * `error`) so tests and the driver can tell the pages apart without parsing prose.
 *
 * @module
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

const STYLE = `
body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.5rem}.en{color:#555;font-weight:normal}
.sim{background:#fff4d6;border:1px solid #e0c060;padding:.5rem .75rem;font-size:.9rem}
form{margin:1rem 0}button{font:inherit;padding:.5rem 1rem;margin:.25rem 0;cursor:pointer}
.account{display:block;width:100%;text-align:left}.account small{display:block;color:#555}
.primary{background:#1b6ac9;color:#fff;border:1px solid #1b6ac9}
fieldset{border:1px solid #ccc}label{display:block;margin:.35rem 0}code{font-size:.85rem;color:#555}
.value{color:#333;word-break:break-all}
.back-links{list-style:none;padding:0}
`;

/** A complete page. `title` and `body` are already-escaped HTML. */
export function page(step: string, title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="cs">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<main data-step="${escapeHtml(step)}">
<p class="sim">Simulátor mojeID pro testování – nejde o skutečné mojeID. / mojeID simulator for testing – not the real mojeID.</p>
${body}
</main>
</body>
</html>
`;
}

/** "Czech / English" heading text, escaped. */
export function both(cs: string, en: string): string {
  return `${escapeHtml(cs)} <span class="en" lang="en">/ ${escapeHtml(en)}</span>`;
}

export interface LoginView {
  /** Base URL of the interaction, e.g. `/oidc/interaction/<uid>`. */
  action: string;
  clientName: string;
  accounts: readonly { id: string; label: string; description: string }[];
}

/** Login page (§5.1.7): one button per account (`account=<id>`), plus Deny. */
export function loginPage(view: LoginView): string {
  const buttons = view.accounts
    .map(
      (a) =>
        `<button type="submit" class="account" name="account" value="${escapeHtml(a.id)}">${escapeHtml(a.label)}<small>${escapeHtml(a.description)}</small></button>`,
    )
    .join('\n');
  return page(
    'login',
    'Přihlášení – mojeID / Log in – mojeID',
    `<h1>${both('Přihlášení do mojeID', 'Log in to mojeID')}</h1>
<p>${both('Služba', 'Service')}: <strong>${escapeHtml(view.clientName)}</strong></p>
<p>${both('Vyberte testovací účet', 'Choose a test account')}:</p>
<form method="post" action="${escapeHtml(`${view.action}/login`)}" id="login">
${buttons}
</form>
<form method="post" action="${escapeHtml(`${view.action}/abort`)}" id="abort">
<button type="submit">Odmítnout / Deny</button>
</form>`,
  );
}

export interface ConsentView {
  action: string;
  clientName: string;
  accountLabel: string;
  claims: readonly { name: string; label: string; value: string }[];
}

/** Consent page: the requested claims, each with a checkbox (`claim=<name>`), all checked. */
export function consentPage(view: ConsentView): string {
  const items = view.claims.length
    ? view.claims
        .map(
          (c) =>
            `<label><input type="checkbox" name="claim" value="${escapeHtml(c.name)}" checked> ${escapeHtml(c.label)} <code>${escapeHtml(c.name)}</code>: <span class="value">${escapeHtml(c.value)}</span></label>`,
        )
        .join('\n')
    : `<p>${both('Služba nežádá žádné údaje kromě identifikátoru.', 'The service asks for no data besides the identifier.')}</p>`;
  return page(
    'consent',
    'Předání údajů – mojeID / Data handover – mojeID',
    `<h1>${both('Předání údajů', 'Data handover')}</h1>
<p>${both('Přihlášen(a) jako', 'Logged in as')}: <strong>${escapeHtml(view.accountLabel)}</strong></p>
<p>${both('Služba žádá o tyto údaje', 'The service asks for these data')}: <strong>${escapeHtml(view.clientName)}</strong></p>
<form method="post" action="${escapeHtml(`${view.action}/confirm`)}" id="consent">
<fieldset><legend>${both('Údaje k předání', 'Data to hand over')}</legend>
${items}
</fieldset>
<button type="submit" class="primary">Povolit / Allow</button>
</form>
<form method="post" action="${escapeHtml(`${view.action}/abort`)}" id="abort">
<button type="submit">Odmítnout / Deny</button>
</form>`,
  );
}

/** Logout confirmation (ch. 7): the user confirms, the RP cannot log them out. */
export function logoutPage(action: string, accountLabel: string | undefined): string {
  const who = accountLabel
    ? `<p>${both('Přihlášen(a) jako', 'Logged in as')}: <strong>${escapeHtml(accountLabel)}</strong></p>`
    : `<p>${both('Nejste přihlášeni.', 'You are not logged in.')}</p>`;
  return page(
    'logout',
    'Odhlášení – mojeID / Log out – mojeID',
    `<h1>${both('Odhlásit se z mojeID?', 'Log out of mojeID?')}</h1>
${who}
<form method="post" action="${escapeHtml(action)}" id="logout">
<button type="submit" class="primary">Odhlásit / Log out</button>
</form>`,
  );
}

/** A registered service to go back to: its `client_name` and where to link (see `logout.ts`). */
export interface ServiceLink {
  readonly name: string;
  readonly href: string;
}

/** "Back to <service>" links, one per service; nothing when there is none to go back to. */
export function backLinks(services: readonly ServiceLink[]): string {
  if (!services.length) return '';
  const items = services
    .map((s) => `<li><a class="back" href="${escapeHtml(s.href)}">${escapeHtml(`Zpět do služby ${s.name}`)} <span class="en" lang="en">/ ${escapeHtml(`Back to ${s.name}`)}</span></a></li>`)
    .join('\n');
  return `<ul class="back-links" id="back-links">\n${items}\n</ul>`;
}

export function loggedOutPage(services: readonly ServiceLink[] = []): string {
  return page(
    'logged-out',
    'Odhlášeno – mojeID / Logged out – mojeID',
    `<h1>${both('Byli jste odhlášeni z mojeID', 'You are logged out of mojeID')}</h1>
${backLinks(services)}`,
  );
}

/**
 * The target of "Create mojeID account" links (`https://mojeid.cz/registration/`, Appendix 7
 * point 2b): the simulator creates no accounts, it offers its test accounts.
 */
export function registrationPage(accounts: readonly { id: string; label: string }[]): string {
  const items = accounts.map((a) => `<li>${escapeHtml(a.label)} <code>${escapeHtml(a.id)}</code></li>`).join('\n');
  return page(
    'registration',
    'Založení účtu – mojeID / Create an account – mojeID',
    `<h1>${both('Založit účet mojeID', 'Create a mojeID account')}</h1>
<p>${both('Simulátor účty nezakládá; k přihlášení nabízí tyto testovací účty:', 'The simulator creates no accounts; these test accounts can log in:')}</p>
<ul>
${items}
</ul>`,
  );
}

export function errorPage(error: string, description: string | undefined): string {
  return page(
    'error',
    'Chyba – mojeID / Error – mojeID',
    `<h1>${both('Něco se pokazilo', 'Something went wrong')}</h1>
<p><code id="error">${escapeHtml(error)}</code></p>
${description ? `<p id="error_description">${escapeHtml(description)}</p>` : ''}`,
  );
}

/**
 * Headers for every simulator page: no caching, no framing (§5: mojeID does not permit its
 * login page in frames), no scripts at all.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};
