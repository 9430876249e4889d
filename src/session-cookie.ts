/**
 * Will the browser bring the session cookie back with mojeID's redirect to the callback? A login's
 * state lives in the session, so a cookie that does not come back loses every login, and the
 * callback alone cannot see why. These checks read express-session's cookie settings
 * (`req.session.cookie`) and the request, and say what stops the cookie, in words a developer can
 * act on. They name settings, never echo request data.
 */
import type { Request } from 'express';

export type CookieProblem = 'secure_over_http' | 'untrusted_proxy' | 'samesite_strict' | 'other_host';

export interface CookieFinding {
  readonly problem: CookieProblem;
  /** What happens and what to change. */
  readonly message: string;
}

interface SessionCookieSettings {
  secure?: unknown;
  sameSite?: unknown;
  domain?: unknown;
}

function cookieSettings(req: Request): SessionCookieSettings | undefined {
  const cookie = (req as unknown as { session?: { cookie?: unknown } }).session?.cookie;
  return cookie && typeof cookie === 'object' ? (cookie as SessionCookieSettings) : undefined;
}

/**
 * Problems with the session cookie that hold for any request like this one: `secure` over plain
 * http (or over https that Express cannot see because it does not trust the proxy), and
 * `SameSite=Strict`, which no browser sends with a redirect from another site (mojeID).
 */
export function cookieSettingProblems(req: Request): CookieFinding[] {
  const cookie = cookieSettings(req);
  if (!cookie) return [];
  const findings: CookieFinding[] = [];
  if (cookie.secure === true && !req.secure) {
    const forwardedProto = req.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
    findings.push(
      forwardedProto === 'https'
        ? {
            problem: 'untrusted_proxy',
            message:
              "the session cookie is `secure` and a proxy says the request came over https (X-Forwarded-Proto), but Express does not trust that proxy, so express-session never sets the cookie: call app.set('trust proxy', 1) (or your proxy's hop count or address)",
          }
        : {
            problem: 'secure_over_http',
            message:
              "the session cookie is `secure`, but the request came over plain http, so express-session never sets it and no browser would keep it: serve the app over https, or make the cookie secure only in production (cookie: { secure: process.env.NODE_ENV === 'production' })",
          },
    );
  }
  if (cookie.sameSite === 'strict' || cookie.sameSite === true) {
    findings.push({
      problem: 'samesite_strict',
      message:
        "the session cookie is SameSite=Strict, and browsers do not send such a cookie with mojeID's redirect back to the callback (a navigation from another site): use sameSite: 'lax'",
    });
  }
  return findings;
}

/**
 * At login start: the cookie is set for the host the browser is on, but mojeID sends the browser
 * back to the redirect URI's host. `localhost` and `127.0.0.1` are different hosts to a browser.
 */
export function hostProblem(req: Request, redirectUri: string): CookieFinding | undefined {
  const callbackHost = new URL(redirectUri).hostname.toLowerCase();
  const requestHost = req.hostname?.toLowerCase();
  if (!requestHost || requestHost === callbackHost) return undefined;
  const domain = cookieSettings(req)?.domain;
  if (typeof domain === 'string' && domain) {
    const d = domain.replace(/^\./, '').toLowerCase();
    const covers = (host: string): boolean => host === d || host.endsWith(`.${d}`);
    if (covers(requestHost) && covers(callbackHost)) return undefined;
  }
  return {
    problem: 'other_host',
    message: `a login was started on another host name than the redirect URI's (${callbackHost}); the browser keeps the session cookie per host name (localhost and 127.0.0.1 are different hosts), so it will not send it to the callback: open the app at the host of MOJEID_BASE_URL / the redirect URI`,
  };
}

/** Whether express-session runs on this request (it sets `req.sessionID`). */
export function isExpressSession(req: Request): boolean {
  return typeof (req as unknown as { sessionID?: unknown }).sessionID === 'string';
}

/**
 * What the Cookie header says about the session, for express-session, whose cookie value is the
 * session ID signed as `s:<id>.<signature>` (URL-encoded `s%3A…`). `own`: the header carries this
 * request's session; `other`: a signed session cookie whose session the store did not have (so
 * express-session made a new one); `none`: no session cookie at all.
 */
export function sessionCookieSent(req: Request): 'own' | 'other' | 'none' {
  const header = req.get('cookie') ?? '';
  const id = (req as unknown as { sessionID?: unknown }).sessionID;
  if (typeof id === 'string' && id && (header.includes(`s%3A${id}.`) || header.includes(`s:${id}.`))) return 'own';
  return /=s(?:%3A|:)[^;]+\./i.test(header) ? 'other' : 'none';
}
