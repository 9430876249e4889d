/**
 * `describeCause`: a short, secret-free description of a low-level failure, for the messages of
 * the library's errors and for logs. A leaf: it imports nothing of this library, so the provider
 * client, the credential stores, secret renewal and the CLI share it without depending on each other.
 */

/** A short, secret-free description of a low-level failure for messages and logs. */
export function describeCause(cause: unknown): string {
  if (isUnknownSigningKey(cause)) {
    // oauth4webapi says this only with keys fetched within the last minute (the provider client
    // dates its cached keys back by KEY_MISS_REFETCH_AGE_S), i.e. after fetching them again for
    // this token or just before it.
    return "the ID token is signed with a key that is not among mojeID's published keys (jwks_uri), even after fetching them again";
  }
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    const inner = cause.cause instanceof Error ? `; ${cause.cause.message}` : '';
    return `${typeof code === 'string' ? `${code}: ` : ''}${cause.message}${inner}`.slice(0, 300);
  }
  return 'unknown error';
}

/** oauth4webapi found no key for the token's `kid` (and algorithm) in the JWKS. */
function isUnknownSigningKey(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const { code } = current as { code?: unknown };
    if (code === 'OAUTH_KEY_SELECTION_FAILED' && /no applicable keys/.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}
