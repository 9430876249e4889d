/**
 * `FileCredentialStore`: the credentials as a JSON file only its owner can read (mode 0600; it
 * holds the client secret and the registration access token). A save writes a temporary file in
 * the same directory and renames it over the old one: a crash or a concurrent reader sees either
 * the old credentials or the new ones, never half a file.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CredentialStoreError } from '../errors.js';
import { describeCause } from '../provider.js';
import { writeFileAtomically } from './atomic-write.js';
import {
  DEFAULT_CREDENTIALS_FILE,
  parseStoredCredentials,
  serialiseCredentials,
  type CredentialStore,
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
}
