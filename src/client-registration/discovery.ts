/**
 * Finding mojeID's endpoints: the discovery document at `<issuer>.well-known/openid-configuration`
 * (field notes: a strict issuer check passes there), and WebFinger as §5.1.5 shows it, asked at
 * `<issuer>.well-known/webfinger` (mojeID answers under `/oidc/`) for the issuer of an account.
 */
import { ClientRegistrationError, ProviderUnavailableError } from '../errors.js';
import { issuerOf, requestJson, secureUrl } from './http.js';
import type { ClientRegistrationOptions } from './types.js';

/** OIDC Discovery §2: the link relation naming an OpenID Connect issuer. */
export const WEBFINGER_ISSUER_REL = 'http://openid.net/specs/connect/1.0/issuer';

function withSlash(issuer: string): string {
  return issuer.endsWith('/') ? issuer : `${issuer}/`;
}

/** The provider's discovery document, after checking it names the issuer it was fetched for. */
export async function fetchProviderMetadata(options: ClientRegistrationOptions): Promise<Record<string, unknown>> {
  const issuer = issuerOf(options);
  const url = new URL(`${withSlash(issuer)}.well-known/openid-configuration`);
  const { body } = await requestJson(url, { method: 'GET', what: `reading the discovery document ${url.href}` }, options);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ProviderUnavailableError(`the discovery document at ${url.href} is not a JSON object`);
  }
  const document = body as Record<string, unknown>;
  if (document['issuer'] !== issuer) {
    throw new ProviderUnavailableError(
      `the discovery document at ${url.href} names the issuer ${JSON.stringify(document['issuer'])}, not ${issuer}; check the issuer URL (mojeID's ends with /oidc/)`,
    );
  }
  return document;
}

/** The registration endpoint from the discovery document (§5.1.3 "Automatic Registration"). */
export async function registrationEndpoint(options: ClientRegistrationOptions): Promise<URL> {
  const document = await fetchProviderMetadata(options);
  const endpoint = document['registration_endpoint'];
  if (typeof endpoint !== 'string') {
    throw new ClientRegistrationError(`${issuerOf(options)} does not advertise a registration_endpoint: register the client manually in the consumer admin (§5.1.3)`);
  }
  return secureUrl(endpoint, 'registration_endpoint', 'MOJEID_ISSUER');
}

/** `joe@mojeid.cz` -> `acct:joe@mojeid.cz`; anything with a scheme is kept. */
export function webfingerResource(input: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(input) ? input : `acct:${input}`;
}

/**
 * §5.1.5: asks WebFinger which issuer serves `resource` (default `acct:@<host>`, the manual's
 * example), and returns the issuer it names.
 */
export async function webfingerIssuer(options: ClientRegistrationOptions, resource?: string): Promise<string> {
  const base = withSlash(issuerOf(options));
  const url = new URL(`${base}.well-known/webfinger`);
  url.searchParams.set('resource', webfingerResource(resource ?? `@${url.hostname}`));
  url.searchParams.set('rel', WEBFINGER_ISSUER_REL);
  const { body } = await requestJson(url, { method: 'GET', what: `asking WebFinger at ${url.origin}` }, options);
  const links = (body as { links?: unknown } | undefined)?.links;
  const link = Array.isArray(links)
    ? (links as unknown[]).find((l): l is { href: string } => (l as { rel?: unknown }).rel === WEBFINGER_ISSUER_REL && typeof (l as { href?: unknown }).href === 'string')
    : undefined;
  if (!link) throw new ProviderUnavailableError(`WebFinger at ${url.origin} named no OpenID Connect issuer for ${url.searchParams.get('resource') ?? ''}`);
  secureUrl(link.href, 'issuer', 'MOJEID_ISSUER');
  return link.href;
}
