/**
 * Offline access (docs/offline-access.md): each linked account's refresh token, kept in the
 * database sealed with MOJEID_TOKEN_KEY (authenticated encryption bound to the account), never in
 * clear. Without MOJEID_TOKEN_KEY the key lives as long as this process, and so do the tokens
 * sealed with it: enough for a demo, not for a real service.
 */
import { randomBytes } from 'node:crypto';
import { openSealedToken, sealToken, tokenKeyFromEnvironment } from 'passport-mojeid-oidc';
import type { AppDatabase } from './db.js';

export class RefreshTokenVault {
  readonly #db: AppDatabase;
  readonly #key: Buffer;

  constructor(db: AppDatabase, env: Readonly<Record<string, string | undefined>>) {
    this.#db = db;
    this.#key = env['MOJEID_TOKEN_KEY']?.trim() ? tokenKeyFromEnvironment(env) : randomBytes(32);
  }

  /** Keeps the login's (or a rotation's) token; a login without one leaves the stored one. */
  keep(userId: number, refreshToken: string | undefined): void {
    if (refreshToken) this.#db.saveRefreshToken(userId, sealToken(refreshToken, this.#key, sealFor(userId)));
  }

  /** The sealed token, if the account has one. */
  sealed(userId: number): string | undefined {
    return this.#db.findRefreshToken(userId);
  }

  /** Throws `sealed_token_invalid` for a token sealed under another key or for another account. */
  open(userId: number, sealed: string): string {
    return openSealedToken(sealed, this.#key, sealFor(userId));
  }

  forget(userId: number): void {
    this.#db.forgetRefreshToken(userId);
  }
}

/** A token sealed for one account cannot be opened for another. */
const sealFor = (userId: number): { context: string } => ({ context: String(userId) });
