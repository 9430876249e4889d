/**
 * Reads a provider's responses with a size cap: the cap itself, the error for a response over it,
 * and `limitedFetch`, which puts any Fetch API implementation under the cap. A leaf: it imports
 * nothing of this library, so the provider client, the node:http transport, client registration
 * and the CLI can all depend on it without depending on each other.
 */
import type * as oidc from 'openid-client';

/** Responses larger than this are refused: a provider never needs more for discovery, tokens or claims. */
export const MAX_RESPONSE_BYTES = 512 * 1024;

/** A provider response over `MAX_RESPONSE_BYTES`. */
export class ResponseTooLargeError extends Error {
  constructor(origin: string) {
    super(`the response from ${origin} is larger than ${MAX_RESPONSE_BYTES} bytes`);
    this.name = 'ResponseTooLargeError';
  }
}

/**
 * Every response body is read with a size cap, so a provider answering several megabytes (or an
 * endless stream) cannot exhaust memory; the timeout signal from openid-client still applies.
 */
export function limitedFetch(base: typeof fetch): oidc.CustomFetch {
  return async (url, options) => {
    const response = await base(url, options as RequestInit);
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > MAX_RESPONSE_BYTES) {
      await response.body?.cancel();
      throw new ResponseTooLargeError(new URL(url).origin);
    }
    if (!response.body) return response;
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_RESPONSE_BYTES) {
        await reader.cancel();
        throw new ResponseTooLargeError(new URL(url).origin);
      }
      chunks.push(value);
    }
    // Responses to HEAD and these statuses must not carry a body (Fetch spec).
    const bodyless = [101, 204, 205, 304].includes(response.status);
    return new Response(bodyless ? null : Buffer.concat(chunks), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
