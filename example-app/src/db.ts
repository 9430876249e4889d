/**
 * Storage: an embedded SQLite database (better-sqlite3) with the app's local accounts and their
 * links to mojeID identities. A link is keyed by mojeID's `sub`, the stable identifier of the user
 * for this client (never by e-mail, which the user can change at mojeID).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { hashPassword } from './passwords.js';

export interface LocalUser {
  readonly id: number;
  readonly email: string;
  readonly password_hash: string | null;
  readonly given_name: string | null;
  readonly family_name: string | null;
  readonly phone: string | null;
  /**
   * The user's OpenID 2.0 identifier from the time the service logged in with mojeID over OpenID
   * 2.0 (manual §5.3.2); the first OpenID Connect login that brings it links the account.
   */
  readonly openid2_id: string | null;
  readonly created_at: string;
}

export interface MojeIdLink {
  readonly user_id: number;
  readonly sub: string;
  readonly linked_at: string;
}

/** The last account status mojeID reported for a `sub` (ch. 6: REGISTERED, then §6.3 changes). */
export interface MojeIdStatus {
  readonly sub: string;
  readonly status: string;
  readonly updated_at: string;
}

/** The local account fields that can be filled in or updated from mojeID data. */
export type ProfileField = 'email' | 'given_name' | 'family_name' | 'phone';

export interface NewUser {
  email: string;
  passwordHash?: string | null;
  given_name?: string | null;
  family_name?: string | null;
  phone?: string | null;
}

export const DEMO_ACCOUNT = Object.freeze({
  email: 'demo@example.cz',
  password: 'demo-password',
  given_name: 'Demo',
  family_name: 'Uživatel',
  phone: '+420.111222333',
});

/** Thrown when a change would break a uniqueness rule (an e-mail or a mojeID already in use). */
export class ConflictError extends Error {
  readonly conflict: 'email_taken' | 'sub_linked' | 'user_linked';
  constructor(conflict: ConflictError['conflict']) {
    super(conflict);
    this.name = 'ConflictError';
    this.conflict = conflict;
  }
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT,
  given_name    TEXT,
  family_name   TEXT,
  phone         TEXT,
  openid2_id    TEXT UNIQUE,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE IF NOT EXISTS mojeid_links (
  user_id   INTEGER NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
  sub       TEXT NOT NULL UNIQUE,
  linked_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
-- Offline access (docs/offline-access.md): the refresh token, sealed with MOJEID_TOKEN_KEY, never in clear.
CREATE TABLE IF NOT EXISTS mojeid_refresh_tokens (
  user_id    INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  sealed     TEXT NOT NULL,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE IF NOT EXISTS mojeid_status (
  sub        TEXT PRIMARY KEY,
  status     TEXT NOT NULL,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
`;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export class AppDatabase {
  readonly #db: Database.Database;

  /** Opens (creating the directory and the tables if needed) the database file. */
  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.exec(SCHEMA);
    // A database from before the OpenID 2.0 migration column: add it (SQLite cannot add a UNIQUE
    // column, so uniqueness comes from an index).
    const columns = this.#db.prepare('PRAGMA table_info(users)').all() as { name: string }[];
    if (!columns.some((column) => column.name === 'openid2_id')) this.#db.exec('ALTER TABLE users ADD COLUMN openid2_id TEXT');
    this.#db.exec('CREATE UNIQUE INDEX IF NOT EXISTS users_openid2_id ON users(openid2_id)');
  }

  /** First start (no accounts yet): creates the demo account. Returns whether it did. */
  async seedDemoAccount(): Promise<boolean> {
    const { count } = this.#db.prepare('SELECT count(*) AS count FROM users').get() as { count: number };
    if (count > 0) return false;
    const passwordHash = await hashPassword(DEMO_ACCOUNT.password);
    const again = this.#db.prepare('SELECT count(*) AS count FROM users').get() as { count: number };
    if (again.count > 0) return false;
    this.createUser({ ...DEMO_ACCOUNT, passwordHash });
    return true;
  }

  findUserById(id: number): LocalUser | undefined {
    return this.#db.prepare('SELECT * FROM users WHERE id = ?').get(id) as LocalUser | undefined;
  }

  findUserByEmail(email: string): LocalUser | undefined {
    return this.#db.prepare('SELECT * FROM users WHERE email = ?').get(normaliseEmail(email)) as LocalUser | undefined;
  }

  /** The account that logged in over OpenID 2.0 with this identifier (compared exactly, §5.3.2). */
  findUserByOpenId2Id(openid2Id: string): LocalUser | undefined {
    return this.#db.prepare('SELECT * FROM users WHERE openid2_id = ?').get(openid2Id) as LocalUser | undefined;
  }

  /** Records the account's OpenID 2.0 identifier (what a service that used OpenID 2.0 has stored). */
  setOpenId2Id(id: number, openid2Id: string | null): void {
    this.#db.prepare('UPDATE users SET openid2_id = ? WHERE id = ?').run(openid2Id, id);
  }

  /** Throws `ConflictError('email_taken')` when the e-mail belongs to another account. */
  createUser(user: NewUser): LocalUser {
    try {
      const result = this.#db
        .prepare('INSERT INTO users (email, password_hash, given_name, family_name, phone) VALUES (?, ?, ?, ?, ?)')
        .run(normaliseEmail(user.email), user.passwordHash ?? null, user.given_name ?? null, user.family_name ?? null, user.phone ?? null);
      return this.findUserById(Number(result.lastInsertRowid)) as LocalUser;
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('email_taken');
      throw error;
    }
  }

  /** Creates the account and its mojeID link in one transaction: both or neither. */
  createLinkedUser(user: NewUser, sub: string): LocalUser {
    return this.#db.transaction(() => {
      if (this.findLinkBySub(sub)) throw new ConflictError('sub_linked');
      const created = this.createUser(user);
      this.link(created.id, sub);
      return created;
    })();
  }

  /** Updates only the given fields. Throws `ConflictError('email_taken')`. */
  updateUser(id: number, fields: Partial<Record<ProfileField, string | null>>): void {
    const entries = Object.entries(fields).filter(([name]) => ['email', 'given_name', 'family_name', 'phone'].includes(name));
    if (!entries.length) return;
    const values = entries.map(([name, value]) => (name === 'email' && value ? normaliseEmail(value) : value));
    try {
      this.#db.prepare(`UPDATE users SET ${entries.map(([name]) => `${name} = ?`).join(', ')} WHERE id = ?`).run(...values, id);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('email_taken');
      throw error;
    }
  }

  setPasswordHash(id: number, passwordHash: string): void {
    this.#db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(passwordHash, id);
  }

  findLinkBySub(sub: string): MojeIdLink | undefined {
    return this.#db.prepare('SELECT * FROM mojeid_links WHERE sub = ?').get(sub) as MojeIdLink | undefined;
  }

  findLinkByUser(userId: number): MojeIdLink | undefined {
    return this.#db.prepare('SELECT * FROM mojeid_links WHERE user_id = ?').get(userId) as MojeIdLink | undefined;
  }

  /** Links a mojeID identity to an account; one identity per account and one account per identity. */
  link(userId: number, sub: string): MojeIdLink {
    return this.#db.transaction(() => {
      if (this.findLinkBySub(sub)) throw new ConflictError('sub_linked');
      if (this.findLinkByUser(userId)) throw new ConflictError('user_linked');
      this.#db.prepare('INSERT INTO mojeid_links (user_id, sub) VALUES (?, ?)').run(userId, sub);
      return this.findLinkByUser(userId) as MojeIdLink;
    })();
  }

  /** Records the account status mojeID reported (idempotent: a repeat writes the same row). */
  setMojeIdStatus(sub: string, status: string): void {
    this.#db
      .prepare("INSERT INTO mojeid_status (sub, status) VALUES (?, ?) ON CONFLICT(sub) DO UPDATE SET status = excluded.status, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')")
      .run(sub, status);
  }

  findMojeIdStatus(sub: string): MojeIdStatus | undefined {
    return this.#db.prepare('SELECT * FROM mojeid_status WHERE sub = ?').get(sub) as MojeIdStatus | undefined;
  }

  /** Keeps the sealed refresh token of the account (replacing a rotated one). */
  saveRefreshToken(userId: number, sealed: string): void {
    this.#db
      .prepare("INSERT INTO mojeid_refresh_tokens (user_id, sealed) VALUES (?, ?) ON CONFLICT(user_id) DO UPDATE SET sealed = excluded.sealed, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')")
      .run(userId, sealed);
  }

  findRefreshToken(userId: number): string | undefined {
    return (this.#db.prepare('SELECT sealed FROM mojeid_refresh_tokens WHERE user_id = ?').get(userId) as { sealed: string } | undefined)?.sealed;
  }

  forgetRefreshToken(userId: number): void {
    this.#db.prepare('DELETE FROM mojeid_refresh_tokens WHERE user_id = ?').run(userId);
  }

  /** Returns whether a link was removed. */
  unlink(userId: number): boolean {
    return this.#db.prepare('DELETE FROM mojeid_links WHERE user_id = ?').run(userId).changes > 0;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
