/**
 * The one way client registration talks to mojeID: https only (plain http only on a loopback host,
 * for the simulator), a timeout and the response size cap of every other request to mojeID
 * (`limitedFetch`), no redirects followed (a Bearer token must not travel to wherever a redirect
 * points), and mojeID's JSON errors (Appendix 6.6) turned into `ClientRegistrationError`s that say
 * what to check.
 */
import { checkUrl } from '../url-checks.js';
import { ENVIRONMENTS } from '../environments.js';
import { ClientRegistrationError, ConfigurationError, ProviderUnavailableError } from '../errors.js';
import { limitedFetch, ResponseTooLargeError } from '../bounded-fetch.js';
import { describeCause } from '../describe-cause.js';
import type { ClientRegistrationOptions } from './types.js';

const DEFAULT_TIMEOUT_SECONDS = 10;

/** The issuer the options name, checked; `ConfigurationError` naming the option when unusable. */
export function issuerOf(options: ClientRegistrationOptions): string {
  if (options.issuer !== undefined) {
    secureUrl(options.issuer, 'issuer', 'MOJEID_ISSUER');
    return options.issuer;
  }
  if (options.environment === 'test' || options.environment === 'production') return ENVIRONMENTS[options.environment].issuer;
  throw new ConfigurationError([
    {
      option: 'environment',
      variable: 'MOJEID_ENV',
      message:
        options.environment === undefined
          ? 'not set: choose "test" (mojeid.regtest.nic.cz) or "production" (mojeid.cz), or give an issuer'
          : `expected "test" or "production", got ${JSON.stringify(options.environment)}`,
    },
  ]);
}

/** An absolute https URL (http only on loopback), or a `ConfigurationError` naming the option. */
export function secureUrl(value: string, option: string, variable: string): URL {
  const url = checkUrl(value, option);
  if (typeof url === 'string') throw new ConfigurationError([{ option, variable, message: url }]);
  return url;
}

/**
 * The configuration endpoint, checked: the registration access token goes nowhere but to the
 * issuer's own origin (mojeID's is `https://mojeid.cz/oidc/registration/?client_id=...`), and for
 * mojeID itself only under its registration endpoint. Without an issuer or environment there is
 * nothing to check the URI against, and a stored or pasted `registration_client_uri` could send
 * the token anywhere: refused before anything is sent.
 */
export function registrationClientUrl(uri: string, options: ClientRegistrationOptions): URL {
  const url = secureUrl(uri, 'registrationClientUri', 'MOJEID_REGISTRATION_CLIENT_URI');
  if (options.issuer === undefined && options.environment === undefined) {
    throw new ConfigurationError([
      {
        option: 'environment',
        variable: 'MOJEID_ENV',
        message: `not set: the registration access token is sent only to the issuer's origin, so say which mojeID ("test", "production" or an issuer) before it goes to ${url.origin}`,
      },
    ]);
  }
  const issuer = new URL(issuerOf(options));
  if (url.origin !== issuer.origin) {
    throw new ConfigurationError([
      {
        option: 'registrationClientUri',
        variable: 'MOJEID_REGISTRATION_CLIENT_URI',
        message: `must be on the issuer's origin ${issuer.origin} (the registration access token is sent there), got ${url.origin}`,
      },
    ]);
  }
  const mojeId = Object.values(ENVIRONMENTS).some((environment) => environment.issuer === issuer.href);
  const endpointPath = new URL('registration/', issuer).pathname;
  if (mojeId && !url.pathname.startsWith(endpointPath)) {
    throw new ConfigurationError([
      {
        option: 'registrationClientUri',
        variable: 'MOJEID_REGISTRATION_CLIENT_URI',
        message: `must be under mojeID's registration endpoint ${issuer.origin}${endpointPath} (the registration access token is sent there), got ${url.origin}${url.pathname}`,
      },
    ]);
  }
  return url;
}

export interface JsonRequest {
  method: 'GET' | 'POST';
  /** Sent as `Authorization: Bearer ...` (§5.1.3). */
  bearer?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** What is being done, for messages: "registering the client". */
  what: string;
}

export interface JsonAnswer {
  status: number;
  body: unknown;
}

/** Sends one request and returns a successful JSON answer; anything else becomes a typed error. */
export async function requestJson(url: URL, request: JsonRequest, options: ClientRegistrationOptions): Promise<JsonAnswer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (request.bearer !== undefined) headers['authorization'] = `Bearer ${request.bearer}`;
  const timeout = (options.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  let response: Response;
  try {
    response = await limitedFetch(options.fetch ?? fetch)(url.href, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeout),
    });
  } catch (cause) {
    if (cause instanceof ResponseTooLargeError) throw new ClientRegistrationError(`${request.what}: ${cause.message}`, { cause });
    throw new ProviderUnavailableError(`${request.what}: ${url.origin} did not answer: ${describeCause(cause)}`, cause);
  }

  if (response.status >= 300 && response.status < 400) {
    // Django-style servers redirect a path without its trailing slash; a POST does not survive that.
    const location = response.headers.get('location');
    throw new ClientRegistrationError(
      `${request.what}: ${url.origin} answered HTTP ${response.status} redirecting to ${location ?? '(nowhere)'}; use the exact URL from the registration answer or the discovery document`,
      { httpStatus: response.status },
    );
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.ok) {
    if (body === undefined) throw new ClientRegistrationError(`${request.what}: ${url.origin} answered HTTP ${response.status} without a JSON body`, { httpStatus: response.status });
    return { status: response.status, body };
  }
  throw providerError(request.what, response.status, body);
}

/** Appendix 6.6 names mojeID's JSON errors; RFC 7591 §3.2.2 and RFC 6750 §3.1 the registration ones. */
const HINTS: Readonly<Record<string, string>> = {
  invalid_request:
    'Appendix 6.6: missing required parameters, or a parameter mojeID could not read (check redirect_uris is a list of absolute URLs and every URL is well-formed)',
  unauthorized_client: 'Appendix 6.6: wrong client_id, wrong client_secret, or an authentication method other than the registered one',
  invalid_client: 'Appendix 6.6: wrong client_id, wrong client_secret, or an authentication method other than the registered one',
  invalid_token:
    'the registration access token was refused: it is wrong, belongs to another client, or to the other environment (test vs production); mojeID gives it only in the registration answer (§5.1.3)',
  invalid_redirect_uri: 'a redirect URI was refused: use absolute https URLs without a fragment',
  invalid_client_metadata: 'a metadata value was refused: check the URLs (logo_uri, client_uri, policy_uri, assertion_uris) and token_endpoint_auth_method',
  access_denied: 'not allowed: a manual registration is changed in the consumer admin (https://mojeid.cz/consumer_admin/), not with a registration access token',
};

function providerError(what: string, status: number, body: unknown): ClientRegistrationError {
  const record = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const error = typeof record['error'] === 'string' ? record['error'].slice(0, 100) : undefined;
  const description = typeof record['error_description'] === 'string' ? record['error_description'].slice(0, 300) : undefined;
  const hint = (error !== undefined && Object.hasOwn(HINTS, error) ? HINTS[error] : undefined) ?? (status === 401 ? HINTS['invalid_token'] : status === 403 ? HINTS['access_denied'] : undefined);
  // Only an error we know by name goes into the message; the provider's own words stay in fields.
  const answered = error === undefined ? 'no JSON error' : Object.hasOwn(HINTS, error) ? error : 'an error, see providerError';
  return new ClientRegistrationError(`${what}: mojeID answered HTTP ${status} (${answered})${hint ? `. ${hint}` : ''}`, {
    ...(error ? { providerError: error } : {}),
    ...(description ? { providerDescription: description } : {}),
    httpStatus: status,
  });
}
