/**
 * Who the browser is, as kept in the session by Passport (`serializeUser`) and rebuilt on every
 * request (`deserializeUser`):
 *
 * - `account`: logged in to a local account (by password or by a linked mojeID);
 * - `mojeid-pending`: a mojeID identity that is linked to no local account yet (Appendix 7 point
 *   6). It stays in the session until the user links an existing account or creates a new one;
 *   it gives access to nothing else.
 */
import type { Request } from 'express';
import type { MojeIdProfile } from 'passport-mojeid-oidc';
import type { LocalUser, MojeIdLink, ProfileField } from './db.js';

/** What mojeID told us at the last login, safe to keep in the session (no tokens). */
export interface MojeIdSnapshot {
  readonly sub: string;
  readonly issuer: string;
  readonly acr: string | undefined;
  readonly assuranceLevel: 'substantial' | 'high' | undefined;
  readonly amr: readonly string[] | undefined;
  readonly authTime: number | undefined;
  readonly receivedAt: string;
  /** `sub` and the claims behind the local account's fields (`PROFILE_FIELDS`), as plain JSON. */
  readonly claims: Readonly<Record<string, unknown>>;
}

export type Notice = 'linked' | 'migrated' | 'unlinked' | 'created' | 'updated' | 'sub_linked_elsewhere' | 'already_linked';

export interface StoredAccountUser {
  readonly kind: 'account';
  readonly userId: number;
  readonly method: 'password' | 'mojeid';
  /** Present when this session logged in (or linked) through mojeID. */
  readonly mojeid?: MojeIdSnapshot;
  /** Appendix 7 point 5: offer updating local data from `mojeid` once after the login. */
  readonly reviewUpdates?: boolean;
  /** Shown once on the next page (set where the session is regenerated, so it rides along). */
  readonly notice?: Notice;
}

export interface StoredPendingUser {
  readonly kind: 'mojeid-pending';
  readonly mojeid: MojeIdSnapshot;
}

export type StoredUser = StoredAccountUser | StoredPendingUser;

/** `req.user` in this app: the stored user plus the local account read from the database. */
export type AccountUser = StoredAccountUser & { readonly account: LocalUser; readonly link: MojeIdLink | undefined; readonly displayName: string };
export type PendingUser = StoredPendingUser & { readonly displayName: string };
export type AppUser = AccountUser | PendingUser;

/**
 * What of a login is kept. Of the claims only those this app uses: the ones behind its local
 * account's fields, which create, update and display the account. Whatever else mojeID released
 * (with MOJEID_CLAIMS asking for more: a birth date, an ID-card number, a bank account) is
 * dropped here, before it reaches the session store, a second copy of personal data that is often
 * less protected than the database (Appendix 7 point 4, GDPR data minimisation). An app that needs
 * such a claim uses it in verify, or stores it in its database on purpose, rather than in the session.
 */
export function snapshotOf(profile: MojeIdProfile): MojeIdSnapshot {
  const claims: Record<string, unknown> = { sub: profile.claims.sub };
  for (const { claim } of PROFILE_FIELDS) {
    if (Object.prototype.hasOwnProperty.call(profile.claims, claim)) claims[claim] = profile.claims[claim];
  }
  return {
    sub: profile.id,
    issuer: profile.issuer,
    acr: profile.acr,
    assuranceLevel: profile.assuranceLevel,
    amr: profile.amr,
    authTime: profile.authTime,
    receivedAt: new Date().toISOString(),
    claims: JSON.parse(JSON.stringify(claims)) as Record<string, unknown>,
  };
}

/** Only what `serializeUser` wrote is accepted back (a tampered or stale store logs out). */
export function parseStoredUser(value: unknown): StoredUser | undefined {
  const v = value as { kind?: unknown; userId?: unknown; method?: unknown; mojeid?: { sub?: unknown } } | null;
  if (!v || typeof v !== 'object') return undefined;
  if (v.kind === 'account' && typeof v.userId === 'number' && (v.method === 'password' || v.method === 'mojeid')) return v as unknown as StoredAccountUser;
  if (v.kind === 'mojeid-pending' && typeof v.mojeid?.sub === 'string') return v as unknown as StoredPendingUser;
  return undefined;
}

/** Strips what `deserializeUser` added, for `serializeUser`. */
export function toStored(user: StoredUser | AppUser): StoredUser {
  if (user.kind === 'mojeid-pending') return { kind: user.kind, mojeid: user.mojeid };
  const { kind, userId, method, mojeid, reviewUpdates, notice } = user;
  return { kind, userId, method, ...(mojeid ? { mojeid } : {}), ...(reviewUpdates ? { reviewUpdates } : {}), ...(notice ? { notice } : {}) };
}

export function appUser(req: Request): AppUser | undefined {
  return req.isAuthenticated() ? (req.user as AppUser) : undefined;
}

export function accountUser(req: Request): AccountUser | undefined {
  const user = appUser(req);
  return user?.kind === 'account' ? user : undefined;
}

export function pendingUser(req: Request): PendingUser | undefined {
  const user = appUser(req);
  return user?.kind === 'mojeid-pending' ? user : undefined;
}

/**
 * Changes the user kept in the session without logging in again (no session regeneration):
 * for one-time flags only, never to change who is logged in (that goes through `req.logIn`).
 */
export function rewriteStoredUser(req: Request, change: (user: StoredAccountUser) => StoredAccountUser): void {
  const bag = (req.session as unknown as { passport?: { user?: unknown } }).passport;
  const stored = parseStoredUser(bag?.user);
  if (!bag || stored?.kind !== 'account') return;
  bag.user = toStored(change(stored));
}

export function displayNameOf(fields: { given_name?: unknown; family_name?: unknown; email?: unknown; name?: unknown }): string {
  const joined = [fields.given_name, fields.family_name].filter((s): s is string => typeof s === 'string' && s !== '').join(' ');
  if (joined) return joined;
  if (typeof fields.name === 'string' && fields.name) return fields.name;
  return typeof fields.email === 'string' ? fields.email : 'mojeID';
}

/** The local fields mojeID can fill in, with the claim each comes from. */
export const PROFILE_FIELDS: ReadonlyArray<{ field: ProfileField; claim: string; label: string }> = [
  { field: 'given_name', claim: 'given_name', label: 'Jméno / Given name' },
  { field: 'family_name', claim: 'family_name', label: 'Příjmení / Family name' },
  { field: 'email', claim: 'email', label: 'E-mail' },
  { field: 'phone', claim: 'phone_number', label: 'Telefon / Phone' },
];

/** A string claim, trimmed; absent, withheld or empty claims are `undefined`. */
export function claimText(snapshot: MojeIdSnapshot, claim: string): string | undefined {
  const value = snapshot.claims[claim];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export interface FieldDifference {
  readonly field: ProfileField;
  readonly label: string;
  readonly local: string | null;
  readonly mojeid: string;
}

/**
 * Appendix 7 point 5: fields where mojeID's value differs from the local one. A claim the user
 * withheld is no difference: local data is never offered for erasure.
 */
export function differences(account: LocalUser, snapshot: MojeIdSnapshot): FieldDifference[] {
  const result: FieldDifference[] = [];
  for (const { field, claim, label } of PROFILE_FIELDS) {
    const fromMojeId = claimText(snapshot, claim);
    if (fromMojeId === undefined) continue;
    const local = account[field];
    const same = field === 'email' ? local?.toLowerCase() === fromMojeId.toLowerCase() : local === fromMojeId;
    if (!same) result.push({ field, label, local, mojeid: fromMojeId });
  }
  return result;
}
