/**
 * The app's own pages around the login: home (with the mojeID button), the local password login,
 * the guest checkout filled once from mojeID without an account (docs/prefill.md), `GET /me` as
 * JSON, and the stylesheet.
 */
import { Router } from 'express';
import { takeMojeIdPrefill } from 'passport-mojeid-oidc';
import { checkoutPage, checkoutValues } from '../checkout.js';
import type { LocalUser } from '../db.js';
import { verifyPassword } from '../passwords.js';
import { accountUser } from '../session-user.js';
import { APP_STYLESHEET } from '../stylesheet.js';
import { homePage, loginPage } from '../views.js';
import { bodyText, returnToOf, type SiteContext } from './context.js';

export function siteRoutes(site: SiteContext): Router {
  const { db, form, csrf, send, pageContext, logIn, mojeIdConfig } = site;
  const router = Router();

  router.get('/static/app.css', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600').type('text/css').send(APP_STYLESHEET);
  });

  // No icon; answered so browsers do not log a 404 on every page.
  router.get('/favicon.ico', (_req, res) => void res.set('Cache-Control', 'public, max-age=86400').status(204).end());

  router.get('/', (req, res) => send(res, homePage(pageContext(req))));

  router.get('/login', (req, res) => {
    if (accountUser(req)) return res.redirect(303, '/profile');
    send(res, loginPage(pageContext(req), { returnTo: returnToOf(req.query['returnTo']) }));
  });

  router.post('/login', form, csrf, async (req, res) => {
    const email = bodyText(req, 'email');
    const returnTo = returnToOf(bodyText(req, 'returnTo'));
    const user = email ? db.findUserByEmail(email) : undefined;
    if (!(await verifyPassword(bodyText(req, 'password'), user?.password_hash))) {
      return send(res, loginPage(pageContext(req), { returnTo, email, failed: true }), 401);
    }
    await logIn(req, { kind: 'account', userId: (user as LocalUser).id, method: 'password' });
    res.redirect(303, returnTo);
  });

  // Guest checkout: mojeID fills the form once, nobody is logged in.
  router.get('/checkout', (req, res) => {
    const prefill = takeMojeIdPrefill(req);
    send(res, checkoutPage(pageContext(req), checkoutValues(prefill), `${mojeIdConfig.mountPath}/prefill?returnTo=%2Fcheckout`, !!prefill));
  });

  router.get('/me', (req, res) => {
    res.set('Cache-Control', 'no-store');
    const user = accountUser(req);
    if (!user) return res.status(401).json({ error: 'login_required' });
    const { password_hash, ...account } = user.account;
    res.json({
      user: { ...account, has_password: password_hash !== null },
      mojeid: user.link ? { sub: user.link.sub, linked_at: user.link.linked_at } : null,
      login_method: user.method,
    });
  });

  return router;
}
