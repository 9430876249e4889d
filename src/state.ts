/**
 * The `state` value of an authorization request: 32 random bytes (base64url) and, after a dot,
 * the second it was issued (base 36). The time lets a callback whose session is gone still be
 * reported as "expired" instead of a lost cookie; it decides nothing else: a state is accepted
 * only when it equals one its session stored.
 */
import type { Buffer } from 'node:buffer';

export function newState(random: Buffer, now = Date.now()): string {
  return `${random.toString('base64url')}.${Math.floor(now / 1000).toString(36)}`;
}

/** When `state` says it was issued (epoch ms), if it has our shape; anything else: `undefined`. */
export function stateIssuedAt(state: string): number | undefined {
  const match = /^[A-Za-z0-9_-]{43}\.([0-9a-z]{1,9})$/.exec(state);
  if (!match?.[1]) return undefined;
  const seconds = Number.parseInt(match[1], 36);
  return Number.isSafeInteger(seconds) ? seconds * 1000 : undefined;
}
