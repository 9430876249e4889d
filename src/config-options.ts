/**
 * What an app may pass to `mojeid()` / `new MojeIdStrategy()`: the option types, and nothing else.
 * The schema (config-schema.ts) checks at compile time that it has one entry for exactly these
 * options, besides the few that exist in code only; `resolveConfig` (config.ts) turns them into a
 * `MojeIdConfig`.
 */
import type { AssuranceLevel, LoginMethod } from './assurance.js';
import type { CredentialStore } from './credential-store-contract.js';
import type { MojeIdEnvironmentName } from './environments.js';
import type { AccountRequirement } from './errors.js';

export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post';
export type ClaimRequirement = 'essential' | 'optional';
export type LocaleSetting = 'auto' | 'cs' | 'en';

/** What an app passes to `mojeid()` / `new MojeIdStrategy()`; unset options fall back to `MOJEID_*`. */
export interface MojeIdOptions {
  environment?: MojeIdEnvironmentName;
  issuer?: string;
  clientId?: string;
  clientSecret?: string;
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  /** §5.1.3: a dynamic registration's token for its configuration endpoint; turns on automatic renewal. */
  registrationAccessToken?: string;
  /** §5.1.3: the configuration endpoint from the registration answer. */
  registrationClientUri?: string;
  /** Epoch seconds when `clientSecret` expires (`0` = never); read from mojeID when not given. */
  clientSecretExpiresAt?: number;
  /** Where renewed credentials are kept (a `FileCredentialStore`). */
  credentialsFile?: string;
  /** Keep renewed credentials here instead of a file (e.g. `RedisCredentialStore`). Code only. */
  credentialStore?: CredentialStore;
  /** Seconds before the secret expires at which it is renewed. */
  renewalMargin?: number;
  baseUrl?: string;
  mountPath?: string;
  redirectUri?: string;
  scope?: string | readonly string[];
  claims?: Readonly<Record<string, ClaimRequirement>>;
  /** Claims `defaultUser` keeps in the session besides `sub` (Appendix 7 point 4); default none. */
  sessionClaims?: readonly string[];
  userinfo?: boolean;
  acrValues?: AssuranceLevel | string;
  /** Require a login method (§4.3.1): `password`, `multi-factor` or `security-key`. */
  loginMethod?: LoginMethod | string;
  maxAge?: number;
  prompt?: string;
  uiLocales?: string;
  /** Ask for a refresh token at every login (`offline_access` + `prompt=consent`; docs/offline-access.md). */
  offlineAccess?: boolean;
  pkce?: boolean;
  accept?: readonly AccountRequirement[];
  httpTimeout?: number;
  clockTolerance?: number;
  maxPendingLogins?: number;
  pendingLoginTtl?: number;
  logoutUrl?: string;
  offerMojeIdLogout?: boolean;
  postLogoutRedirect?: string;
  locale?: LocaleSetting;
  /** Account creation (ch. 6): where the form goes; default the environment's (§8.2). */
  accountRegistrationUrl?: string;
  /** Account creation: the transfer endpoint for registry contacts (§6.1, §8.2). */
  accountTransferUrl?: string;
  /** Offer the transfer variant (`variant=transfer` on the register route). Default `false`. */
  accountTransfer?: boolean;
  /** Seconds an issued `registration_nonce` waits for mojeID's notification. Default 3600. */
  accountRegistrationTtl?: number;
  /** The CZ.NIC CA for notification client certificates (§6.2): a PEM file path, PEM text or a Buffer. */
  notifyCa?: string | Buffer;
  /** Reverse proxies (IPs or CIDR ranges) whose client-certificate header is believed. */
  notifyTrustedProxies?: string | readonly string[];
  /** The header such a proxy sets to `SUCCESS`. Default `x-ssl-client-verify`. */
  notifyProxyHeader?: string;
  /** The header such a proxy forwards the verified certificate in. Default `x-ssl-client-cert`. */
  notifyProxyCertHeader?: string;
  /** Believe a trusted proxy's `SUCCESS` without its certificate (weaker; no CA or pin check). Default `false`. */
  notifyProxyVerdictOnly?: boolean;
  /** Pins of mojeID's notification certificate: `sha256/<base64 SPKI digest>` or `subject:CN=…`. */
  notifyPins?: string | readonly string[];
  /** Accept notifications over plain HTTP without a certificate (test instance only, §6.2). */
  notifyInsecureTestMode?: boolean;
  /** Read `MOJEID_*` variables for options not given here. Default `true`. */
  useEnvironment?: boolean;
  /** Where variables are read from; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Options that have no variable: objects, and the switches that say where variables come from. */
export type CodeOnlyOption = 'credentialStore' | 'useEnvironment' | 'env';
