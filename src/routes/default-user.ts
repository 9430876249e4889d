/**
 * What a login keeps in the session when the app gives no verify function: the default verify and
 * the user it stores (`defaultUser`), which holds no more personal data than the app asked for.
 */
import type { MojeIdConfig } from '../config.js';
import type { MojeIdProfile } from '../profile.js';
import type { VerifyCallback, VerifyFunction } from '../verify-call.js';

/**
 * What the default verify stores: the identity, display name, e-mail and only the claims the app
 * listed (`sessionClaims`), never tokens. The session store is a second copy of personal data,
 * often less protected than the app's database (Redis, files, a cookie), so birth dates, ID-card
 * numbers and bank accounts stay out of it unless the app asks (Appendix 7 point 4, GDPR data
 * minimisation).
 */
export interface MojeIdSessionUser {
  provider: 'mojeid';
  id: string;
  displayName: string | undefined;
  email: string | undefined;
  /** `sub` plus the listed claims that mojeID released. */
  claims: MojeIdProfile['claims'];
}

/**
 * The session user for `profile`, keeping `sub` and the claims named in `sessionClaims` (the
 * `sessionClaims` option when called by the default verify). For apps writing their own verify
 * that want the same shape: `done(null, defaultUser(profile, ['given_name']))`.
 */
export function defaultUser(profile: MojeIdProfile, sessionClaims: readonly string[] = []): MojeIdSessionUser {
  const claims: MojeIdProfile['claims'] = { sub: profile.claims.sub };
  for (const name of sessionClaims) {
    // Own properties only: a listed `constructor` or `__proto__` must not copy anything inherited.
    if (name !== 'sub' && Object.prototype.hasOwnProperty.call(profile.claims, name)) {
      Object.defineProperty(claims, name, { value: profile.claims[name], enumerable: true, writable: true, configurable: true });
    }
  }
  return { provider: 'mojeid', id: profile.id, displayName: profile.displayName, email: profile.emails[0]?.value, claims };
}

/** The default verify; reads `sessionClaims` from the strategy's configuration at each login. */
export function defaultVerify(config: () => MojeIdConfig): VerifyFunction {
  return (profile: MojeIdProfile, done: VerifyCallback) => done(null, defaultUser(profile, config().sessionClaims) as Express.User);
}
