/**
 * mojeID's logout page (ch. 7): an RP cannot log the user out of mojeID, it can only send them
 * to `https://mojeid.cz/logout/`, where the user confirms. Served at the origin root, `/logout/`.
 *
 * - `GET  /logout/`  "Log out of mojeID?" with a button;
 * - `POST /logout/`  (no fields) ends the simulator session, then "You are logged out", with a
 *   "Back to <service>" link for each service the session had logged in to;
 * - `GET  /return/?client_id=<id>`  303 to a registered service (the "account created" page's
 *   way back, ch. 6; served here because this router has the provider's client registry).
 *
 * Ch. 7 says nothing of a way back (nor does §6.3 for a new account: "the user is shown an
 * information about the completion of the registration"); the links are the simulator's, so a
 * tester is not stranded on its pages. They never take a target from the request: only the origin
 * of a registered client's first redirect URI, so they cannot be turned into an open redirect.
 *
 * @module
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type Provider from 'oidc-provider';
import type { Session } from 'oidc-provider';
import type { AccountDirectory } from './accounts.js';
import { LONG_COOKIE } from './provider.js';
import { PAGE_HEADERS, errorPage, loggedOutPage, logoutPage, type ServiceLink } from './views.js';

export const LOGOUT_PATH = '/logout/';
export const RETURN_PATH = '/return/';

/** The oidc-provider session the browser's session cookie points at, if any. */
async function currentSession(provider: Provider, req: Request, res: Response): Promise<Session | undefined> {
  const ctx = provider.createContext(req, res);
  // Signed, as oidc-provider reads it: koa's cookies check the signature by default.
  const id = ctx.cookies.get(provider.cookieName('session'));
  return id ? provider.Session.find(id) : undefined;
}

/** A registered client as a link to its site: the origin of its first redirect URI. */
export async function serviceLink(provider: Provider, clientId: string): Promise<ServiceLink | undefined> {
  const client = await provider.Client.find(clientId);
  const uri = client?.redirectUris?.[0];
  if (!client || !uri) return undefined;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  return { name: client.clientName ?? client.clientId, href: `${url.origin}/` };
}

/** The services a session logged in to (oidc-provider keeps one entry per client), one link each. */
async function servicesOf(provider: Provider, session: Session | undefined): Promise<ServiceLink[]> {
  const links: ServiceLink[] = [];
  for (const clientId of Object.keys(session?.authorizations ?? {})) {
    const link = await serviceLink(provider, clientId);
    if (link && !links.some((l) => l.href === link.href)) links.push(link);
  }
  return links;
}

export function logoutRouter(provider: Provider, accounts: AccountDirectory): express.Router {
  const router = express.Router();
  const send = (res: Response, html: string, status = 200): void => {
    res.status(status).set(PAGE_HEADERS).send(html);
  };

  router.get(LOGOUT_PATH, (req: Request, res: Response, next: NextFunction) => {
    currentSession(provider, req, res)
      .then((session) => {
        const account = session?.accountId ? accounts.bySub(session.accountId) : undefined;
        send(res, logoutPage(LOGOUT_PATH, account?.label));
      })
      .catch(next);
  });

  router.post(LOGOUT_PATH, express.urlencoded({ extended: false, limit: '1kb' }), (req: Request, res: Response, next: NextFunction) => {
    currentSession(provider, req, res)
      .then(async (session) => {
        // Read before the session goes: afterwards nothing says where the user came from.
        const services = await servicesOf(provider, session);
        await session?.destroy();
        provider.createContext(req, res).cookies.set(provider.cookieName('session'), null, LONG_COOKIE);
        send(res, loggedOutPage(services));
      })
      .catch(next);
  });

  router.get(RETURN_PATH, (req: Request, res: Response, next: NextFunction) => {
    const clientId = req.query['client_id'];
    (typeof clientId === 'string' && clientId ? serviceLink(provider, clientId) : Promise.resolve(undefined))
      .then((link) => {
        if (!link) {
          send(res, errorPage('invalid_client', 'Neznámá služba (client_id). / Unknown service (client_id).'), 404);
          return;
        }
        res.set('Cache-Control', 'no-store').redirect(303, link.href);
      })
      .catch(next);
  });

  return router;
}
