/**
 * A small real-HTTP "browser" for the simulator: it follows the simulator's redirects, posts its
 * login and consent forms, and hands back the redirect to the client's `redirect_uri`.
 *
 * It uses the global `fetch` with `redirect: 'manual'` and a {@link CookieJar}, so tests
 * need no browser. It understands only the simulator's pages (see `views.ts` and the form fields
 * listed in `interactions.ts`).
 *
 * @module
 */

import { CookieJar } from './cookie-jar.js';

export interface LoginThroughSimulatorOptions {
  /** Id of the account to log in as (`partial`, `nia-high`, `business` for the test accounts). */
  account: string;
  /**
   * Press Deny / Odmítnout instead of going on: `true` or `'consent'` on the consent page (after
   * logging in as `account`), `'login'` on the login page (or on the consent page when the
   * cookie jar's session skips the login). The result is then the client's redirect URI with
   * `error=access_denied`.
   */
  deny?: boolean | 'login' | 'consent';
  /** Claims to uncheck on the consent page: they are withheld and not released. */
  withhold?: string[];
  /**
   * Cookies to use and keep, e.g. to log in again with the simulator session of an earlier call
   * (then no login page appears) or to visit the logout page afterwards. Default: a fresh jar.
   */
  cookies?: CookieJar;
}

/** Upper bound on requests in one login; the simulator needs at most about six. */
const MAX_STEPS = 20;

interface Form {
  action: string;
  id: string | undefined;
  fields: { name: string; value: string; type: string | undefined }[];
}

const ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

function unescapeHtml(value: string): string {
  return value.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);
}

function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const match of tag.matchAll(/([a-zA-Z][\w:-]*)(?:="([^"]*)")?/g)) {
    const name = match[1];
    if (name) out.set(name.toLowerCase(), unescapeHtml(match[2] ?? ''));
  }
  return out;
}

/** The forms of a page with their named inputs and buttons, in document order. */
function parseForms(html: string): Form[] {
  const forms: Form[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attrs = attributes(match[1] ?? '');
    const fields: Form['fields'] = [];
    for (const control of (match[2] ?? '').matchAll(/<(?:input|button)\b([^>]*)>/gi)) {
      const c = attributes(control[1] ?? '');
      const name = c.get('name');
      if (name !== undefined) fields.push({ name, value: c.get('value') ?? '', type: c.get('type') });
    }
    forms.push({ action: attrs.get('action') ?? '', id: attrs.get('id'), fields });
  }
  return forms;
}

function stepOf(html: string): string | undefined {
  return /<main data-step="([^"]+)"/.exec(html)?.[1];
}

function textExcerpt(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}

function formById(forms: Form[], id: string, url: URL): Form {
  const form = forms.find((f) => f.id === id);
  if (!form) throw new Error(`mojeID simulator page at ${url.href} has no "${id}" form`);
  return form;
}

/**
 * Drive the simulator from an authorization URL to the redirect back to the client: follow its
 * redirects, log in as `account`, allow (or deny) on the consent page, and return the first
 * redirect to a URL outside the simulator's origin: the client's `redirect_uri` with
 * `code`, `state`, `iss` (or `error`). With `response_mode=form_post` the returned URL is the
 * form's action with the posted fields as query parameters.
 *
 * Throws on an unknown account, a withheld claim the consent page does not list, a deny that
 * had no page to happen on, or any page the driver does not understand (e.g. an error page for
 * an unregistered redirect URI).
 */
export async function loginThroughSimulator(authorizationUrl: string | URL, options: LoginThroughSimulatorOptions): Promise<URL> {
  const jar = options.cookies ?? new CookieJar();
  const denyAt = options.deny === true ? 'consent' : options.deny || undefined;
  const withhold = new Set(options.withhold ?? []);
  let url = new URL(authorizationUrl);
  const origin = url.origin;
  let body: URLSearchParams | undefined;
  let denied = false;
  let consented = false;

  const finish = (result: URL): URL => {
    if (denyAt && !denied) throw new Error(`deny: '${denyAt}' was asked for, but the simulator showed no page to deny on (the flow ended at ${result.origin}${result.pathname})`);
    if (withhold.size > 0 && !consented && !denied) throw new Error('withhold was given, but the simulator showed no consent page (consent already given in this cookie jar?)');
    return result;
  };

  for (let step = 0; step < MAX_STEPS; step += 1) {
    const headers: Record<string, string> = { accept: 'text/html' };
    const cookie = jar.header(url);
    if (cookie) headers['cookie'] = cookie;
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, { method: body ? 'POST' : 'GET', headers, body, redirect: 'manual' });
    jar.store(url, response.headers.getSetCookie());

    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.arrayBuffer();
      const next = new URL(location, url);
      if (next.origin !== origin) return finish(next);
      url = next;
      body = undefined;
      continue;
    }

    const html = await response.text();
    const page = stepOf(html);
    const forms = parseForms(html);

    if (page === 'login') {
      if (denyAt === 'login') {
        denied = true;
        url = new URL(formById(forms, 'abort', url).action, url);
        body = new URLSearchParams();
        continue;
      }
      const login = formById(forms, 'login', url);
      const offered = login.fields.filter((f) => f.name === 'account').map((f) => f.value);
      if (!offered.includes(options.account)) {
        throw new Error(`the simulator has no account "${options.account}"; it offers: ${offered.join(', ')}`);
      }
      url = new URL(login.action, url);
      body = new URLSearchParams({ account: options.account });
      continue;
    }

    if (page === 'consent') {
      if (denyAt) {
        denied = true;
        url = new URL(formById(forms, 'abort', url).action, url);
        body = new URLSearchParams();
        continue;
      }
      const consent = formById(forms, 'consent', url);
      const listed = consent.fields.filter((f) => f.name === 'claim' && f.type === 'checkbox').map((f) => f.value);
      const unknown = [...withhold].filter((name) => !listed.includes(name));
      if (unknown.length) throw new Error(`cannot withhold ${unknown.join(', ')}: the consent page lists only ${listed.join(', ') || '(nothing)'}`);
      body = new URLSearchParams();
      for (const name of listed) if (!withhold.has(name)) body.append('claim', name);
      url = new URL(consent.action, url);
      consented = true;
      continue;
    }

    // oidc-provider's self-submitting pages: the form_post response to the client, and the
    // logout of the previous account when another one logs in. A browser submits them by script.
    const [only] = forms;
    if (page === undefined && forms.length === 1 && only && only.fields.every((f) => f.type === 'hidden' || f.type === 'submit')) {
      const target = new URL(only.action, url);
      const fields = only.fields.filter((f) => f.type === 'hidden');
      if (target.origin !== origin) {
        for (const field of fields) target.searchParams.append(field.name, field.value);
        return finish(target);
      }
      url = target;
      body = new URLSearchParams(fields.map((f): [string, string] => [f.name, f.value]));
      continue;
    }

    throw new Error(`unexpected page from the mojeID simulator (HTTP ${response.status}) at ${url.href}: ${textExcerpt(html)}`);
  }
  throw new Error(`the mojeID simulator did not send the browser back to the client within ${MAX_STEPS} requests`);
}
