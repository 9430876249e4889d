/**
 * mojeID's two public instances as data (§8.2, §8.3, ch. 7, field notes). Anything else is a
 * custom issuer (the local simulator, a proxy); its pages are derived from the issuer's origin the
 * same way mojeID lays them out.
 */

export type MojeIdEnvironmentName = 'test' | 'production';

export interface MojeIdEndpoints {
  /** Issuer identifier, exactly as the provider's discovery document states it. */
  readonly issuer: string;
  /** Ch. 7: the page where a user confirms logging out of mojeID itself. */
  readonly logoutUrl: string;
  /** §8.2: where the account-creation form is POSTed. */
  readonly registrationUrl: string;
  /** §6.1, §8.2: transfer of a domain-registry contact to mojeID. */
  readonly transferUrl: string;
  /** Appendix 7 point 2b: the public "Create mojeID account" page. */
  readonly createAccountUrl: string;
}

export const ENVIRONMENTS: Readonly<Record<MojeIdEnvironmentName, MojeIdEndpoints>> = Object.freeze({
  test: Object.freeze({
    issuer: 'https://mojeid.regtest.nic.cz/oidc/',
    logoutUrl: 'https://mojeid.regtest.nic.cz/logout/',
    registrationUrl: 'https://mojeid.regtest.nic.cz/registration/endpoint/',
    transferUrl: 'https://mojeid.regtest.nic.cz/transfer/endpoint/',
    createAccountUrl: 'https://mojeid.regtest.nic.cz/registration/',
  }),
  production: Object.freeze({
    issuer: 'https://mojeid.cz/oidc/',
    logoutUrl: 'https://mojeid.cz/logout/',
    registrationUrl: 'https://mojeid.cz/registration/endpoint/',
    transferUrl: 'https://mojeid.cz/transfer/endpoint/',
    createAccountUrl: 'https://mojeid.cz/registration/',
  }),
});

/** Appendix 7 point 2a, field notes: the public "Why mojeID" page in each language. */
export const WHY_MOJEID_URL = Object.freeze({
  cs: 'https://www.mojeid.cz/cs/proc-mojeid/',
  en: 'https://www.mojeid.cz/en/why-mojeid/',
});

/** A custom issuer's pages, laid out like mojeID's (`/oidc/` issuer, `/logout/` at the root). */
export function endpointsForIssuer(issuer: string): MojeIdEndpoints {
  const origin = new URL(issuer).origin;
  return {
    issuer,
    logoutUrl: `${origin}/logout/`,
    registrationUrl: `${origin}/registration/endpoint/`,
    transferUrl: `${origin}/transfer/endpoint/`,
    createAccountUrl: `${origin}/registration/`,
  };
}

/**
 * §5.1.3, field notes: mojeID's configuration endpoint of a client, as its registration answers
 * carry it (`https://mojeid.cz/oidc/registration/?client_id=...`).
 */
export function registrationClientUriFor(issuer: string, clientId: string): string {
  return `${issuer.endsWith('/') ? issuer : `${issuer}/`}registration/?client_id=${encodeURIComponent(clientId)}`;
}

// Moved to the leaf url-checks.ts (configuration and client registration use it without
// depending on this module); re-exported for the modules that import it from here.
export { isLoopbackHost } from './url-checks.js';
