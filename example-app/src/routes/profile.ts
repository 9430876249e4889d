/**
 * The logged-in account's pages (Appendix 7 point 7): the profile with the linked identifier and
 * the data mojeID sent, "Link mojeID" / "Unlink", "Refresh my data from mojeID" through the stored
 * refresh token (docs/offline-access.md), and the payment page that demands a fresh eIDAS login
 * (docs/assurance.md).
 */
import { Router } from 'express';
import { isMojeIdError, mojeIdLoginOf, refreshMojeIdClaims, requireMojeIdLogin, type MojeIdRouter } from 'passport-mojeid-oidc';
import { hashPassword } from '../passwords.js';
import type { RefreshTokenVault } from '../refresh-tokens.js';
import { accountUser } from '../session-user.js';
import { messagePage, paymentPage, profilePage, refreshedPage } from '../views.js';
import { bodyText, type SiteContext } from './context.js';

export function profileRoutes(site: SiteContext, mojeIdRouter: MojeIdRouter, refreshTokens: RefreshTokenVault): Router {
  const { db, form, csrf, send, pageContext, paths } = site;
  const router = Router();

  router.get('/profile', (req, res) => {
    const user = accountUser(req);
    if (!user) return res.redirect(303, '/login?returnTo=%2Fprofile');
    send(res, profilePage(pageContext(req), user, user.link ? db.findMojeIdStatus(user.link.sub) : undefined, { refreshTokenStored: !!user.link && !!refreshTokens.sealed(user.userId) }));
  });

  // Step-up on one page: eIDAS substantial or better, authenticated at mojeID within the last
  // 5 minutes; a login that falls short goes back to mojeID with those demands.
  router.get('/payment', requireMojeIdLogin({ assurance: 'substantial', maxAge: 300 }), (req, res) => {
    if (!accountUser(req)) return res.redirect(303, '/profile');
    send(res, paymentPage(pageContext(req), mojeIdLoginOf(req)));
  });

  // "Refresh my data from mojeID": UserInfo as it is now, through the stored refresh token.
  router.post('/account/mojeid/refresh', form, csrf, async (req, res) => {
    const user = accountUser(req);
    if (!user) return res.redirect(303, '/login?returnTo=%2Fprofile');
    const sealed = user.link ? refreshTokens.sealed(user.userId) : undefined;
    if (!user.link || !sealed) return res.redirect(303, '/profile');
    try {
      const fresh = await refreshMojeIdClaims(mojeIdRouter, { refreshToken: refreshTokens.open(user.userId, sealed), sub: user.link.sub });
      // Stored first: when mojeID rotates the token, the one just used is dead.
      if (fresh.rotated) refreshTokens.keep(user.userId, fresh.refreshToken);
      send(res, refreshedPage(pageContext(req), fresh.claims));
    } catch (error) {
      // Withdrawn in the mojeID profile, expired, or sealed under a key this process no longer has.
      if (!isMojeIdError(error) || (error.code !== 'refresh_token_invalid' && error.code !== 'sealed_token_invalid')) throw error;
      refreshTokens.forget(user.userId);
      send(res, messagePage(pageContext(req), 'Přístup k údajům skončil / Access has ended', 'Služba už nemá přístup k vašim údajům v mojeID. Přihlaste se znovu přes mojeID. / This service no longer has access to your mojeID data. Log in with mojeID again.'), 409);
    }
  });

  // Appendix 7 point 7c: link the logged-in account: remember the intent, then log in at mojeID.
  router.post('/account/mojeid/link', form, csrf, (req, res) => {
    const user = accountUser(req);
    if (!user) return res.redirect(303, '/login?returnTo=%2Fprofile');
    if (user.link) return res.redirect(303, '/profile');
    req.session.linkMojeIdFor = { userId: user.userId, createdAt: Date.now() };
    res.redirect(303, `${paths.login}?returnTo=${encodeURIComponent('/profile')}`);
  });

  // Appendix 7 point 7d: unlink. An account created through mojeID has no password yet: it gets
  // one here, or it could never be logged in to again.
  router.post('/account/mojeid/unlink', form, csrf, async (req, res) => {
    const user = accountUser(req);
    if (!user) return res.redirect(303, '/login?returnTo=%2Fprofile');
    if (!user.account.password_hash) {
      const newPassword = bodyText(req, 'newPassword');
      if (newPassword.length < 8) {
        return send(res, messagePage(pageContext(req), 'Heslo je příliš krátké / Password too short', 'Zvolte heslo o alespoň 8 znacích. / Choose a password of at least 8 characters.'), 400);
      }
      db.setPasswordHash(user.userId, await hashPassword(newPassword));
    }
    db.unlink(user.userId);
    // This app's offline access ends with the link; the consent at mojeID is withdrawn in the
    // user's mojeID profile (production has no revocation endpoint, docs/offline-access.md).
    refreshTokens.forget(user.userId);
    req.session.notice = 'unlinked';
    res.redirect(303, '/profile');
  });

  return router;
}
