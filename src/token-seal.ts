/**
 * Refresh tokens at rest (docs/offline-access.md): a refresh token reads the user's mojeID data
 * without them for as long as it lives (manual ch. 3 "Refresh Token"), so a copy of the database
 * must not be enough to use it. `sealToken` encrypts it with AES-256-GCM under a key kept outside
 * the database (`MOJEID_TOKEN_KEY`); `openSealedToken` decrypts and authenticates it.
 *
 * Format: `mt1.<iv>.<ciphertext+tag>`, base64url, with a random 12-byte IV (NIST SP 800-38D
 * §8.2.2: random IVs are safe for far more than the 2^32 messages a key will ever seal here) and
 * the 16-byte tag. The version prefix is authenticated too, and so is the optional `context`
 * (e.g. the local user id), so a sealed token copied to another user's row does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigurationError, SealedTokenError } from './errors.js';

const VERSION = 'mt1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
/** Far above any refresh token mojeID issues; refuses to seal or open megabytes by mistake. */
const MAX_TOKEN_LENGTH = 8192;

export const TOKEN_KEY_VARIABLE = 'MOJEID_TOKEN_KEY';

const KEY_HINT = `expected 32 random bytes as 64 hex digits or as base64; make one with: node -e "console.log(require('node:crypto').randomBytes(32).toString('base64'))"`;

export interface SealOptions {
  /** Bound to the sealed value: opening needs the same text (e.g. the local user id). */
  context?: string;
}

/**
 * A 32-byte key from its text form (64 hex digits, or base64/base64url), or a Buffer of 32 bytes.
 * Throws `ConfigurationError` naming `variable`, never echoing the value.
 */
export function parseTokenKey(key: string | Uint8Array, variable = TOKEN_KEY_VARIABLE): Buffer {
  const fail = (message: string): never => {
    throw new ConfigurationError([{ option: 'tokenKey', variable, message }]);
  };
  if (key instanceof Uint8Array) {
    if (key.length !== KEY_BYTES) fail(`a key of ${key.length} bytes; ${KEY_HINT}`);
    return Buffer.from(key);
  }
  if (typeof key !== 'string') return fail(`not set; ${KEY_HINT}`);
  const text = key.trim();
  if (text === '') return fail(`not set; ${KEY_HINT}`);
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(text)) {
    const bytes = Buffer.from(text, 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
  }
  return fail(`neither 64 hex digits nor base64 of 32 bytes (${text.length} characters); ${KEY_HINT}`);
}

/** The key from `MOJEID_TOKEN_KEY` (or another variable), checked at start-up. */
export function tokenKeyFromEnvironment(env: Readonly<Record<string, string | undefined>> = process.env, variable = TOKEN_KEY_VARIABLE): Buffer {
  return parseTokenKey(env[variable] ?? '', variable);
}

function keyOf(key: string | Uint8Array): Buffer {
  return typeof key === 'string' ? parseTokenKey(key) : parseTokenKey(key, 'key');
}

function aad(context: string | undefined): Buffer {
  // Length-prefixed, so ("mt1", "ab") and ("mt1a", "b") cannot collide.
  const ctx = Buffer.from(context ?? '', 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32BE(ctx.length);
  return Buffer.concat([Buffer.from(VERSION, 'ascii'), header, ctx]);
}

/** Encrypts `token` for storage: `mt1.<iv>.<ciphertext+tag>`. */
export function sealToken(token: string, key: string | Uint8Array, options: SealOptions = {}): string {
  if (typeof token !== 'string' || token === '' || token.length > MAX_TOKEN_LENGTH) {
    throw new TypeError(`sealToken: expected a token of 1 to ${MAX_TOKEN_LENGTH} characters`);
  }
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyOf(key), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(options.context));
  const sealed = Buffer.concat([cipher.update(token, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
}

/**
 * The token `sealToken` sealed. A wrong key, another `context`, or any change to the value throws
 * `SealedTokenError` (`sealed_token_invalid`); GCM's tag does not tell these apart, nor do we.
 */
export function openSealedToken(sealed: string, key: string | Uint8Array, options: SealOptions = {}): string {
  const secret = keyOf(key);
  if (typeof sealed !== 'string' || sealed.length > MAX_TOKEN_LENGTH * 2) throw new SealedTokenError('not a sealed token');
  const parts = sealed.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) {
    throw new SealedTokenError(`not a sealed token of this version (expected the prefix ${VERSION}.)`);
  }
  const base64url = /^[A-Za-z0-9_-]+$/;
  const [, ivText = '', bodyText = ''] = parts;
  if (!base64url.test(ivText) || !base64url.test(bodyText)) throw new SealedTokenError('the sealed token is not base64url');
  const iv = Buffer.from(ivText, 'base64url');
  const body = Buffer.from(bodyText, 'base64url');
  if (iv.length !== IV_BYTES || body.length <= TAG_BYTES) throw new SealedTokenError('the sealed token is cut or padded');
  const decipher = createDecipheriv('aes-256-gcm', secret, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad(options.context));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new SealedTokenError('the sealed token does not open with this key (another key, another context, or a changed value)');
  }
}
