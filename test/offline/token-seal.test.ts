/**
 * Sealed refresh tokens (AES-256-GCM, docs/offline-access.md): round trip, and every way a sealed
 * value can fail to open is the typed `sealed_token_invalid`, a bad key an actionable
 * configuration error that never echoes the key.
 */
import { randomBytes } from 'node:crypto';
import { ConfigurationError, SealedTokenError, openSealedToken, parseTokenKey, sealToken, tokenKeyFromEnvironment } from '../../src/index.js';

const KEY = randomBytes(32);
const TOKEN = 'Rt_' + randomBytes(40).toString('base64url');

describe('sealToken / openSealedToken', () => {
  it('round-trips, with a fresh IV each time and the token nowhere in the sealed text', () => {
    const a = sealToken(TOKEN, KEY);
    const b = sealToken(TOKEN, KEY);
    expect(a).toMatch(/^mt1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(TOKEN);
    expect(openSealedToken(a, KEY)).toBe(TOKEN);
    expect(openSealedToken(b, KEY.toString('hex'))).toBe(TOKEN);
    expect(openSealedToken(b, KEY.toString('base64'))).toBe(TOKEN);
  });

  it('refuses a changed value, a wrong key, another context, another version', () => {
    const sealed = sealToken(TOKEN, KEY, { context: 'user-1' });
    expect(openSealedToken(sealed, KEY, { context: 'user-1' })).toBe(TOKEN);
    const [version, iv, body] = sealed.split('.') as [string, string, string];
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const attempts: Array<[string, () => string]> = [
      ['tampered ciphertext', () => openSealedToken(`${version}.${iv}.${flipped.toString('base64url')}`, KEY, { context: 'user-1' })],
      ['cut', () => openSealedToken(sealed.slice(0, -4), KEY, { context: 'user-1' })],
      ['wrong key', () => openSealedToken(sealed, randomBytes(32), { context: 'user-1' })],
      ['other context', () => openSealedToken(sealed, KEY, { context: 'user-2' })],
      ['no context', () => openSealedToken(sealed, KEY)],
      ['other version', () => openSealedToken(`mt2.${iv}.${body}`, KEY, { context: 'user-1' })],
      ['not sealed', () => openSealedToken(TOKEN, KEY)],
    ];
    for (const [what, attempt] of attempts) {
      let caught: unknown;
      try {
        attempt();
      } catch (error) {
        caught = error;
      }
      expect([what, caught]).toEqual([what, expect.any(SealedTokenError)]);
      expect((caught as SealedTokenError).code).toBe('sealed_token_invalid');
    }
  });

  it('takes the key from MOJEID_TOKEN_KEY and explains a bad one without echoing it', () => {
    expect(tokenKeyFromEnvironment({ MOJEID_TOKEN_KEY: KEY.toString('base64') }).equals(KEY)).toBe(true);
    expect(tokenKeyFromEnvironment({ MOJEID_TOKEN_KEY: KEY.toString('base64url') }).equals(KEY)).toBe(true);
    expect(parseTokenKey(KEY.toString('hex')).equals(KEY)).toBe(true);
    for (const bad of ['', 'short-key', randomBytes(16).toString('hex'), randomBytes(31).toString('base64')]) {
      let caught: unknown;
      try {
        tokenKeyFromEnvironment({ MOJEID_TOKEN_KEY: bad });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigurationError);
      expect((caught as Error).message).toContain('MOJEID_TOKEN_KEY');
      expect((caught as Error).message).toContain('randomBytes(32)');
      if (bad) expect((caught as Error).message).not.toContain(bad);
    }
    expect(() => sealToken(TOKEN, randomBytes(16))).toThrow(ConfigurationError);
  });
});
