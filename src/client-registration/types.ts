/**
 * The data of client registration (§5.1.3, OpenID Connect Dynamic Client Registration 1.0), in the
 * protocol's own snake_case names so values can be compared with the manual and mojeID's answers
 * directly (openid-client names metadata the same way).
 */
import type { TokenEndpointAuthMethod } from '../config-options.js';
import type { MojeIdEnvironmentName } from '../environments.js';

/** What a service registers. Only `redirect_uris` is required. */
export interface ClientMetadata {
  /** Where mojeID may send the browser back (your callback). Cannot change after registration (§5.1.3). */
  redirect_uris: string[];
  /** The service's name, shown on mojeID's login and consent pages. */
  client_name?: string;
  /** §4.4.1: the favicon shown next to the service's name on mojeID's login form. */
  logo_uri?: string;
  /** The service's home page. */
  client_uri?: string;
  /** The service's privacy policy. */
  policy_uri?: string;
  /** How the client authenticates at the token endpoint; mojeID's default is `client_secret_basic` (field notes). */
  token_endpoint_auth_method?: TokenEndpointAuthMethod;
  /** §6.2: where mojeID sends registration notifications for accounts created from the service. */
  assertion_uris?: string[];
  /** `web` for a server-side app (the manual's example). */
  application_type?: 'web' | 'native';
  /**
   * `pairwise` (production advertises it in `subject_types_supported`): a `sub` that differs per
   * sector (OIDC Core §8.1), so another service cannot correlate the person by it. Default `public`.
   */
  subject_type?: 'public' | 'pairwise';
}

/** What a Registration Change may set (§5.1.3): everything but `redirect_uris` and `client_id`. */
export type ClientMetadataChanges = Partial<Omit<ClientMetadata, 'redirect_uris'>>;

/** What reading or changing a registration needs: both come from the registration answer (§5.1.3). */
export interface RegistrationAccess {
  /** The configuration endpoint, e.g. `https://mojeid.cz/oidc/registration/?client_id=...`. */
  registration_client_uri: string;
  /** The Bearer token for it. Secret: shown once, in the registration answer. */
  registration_access_token: string;
}

/** mojeID's answer to registering, reading, changing or rotating: the registration as it stands. */
export interface ClientRegistration {
  client_id: string;
  /** Present in answers that issue one (registration, rotation) and in reads. Secret. */
  client_secret: string | undefined;
  /**
   * Epoch seconds when `client_secret` stops working; `0` means never (RFC 7591 §3.2.1). Dynamic
   * registrations get 24 hours (§5.1.3); manual ones never expire.
   */
  client_secret_expires_at: number;
  client_id_issued_at: number | undefined;
  /** Secret. Present in the registration answer; mojeID also repeats it in later answers. */
  registration_access_token: string | undefined;
  registration_client_uri: string | undefined;
  redirect_uris: string[];
  token_endpoint_auth_method: string | undefined;
  client_name: string | undefined;
  logo_uri: string | undefined;
  client_uri: string | undefined;
  policy_uri: string | undefined;
  assertion_uris: string[] | undefined;
  application_type: string | undefined;
  /** `public` or `pairwise`, when the answer says (docs/assurance.md). */
  subject_type: string | undefined;
  /** Every other member of the answer (grant_types, response_types, ...), as received. */
  other: Readonly<Record<string, unknown>>;
}

/** Which mojeID to talk to, and how. */
export interface ClientRegistrationOptions {
  /** `test` (mojeid.regtest.nic.cz) or `production` (mojeid.cz). */
  environment?: MojeIdEnvironmentName;
  /** Any other issuer (the local simulator); wins over `environment`. https, except on loopback. */
  issuer?: string;
  /** Seconds before a request is abandoned. Default 10. */
  timeout?: number;
  /** Replaces the Fetch API implementation (tests, proxies). */
  fetch?: typeof fetch;
}
