/**
 * The JWKS requests openid-client makes by itself: when an ID token names a key it does not have
 * (mojeID started signing with a new key, OpenID conformance `rp-key-rotation-op-sign-key`), or
 * when the keys it holds are missing or too old. Concurrent ones share one request, and for a
 * while after a request the next ones get its answer again instead of going out: ID tokens naming
 * unknown keys, however many, cost mojeID at most one request per `JWKS_REFETCH_INTERVAL_MS`.
 * `ProviderClient`'s own fetches (with discovery, the scheduled refresh) do not pass through here.
 */
import type * as oidc from 'openid-client';

/**
 * At least this long between two JWKS requests made by openid-client. oauth4webapi keeps to the
 * same minute once it has fetched the keys itself; this also holds across configurations (new
 * credentials, the scheduled refresh), each of which would otherwise refetch at once.
 */
export const JWKS_REFETCH_INTERVAL_MS = 60_000;
/**
 * A failed request (mojeID's key endpoint down or slow) is answered again only this long: a
 * minute of failed logins after one lost request would be the very outage key rotation must not
 * cause, while a few seconds still keep a stream of logins from retrying it one after another.
 */
export const JWKS_REFETCH_FAILURE_HOLD_MS = 5_000;

interface Recorded {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Array<[string, string]>;
  readonly body: Uint8Array;
}

interface Flight {
  readonly answer: Promise<Recorded>;
  settled: boolean;
  /** When the next request may go out, once this one has settled. */
  until: number;
}

/**
 * `fetch` with the JWKS requests to `jwksUri()` (a normalised URL, `undefined` before discovery)
 * shared and spaced out; every other request goes straight through.
 */
export function gateJwksRefetches(fetch: oidc.CustomFetch, jwksUri: () => string | undefined, now: () => number): oidc.CustomFetch {
  let last: Flight | undefined;

  function takeOff(url: string, options: oidc.CustomFetchOptions): Flight {
    const started = now();
    const flight: Flight = {
      settled: false,
      until: started + JWKS_REFETCH_FAILURE_HOLD_MS,
      answer: fetch(url, options)
        .then(record)
        .then((recorded) => {
          if (recorded.status === 200) flight.until = started + JWKS_REFETCH_INTERVAL_MS;
          return recorded;
        })
        .finally(() => {
          flight.settled = true;
        }),
    };
    return flight;
  }

  return async (url, options) => {
    if (options.method !== 'GET' || url !== jwksUri()) return fetch(url, options);
    if (!last || (last.settled && now() >= last.until)) last = takeOff(url, options);
    return replay(await last.answer);
  };
}

async function record(response: Response): Promise<Recorded> {
  return {
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers],
    body: new Uint8Array(await response.arrayBuffer()),
  };
}

/** Each caller gets a Response of its own: a body can be read only once. */
function replay(recorded: Recorded): Response {
  // Responses with these statuses must not carry a body (Fetch spec).
  const bodyless = [101, 204, 205, 304].includes(recorded.status);
  return new Response(bodyless ? null : recorded.body.slice(), {
    status: recorded.status,
    statusText: recorded.statusText,
    headers: recorded.headers,
  });
}
