/**
 * Moving the users of this app's old OpenID 2.0 login to OpenID Connect (manual §5.3.2,
 * docs/migrating-from-openid2.md): while MOJEID_SCOPE includes `openid2`, mojeID sends each user's
 * old OpenID 2.0 identifier, and the first login that brings one this app stored links that local
 * account to the new `sub`. The library has checked the identifier before the hook sees it.
 */
import type { FindUserByOpenId2Id, MojeIdProfile } from 'passport-mojeid-oidc';
import { ConflictError, type AppDatabase } from './db.js';
import type { RefreshTokenVault } from './refresh-tokens.js';
import { snapshotOf, type StoredAccountUser } from './session-user.js';

/** Whether this configuration asks for `openid2_id`: the migration runs only for that period. */
export function requestsOpenId2(env: Readonly<Record<string, string | undefined>>): boolean {
  return (env['MOJEID_SCOPE'] ?? '').trim().split(/\s+/).includes('openid2');
}

/**
 * The `findUserByOpenId2Id` hook: the account holding the identifier, if it has no mojeID yet, is
 * linked to the login's `sub` and logged in. An account already linked goes the ordinary way (the
 * verify callback finds its link), so a second login changes nothing.
 */
export function findUserByOpenId2Id(db: AppDatabase, refreshTokens: RefreshTokenVault): FindUserByOpenId2Id {
  return (openid2Id: string, profile: MojeIdProfile) => {
    const account = db.findUserByOpenId2Id(openid2Id);
    if (!account || db.findLinkByUser(account.id)) return undefined;
    try {
      db.link(account.id, profile.id);
    } catch (error) {
      // This mojeID is linked to another account already: nothing to migrate, verify decides.
      if (error instanceof ConflictError) return undefined;
      throw error;
    }
    refreshTokens.keep(account.id, profile.tokens.refreshToken);
    const user: StoredAccountUser = { kind: 'account', userId: account.id, method: 'mojeid', mojeid: snapshotOf(profile), reviewUpdates: true, notice: 'migrated' };
    return user;
  };
}

/**
 * With the simulator, the demo account plays a user from the OpenID 2.0 days: it holds the old
 * identifier of the simulator's account `partial` (Petra Svobodová), on the simulator's origin,
 * which changes with its port, so it is set at every start while the account is not linked yet.
 */
export function seedDemoOpenId2Id(db: AppDatabase, demoEmail: string, openid2Id: string | undefined): void {
  const demo = db.findUserByEmail(demoEmail);
  if (!demo || !openid2Id || db.findLinkByUser(demo.id)) return;
  const holder = db.findUserByOpenId2Id(openid2Id);
  if (holder && holder.id !== demo.id) return;
  db.setOpenId2Id(demo.id, openid2Id);
}
