/**
 * mojeID's logout page (ch. 7): an RP cannot log the user out of mojeID, it can only send them
 * to `https://mojeid.cz/logout/`, where the user confirms. Served at the origin root, `/logout/`.
 *
 * - `GET  /logout/`  "Log out of mojeID?" with a button;
 * - `POST /logout/`  (no fields) ends the simulator session, then "You are logged out".
 *
 * @module
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type Provider from 'oidc-provider';
import type { SessionModel } from 'oidc-provider';
import type { AccountDirectory } from './accounts.js';
import { LONG_COOKIE } from './provider.js';
import { PAGE_HEADERS, loggedOutPage, logoutPage } from './views.js';

export const LOGOUT_PATH = '/logout/';

/** The oidc-provider session the browser's session cookie points at, if any. */
async function currentSession(provider: Provider, req: Request, res: Response): Promise<SessionModel | undefined> {
  const ctx = provider.createContext(req, res);
  const id = ctx.cookies.get(provider.cookieName('session'), LONG_COOKIE);
  return id ? provider.Session.find(id) : undefined;
}

export function logoutRouter(provider: Provider, accounts: AccountDirectory): express.Router {
  const router = express.Router();
  const send = (res: Response, html: string): void => {
    res.status(200).set(PAGE_HEADERS).send(html);
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
        await session?.destroy();
        provider.createContext(req, res).cookies.set(provider.cookieName('session'), null, LONG_COOKIE);
        send(res, loggedOutPage());
      })
      .catch(next);
  });

  return router;
}
