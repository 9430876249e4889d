/**
 * `FileCredentialStore`: the credentials as a JSON file only its owner can read (mode 0600; it
 * holds the client secret and the registration access token). A save writes a temporary file in
 * the same directory and renames it over the old one: a crash or a concurrent reader sees either
 * the old credentials or the new ones, never half a file.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CredentialStoreError } from '../errors.js';
import { describeCause } from '../describe-cause.js';
import { writeFileAtomically } from './atomic-write.js';
import {
  DEFAULT_CREDENTIALS_FILE,
  parseStoredCredentials,
  serialiseCredentials,
  type CredentialStore,
  type CredentialStoreLock,
  type StoredCredentials,
} from './credential-store.js';

export class FileCredentialStore implements CredentialStore {
  /** Absolute path of the file. */
  readonly path: string;

  constructor(file: string = DEFAULT_CREDENTIALS_FILE) {
    if (typeof file !== 'string' || file === '') throw new TypeError('FileCredentialStore: the file path must be a non-empty string');
    this.path = path.resolve(file);
  }

  async load(): Promise<StoredCredentials | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (cause) {
      if ((cause as { code?: unknown }).code === 'ENOENT') return undefined;
      throw new CredentialStoreError(`cannot read the credentials file ${this.path}: ${describeCause(cause)}`, cause);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return parseStoredCredentials(parsed, `the credentials file ${this.path}`);
  }

  async save(credentials: StoredCredentials): Promise<void> {
    try {
      await mkdir(path.dirname(this.path), { recursive: true, mode: 0o700 });
      await writeFileAtomically(this.path, `${serialiseCredentials(credentials)}\n`, 0o600);
    } catch (cause) {
      throw new CredentialStoreError(`cannot write the credentials file ${this.path}: ${describeCause(cause)}`, cause);
    }
  }

  /**
   * A `<file>.lock` beside the credentials, created exclusively (`wx`) by processes sharing the
   * file on one machine. A lock past its expiry (its holder crashed) is taken over once, after
   * checking it is still the same stale lock.
   */
  async lock(ttlMs: number): Promise<CredentialStoreLock | undefined> {
    const lockPath = `${this.path}.lock`;
    const token = randomBytes(16).toString('base64url');
    const content = JSON.stringify({ token, expiresAt: Date.now() + ttlMs });
    try {
      await mkdir(path.dirname(this.path), { recursive: true, mode: 0o700 });
      for (let attempt = 0; attempt < 2; attempt += 1) {
        try {
          await writeFile(lockPath, content, { flag: 'wx', mode: 0o600 });
          return { release: () => releaseFileLock(lockPath, token) };
        } catch (cause) {
          if ((cause as { code?: unknown }).code !== 'EEXIST') throw cause;
        }
        if (attempt > 0) return undefined;
        const held = await readLock(lockPath);
        if (held && held.expiresAt > Date.now()) return undefined;
        // Gone meanwhile, or stale: try once more, removing a stale one only if nobody replaced it.
        if (held && (await readLock(lockPath))?.token === held.token) await unlink(lockPath).catch(() => undefined);
      }
      return undefined;
    } catch (cause) {
      throw new CredentialStoreError(`cannot take the renewal lock ${lockPath}: ${describeCause(cause)}`, cause);
    }
  }
}

async function readLock(lockPath: string): Promise<{ token: string; expiresAt: number } | undefined> {
  try {
    const parsed = JSON.parse(await readFile(lockPath, 'utf8')) as { token?: unknown; expiresAt?: unknown };
    if (typeof parsed.token === 'string' && typeof parsed.expiresAt === 'number') return { token: parsed.token, expiresAt: parsed.expiresAt };
    // Unreadable content (a holder that crashed mid-write): treat as expired.
    return { token: '', expiresAt: 0 };
  } catch (cause) {
    if ((cause as { code?: unknown }).code === 'ENOENT') return undefined;
    return { token: '', expiresAt: 0 };
  }
}

async function releaseFileLock(lockPath: string, token: string): Promise<void> {
  try {
    if ((await readLock(lockPath))?.token === token) await unlink(lockPath);
  } catch {
    // It expires by itself.
  }
}
