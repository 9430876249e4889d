/**
 * How a finished mojeID login becomes a user of this app: Passport's `serializeUser` /
 * `deserializeUser` and the verify callback, which decides between linking (the profile's "Link
 * mojeID", Appendix 7 point 7c), a repeated login (the `sub` is linked, point 5) and a first login
 * (not linked: kept in the session until the user chooses, point 6). The library logs in whatever
 * verify returns, regenerating the session.
 */
import { Passport } from 'passport';
import type { VerifyFunctionWithRequest } from 'passport-mojeid-oidc';
import { ConflictError, type AppDatabase } from './db.js';
import type { RefreshTokenVault } from './refresh-tokens.js';
import { accountUser, displayNameOf, parseStoredUser, snapshotOf, toStored, type AppUser, type StoredAccountUser, type StoredUser } from './session-user.js';

declare module 'express-session' {
  interface SessionData {
    /** Set by "Link mojeID" on the profile page; read (once) by the verify callback. */
    linkMojeIdFor?: { userId: number; createdAt: number };
  }
}

/** How long a "Link mojeID" click stays valid while the user is at mojeID. */
export const LINK_INTENT_TTL_MS = 15 * 60 * 1000;

/** The session keeps only what `toStored` writes; every request reads the account afresh. */
export function createPassport(db: AppDatabase): InstanceType<typeof Passport> {
  const passport = new Passport();
  passport.serializeUser((user, done) => done(null, toStored(user as StoredUser | AppUser)));
  passport.deserializeUser((stored: unknown, done) => {
    const user = parseStoredUser(stored);
    if (!user) return done(null, false);
    if (user.kind === 'mojeid-pending') {
      return done(null, { ...user, displayName: displayNameOf(user.mojeid.claims) });
    }
    const account = db.findUserById(user.userId);
    if (!account) return done(null, false); // deleted meanwhile: logged out
    return done(null, { ...user, account, link: db.findLinkByUser(account.id), displayName: displayNameOf(account) });
  });
  return passport;
}

export function verifyMojeIdLogin(db: AppDatabase, refreshTokens: RefreshTokenVault): VerifyFunctionWithRequest {
  return (req, profile, done) => {
    const snapshot = snapshotOf(profile);
    const link = db.findLinkBySub(snapshot.sub);
    const intent = req.session.linkMojeIdFor;
    delete req.session.linkMojeIdFor;
    const current = accountUser(req);
    if (intent && current && intent.userId === current.userId && Date.now() - intent.createdAt < LINK_INTENT_TTL_MS) {
      // Appendix 7 point 7c: link the logged-in account with the mojeID just used.
      if (link && link.user_id !== current.userId) return done(null, { ...toStored(current), notice: 'sub_linked_elsewhere' });
      if (!link) {
        try {
          db.link(current.userId, snapshot.sub);
        } catch (error) {
          if (error instanceof ConflictError) return done(null, { ...toStored(current), notice: 'already_linked' });
          throw error;
        }
      }
      refreshTokens.keep(current.userId, profile.tokens.refreshToken);
      const linked: StoredAccountUser = { kind: 'account', userId: current.userId, method: 'mojeid', mojeid: snapshot, reviewUpdates: true, notice: 'linked' };
      return done(null, linked);
    }
    if (link) {
      // Repeated login: Appendix 7 point 5, offer updates if the data differs (see the gate).
      refreshTokens.keep(link.user_id, profile.tokens.refreshToken);
      const user: StoredAccountUser = { kind: 'account', userId: link.user_id, method: 'mojeid', mojeid: snapshot, reviewUpdates: true };
      return done(null, user);
    }
    // First login: Appendix 7 point 6, the user chooses on /account/mojeid/first-login.
    return done(null, { kind: 'mojeid-pending', mojeid: snapshot } satisfies StoredUser);
  };
}
