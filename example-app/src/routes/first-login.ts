/**
 * After a mojeID login that is not linked yet, or whose data differs (Appendix 7 points 5 and 6):
 * link an existing local account proven by its password, create one from the mojeID data, give up,
 * or choose per field what to update.
 */
import { Router } from 'express';
import { ConflictError, type LocalUser, type ProfileField } from '../db.js';
import { verifyPassword } from '../passwords.js';
import { accountUser, claimText, differences, pendingUser, rewriteStoredUser, type AccountUser } from '../session-user.js';
import { firstLoginPage, messagePage, updatePage } from '../views.js';
import { bodyText, type SiteContext } from './context.js';

export function firstLoginRoutes(site: SiteContext): Router {
  const { db, form, csrf, send, pageContext, logIn } = site;
  const router = Router();

  router.get('/account/mojeid/first-login', (req, res) => {
    const user = pendingUser(req);
    if (!user) return res.redirect(303, accountUser(req) ? '/profile' : '/');
    const email = claimText(user.mojeid, 'email');
    send(res, firstLoginPage(pageContext(req), user, { emailTaken: !!email && !!db.findUserByEmail(email) }));
  });

  // Appendix 7 point 6a: link the mojeID identity to an existing account, proven by its password.
  router.post('/account/mojeid/link-existing', form, csrf, async (req, res) => {
    const user = pendingUser(req);
    if (!user) return res.redirect(303, '/');
    const email = bodyText(req, 'email');
    const account = email ? db.findUserByEmail(email) : undefined;
    const mojeIdEmail = claimText(user.mojeid, 'email');
    const emailTaken = !!mojeIdEmail && !!db.findUserByEmail(mojeIdEmail);
    if (!(await verifyPassword(bodyText(req, 'password'), account?.password_hash)) || !account) {
      return send(res, firstLoginPage(pageContext(req), user, { failed: true, email, emailTaken }), 401);
    }
    try {
      db.link(account.id, user.mojeid.sub);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const text =
        error.conflict === 'user_linked'
          ? 'Tento místní účet je už propojen s jiným účtem mojeID. / This local account is already linked to another mojeID account.'
          : 'Tento účet mojeID je už propojen s jiným místním účtem. / This mojeID account is already linked to another local account.';
      return send(res, messagePage(pageContext(req), 'Propojení nelze provést / Cannot link', text), 409);
    }
    await logIn(req, { kind: 'account', userId: account.id, method: 'mojeid', mojeid: user.mojeid, reviewUpdates: true, notice: 'linked' });
    res.redirect(303, '/profile');
  });

  // Appendix 7 point 6b: a new account from the mojeID data, linked.
  router.post('/account/mojeid/create', form, csrf, async (req, res) => {
    const user = pendingUser(req);
    if (!user) return res.redirect(303, '/');
    const m = user.mojeid;
    const email = claimText(m, 'email');
    if (!email) return res.redirect(303, '/account/mojeid/first-login');
    let created: LocalUser;
    try {
      created = db.createLinkedUser(
        { email, given_name: claimText(m, 'given_name') ?? null, family_name: claimText(m, 'family_name') ?? null, phone: claimText(m, 'phone_number') ?? null },
        m.sub,
      );
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      if (error.conflict === 'email_taken') return send(res, firstLoginPage(pageContext(req), user, { emailTaken: true }), 409);
      return send(res, messagePage(pageContext(req), 'Účet už existuje / Account exists', 'Tento účet mojeID je už propojen; přihlaste se znovu. / This mojeID account is already linked; log in again.'), 409);
    }
    await logIn(req, { kind: 'account', userId: created.id, method: 'mojeid', mojeid: m, notice: 'created' });
    res.redirect(303, '/profile');
  });

  router.post('/account/mojeid/cancel', form, csrf, (req, res, next) => {
    if (!pendingUser(req)) return res.redirect(303, '/');
    req.logout((error?: unknown) => (error ? next(error) : res.redirect(303, '/')));
  });

  // Appendix 7 point 5: per field, keep the local value or take mojeID's.
  const updateState = (user: AccountUser) => {
    const diffs = user.mojeid ? differences(user.account, user.mojeid) : [];
    const blocked = new Set<string>();
    for (const d of diffs) {
      if (d.field !== 'email') continue;
      const owner = db.findUserByEmail(d.mojeid);
      if (owner && owner.id !== user.userId) blocked.add('email');
    }
    return { diffs, blocked };
  };

  router.get('/account/mojeid/update', (req, res) => {
    const user = accountUser(req);
    if (!user) return res.redirect(303, '/');
    const { diffs, blocked } = updateState(user);
    if (!diffs.length) {
      rewriteStoredUser(req, (u) => ({ ...u, reviewUpdates: false }));
      return res.redirect(303, '/profile');
    }
    send(res, updatePage(pageContext(req), diffs, blocked));
  });

  router.post('/account/mojeid/update', form, csrf, (req, res) => {
    const user = accountUser(req);
    if (!user) return res.redirect(303, '/');
    const { diffs, blocked } = updateState(user);
    const changes: Partial<Record<ProfileField, string>> = {};
    for (const d of diffs) if (bodyText(req, `update_${d.field}`) === '1' && !blocked.has(d.field)) changes[d.field] = d.mojeid;
    try {
      db.updateUser(user.userId, changes);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const { email: _taken, ...rest } = changes;
      db.updateUser(user.userId, rest);
    }
    rewriteStoredUser(req, (u) => ({ ...u, reviewUpdates: false }));
    req.session.notice = 'updated';
    res.redirect(303, '/profile');
  });

  return router;
}
