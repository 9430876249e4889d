/**
 * One schema for every option: its environment variable, default, validation and the message a
 * person can act on live together here, and docs/configuration.md is generated from it
 * (`renderConfigurationReference`), so code, errors and docs cannot drift apart.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isMojeIdClaimName } from './claims/catalogue.js';
import {
  ENVIRONMENTS,
  endpointsForIssuer,
  isLoopbackHost,
  registrationClientUriFor,
  type MojeIdEndpoints,
  type MojeIdEnvironmentName,
} from './environments.js';
import { ConfigurationError, type AccountRequirement, type ConfigurationIssue } from './errors.js';
import { DEFAULT_CREDENTIALS_FILE, type CredentialStore } from './client-registration/credential-store.js';
import { isAddressOrRange } from './tls/client-cert.js';

export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post';
export type ClaimRequirement = 'essential' | 'optional';
export type AssuranceLevel = 'substantial' | 'high';
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
  userinfo?: boolean;
  acrValues?: AssuranceLevel | string;
  maxAge?: number;
  prompt?: string;
  uiLocales?: string;
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
  /** Accept notifications over plain HTTP without a certificate (test instance only, §6.2). */
  notifyInsecureTestMode?: boolean;
  /** Read `MOJEID_*` variables for options not given here. Default `true`. */
  useEnvironment?: boolean;
  /** Where variables are read from; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The validated, complete configuration every other module reads. Frozen. */
export interface MojeIdConfig {
  readonly environment: MojeIdEnvironmentName | 'custom';
  readonly endpoints: MojeIdEndpoints;
  readonly issuer: string;
  readonly clientId: string;
  /** Non-enumerable: `JSON.stringify` and `console.log` of the config never show it. */
  readonly clientSecret: string;
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** Non-enumerable, like `clientSecret`. */
  readonly registrationAccessToken: string | undefined;
  readonly registrationClientUri: string | undefined;
  readonly clientSecretExpiresAt: number | undefined;
  /** The credentials file when renewal keeps credentials in one (the default store); else `undefined`. */
  readonly credentialsFile: string | undefined;
  readonly renewalMargin: number;
  readonly baseUrl: string;
  readonly mountPath: string;
  readonly redirectUri: string;
  readonly scope: readonly string[];
  readonly claims: Readonly<Record<string, ClaimRequirement>>;
  readonly userinfo: boolean;
  readonly acrLevel: AssuranceLevel | undefined;
  readonly maxAge: number | undefined;
  readonly prompt: string | undefined;
  readonly uiLocales: string | undefined;
  readonly pkce: boolean;
  readonly accept: readonly AccountRequirement[];
  readonly httpTimeout: number;
  readonly clockTolerance: number;
  readonly maxPendingLogins: number;
  readonly pendingLoginTtl: number;
  readonly offerMojeIdLogout: boolean;
  readonly postLogoutRedirect: string;
  readonly locale: LocaleSetting;
  readonly accountTransfer: boolean;
  readonly accountRegistrationTtl: number;
  /** The CZ.NIC CA certificates parsed from `notifyCa`; empty when not configured. */
  readonly notifyCa: readonly X509Certificate[];
  readonly notifyTrustedProxies: readonly string[];
  readonly notifyProxyHeader: string;
  readonly notifyInsecureTestMode: boolean;
}

export const SUPPORTED_SCOPES = ['openid', 'profile', 'email', 'phone', 'address', 'openid2', 'offline_access'] as const;
export const SUPPORTED_PROMPTS = ['none', 'login', 'consent', 'select_account'] as const;

/** §5.1.12 gives the `oidc/assurance_level` spelling; production discovery lists `LoA` (field notes). */
export const ASSURANCE_LEVEL_URIS: Readonly<Record<AssuranceLevel, readonly string[]>> = {
  substantial: ['http://eidas.europa.eu/oidc/assurance_level/substantial', 'http://eidas.europa.eu/LoA/substantial'],
  high: ['http://eidas.europa.eu/oidc/assurance_level/high', 'http://eidas.europa.eu/LoA/high'],
};

/** The claim each account requirement is decided by (Appendix 1 flags; full access only for valid/nia). */
export const ACCOUNT_REQUIREMENT_CLAIMS: Readonly<Record<AccountRequirement, string>> = {
  validated: 'mojeid_valid',
  adult: 'mojeid_is_adult',
  nia: 'mojeid_nia',
};

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (message: string): Parsed<never> => ({ ok: false, message });

interface OptionSpec<K extends keyof MojeIdOptions> {
  readonly option: K;
  readonly variable: string;
  readonly description: string;
  readonly defaultText: string;
  readonly example: string;
  readonly secret?: boolean;
  /** Parses the variable's text into the option's type. */
  readonly fromText: (text: string) => Parsed<NonNullable<MojeIdOptions[K]>>;
}

function spec<K extends keyof MojeIdOptions>(s: OptionSpec<K>): OptionSpec<K> {
  return s;
}

const parseBoolean = (text: string): Parsed<boolean> => {
  const t = text.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(t)) return ok(true);
  if (['false', '0', 'no', 'off'].includes(t)) return ok(false);
  return bad(`expected true or false, got ${JSON.stringify(text)}`);
};

const parsePositiveInteger = (text: string): Parsed<number> => {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) <= 0) return bad(`expected a whole number greater than 0, got ${JSON.stringify(text)}`);
  return ok(Number(t));
};

const parseNonNegativeInteger = (text: string): Parsed<number> => {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return bad(`expected a whole number of seconds (0 or more), got ${JSON.stringify(text)}`);
  return ok(Number(t));
};

const parseString = (text: string): Parsed<string> => ok(text.trim());

/** `email!,given_name!,family_name` (`!` = essential, i.e. required) or a JSON object. */
export function parseClaimsText(text: string): Parsed<Record<string, ClaimRequirement>> {
  const t = text.trim();
  if (t.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(t);
    } catch {
      return bad('looks like JSON but does not parse; use {"email":"essential","nickname":"optional"} or email!,nickname');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return bad('expected a JSON object of claim names to "essential" or "optional"');
    }
    return ok(Object.fromEntries(Object.entries(parsed)) as Record<string, ClaimRequirement>);
  }
  const claims: Record<string, ClaimRequirement> = {};
  for (const item of t.split(/[\s,]+/).filter(Boolean)) {
    const essential = item.endsWith('!');
    claims[essential ? item.slice(0, -1) : item] = essential ? 'essential' : 'optional';
  }
  return ok(claims);
}

const SCHEMA = [
  spec({
    option: 'environment',
    variable: 'MOJEID_ENV',
    description: "Which mojeID to use: `test` (mojeid.regtest.nic.cz) or `production` (mojeid.cz), §8.3. Required unless `MOJEID_ISSUER` is set.",
    defaultText: '(none)',
    example: 'test',
    fromText: (text) => {
      const t = text.trim().toLowerCase();
      return t === 'test' || t === 'production' ? ok(t) : bad(`expected "test" or "production", got ${JSON.stringify(text)}`);
    },
  }),
  spec({
    option: 'issuer',
    variable: 'MOJEID_ISSUER',
    description: 'Any other issuer URL (the local simulator, a proxy). Overrides `MOJEID_ENV`. Must be https, except on a loopback host.',
    defaultText: 'from `MOJEID_ENV`',
    example: 'http://127.0.0.1:9400/oidc/',
    fromText: parseString,
  }),
  spec({
    option: 'clientId',
    variable: 'MOJEID_CLIENT_ID',
    description: 'The `client_id` from your client registration (§5.1.3).',
    defaultText: '(required)',
    example: 's6BhdRkqt3',
    fromText: parseString,
  }),
  spec({
    option: 'clientSecret',
    variable: 'MOJEID_CLIENT_SECRET',
    description: 'The `client_secret` from your client registration. Never logged.',
    defaultText: '(required)',
    example: '(secret)',
    secret: true,
    fromText: parseString,
  }),
  spec({
    option: 'tokenEndpointAuthMethod',
    variable: 'MOJEID_TOKEN_AUTH_METHOD',
    description:
      "How the client authenticates at the token endpoint. Must equal the method the client was registered with: mojeID rejects any other, with an error that looks like a wrong secret (field notes). mojeID's default is `client_secret_basic`; the manual's dynamic registration example registers `client_secret_post`.",
    defaultText: 'client_secret_basic',
    example: 'client_secret_post',
    fromText: (text) => {
      const t = text.trim();
      return t === 'client_secret_basic' || t === 'client_secret_post'
        ? ok(t)
        : bad(`expected "client_secret_basic" or "client_secret_post", got ${JSON.stringify(text)}`);
    },
  }),
  spec({
    option: 'registrationAccessToken',
    variable: 'MOJEID_REGISTRATION_ACCESS_TOKEN',
    description:
      "A dynamic registration's `registration_access_token` (§5.1.3; `npx passport-mojeid-oidc register` prints it). With it the secret is renewed automatically before it expires, and the new credentials are kept in `MOJEID_CREDENTIALS_FILE`. Never logged.",
    defaultText: '(none: no renewal)',
    example: '(secret)',
    secret: true,
    fromText: parseString,
  }),
  spec({
    option: 'registrationClientUri',
    variable: 'MOJEID_REGISTRATION_CLIENT_URI',
    description: "The registration's `registration_client_uri` (§5.1.3), where it is read and renewed. Must be on the issuer's origin.",
    defaultText: '`<issuer>registration/?client_id=<clientId>` (field notes)',
    example: 'https://mojeid.regtest.nic.cz/oidc/registration/?client_id=s6BhdRkqt3',
    fromText: parseString,
  }),
  spec({
    option: 'clientSecretExpiresAt',
    variable: 'MOJEID_CLIENT_SECRET_EXPIRES_AT',
    description:
      "The registration's `client_secret_expires_at`: epoch seconds, `0` = never (manual registrations). When renewal is on and it is not set, it is read from mojeID at start.",
    defaultText: '(read from mojeID)',
    example: '1577858400',
    fromText: parseNonNegativeInteger,
  }),
  spec({
    option: 'credentialsFile',
    variable: 'MOJEID_CREDENTIALS_FILE',
    description:
      'JSON file (mode 0600, written atomically) where renewed credentials are kept, so a restart uses the current secret. When it holds newer credentials for `MOJEID_CLIENT_ID` than the variables, it wins, and `MOJEID_CLIENT_SECRET` may be left unset.',
    defaultText: '`.mojeid-credentials.json` when renewal is on',
    example: '/var/lib/shop/mojeid-credentials.json',
    fromText: parseString,
  }),
  spec({
    option: 'renewalMargin',
    variable: 'MOJEID_RENEWAL_MARGIN',
    description: 'Seconds before the secret expires at which it is renewed (§5.1.3: dynamic secrets live 24 hours). Failed renewals are retried with back-off meanwhile.',
    defaultText: '21600 (6 hours)',
    example: '3600',
    fromText: parsePositiveInteger,
  }),
  spec({
    option: 'baseUrl',
    variable: 'MOJEID_BASE_URL',
    description: "Your app's public origin as browsers see it (`BASE_URL` is read too). https, except on a loopback host.",
    defaultText: '(required)',
    example: 'https://shop.example.cz',
    fromText: parseString,
  }),
  spec({
    option: 'mountPath',
    variable: 'MOJEID_MOUNT_PATH',
    description: 'Where the routers are mounted; the callback is `<mountPath>/callback`.',
    defaultText: '/auth/mojeid',
    example: '/login/mojeid',
    fromText: parseString,
  }),
  spec({
    option: 'redirectUri',
    variable: 'MOJEID_REDIRECT_URI',
    description: 'The registered redirect URI. Must be one of the `redirect_uris` of your registration.',
    defaultText: '`<baseUrl><mountPath>/callback`',
    example: 'https://shop.example.cz/auth/mojeid/callback',
    fromText: parseString,
  }),
  spec({
    option: 'scope',
    variable: 'MOJEID_SCOPE',
    description: `Groups of claims to ask for (§5.1.6); \`openid\` is always added. Supported: ${SUPPORTED_SCOPES.map((s) => `\`${s}\``).join(', ')}.`,
    defaultText: 'openid',
    example: 'openid profile email',
    fromText: (text) => ok(text.split(/[\s,]+/).filter(Boolean)),
  }),
  spec({
    option: 'claims',
    variable: 'MOJEID_CLAIMS',
    description:
      'Individual claims (§5.1.6 `claims` parameter; names in docs/claims.md). A trailing `!` marks a claim essential: the login fails with a clear explanation if the user withholds it. Appendix 7 point 4: mark only what your registration needs, ask only for what you use. JSON `{"email":"essential"}` works too.',
    defaultText: '(none)',
    example: 'email!,given_name!,family_name!,phone_number',
    fromText: parseClaimsText,
  }),
  spec({
    option: 'userinfo',
    variable: 'MOJEID_USERINFO',
    description:
      'Fetch the UserInfo endpoint after the token exchange. With `false`, individual claims are requested in the ID token instead (mojeID puts them there only when asked, field notes) and one request per login is saved.',
    defaultText: 'true',
    example: 'false',
    fromText: parseBoolean,
  }),
  spec({
    option: 'acrValues',
    variable: 'MOJEID_ACR_VALUES',
    description:
      "Require an identity verified through NIA at an eIDAS level (§5.1.12): `substantial` or `high` (or the full URI). The ID token's `acr` must reach it, or the login fails; `high` satisfies `substantial`.",
    defaultText: '(none)',
    example: 'high',
    fromText: parseString,
  }),
  spec({
    option: 'maxAge',
    variable: 'MOJEID_MAX_AGE',
    description: 'Maximum seconds since the user last actively authenticated at mojeID; checked against `auth_time`.',
    defaultText: '(none)',
    example: '3600',
    fromText: parseNonNegativeInteger,
  }),
  spec({
    option: 'prompt',
    variable: 'MOJEID_PROMPT',
    description: `OIDC \`prompt\`: space-separated ${SUPPORTED_PROMPTS.map((s) => `\`${s}\``).join(', ')}.`,
    defaultText: '(none)',
    example: 'login',
    fromText: parseString,
  }),
  spec({
    option: 'uiLocales',
    variable: 'MOJEID_UI_LOCALES',
    description: "Preferred languages of mojeID's pages, e.g. `cs en`.",
    defaultText: '(none)',
    example: 'cs',
    fromText: parseString,
  }),
  spec({
    option: 'pkce',
    variable: 'MOJEID_PKCE',
    description:
      "Send a PKCE S256 challenge (RFC 9700 §2.1.1). mojeID's discovery does not advertise `code_challenge_methods_supported`, but servers ignore parameters they do not know, so it is on by default.",
    defaultText: 'true',
    example: 'false',
    fromText: parseBoolean,
  }),
  spec({
    option: 'accept',
    variable: 'MOJEID_ACCEPT',
    description:
      'Accept only accounts that are `validated`, `adult` and/or `nia` (NIA-verified); the deciding claims (`mojeid_valid`, `mojeid_is_adult`, `mojeid_nia`) are requested as essential automatically. `validated` and `nia` need full access.',
    defaultText: '(any account)',
    example: 'validated,adult',
    fromText: (text) => ok(text.split(/[\s,]+/).filter(Boolean) as AccountRequirement[]),
  }),
  spec({
    option: 'httpTimeout',
    variable: 'MOJEID_HTTP_TIMEOUT',
    description: 'Seconds before any request to mojeID (discovery, JWKS, token, UserInfo) is abandoned.',
    defaultText: '10',
    example: '5',
    fromText: parsePositiveInteger,
  }),
  spec({
    option: 'clockTolerance',
    variable: 'MOJEID_CLOCK_TOLERANCE',
    description: 'Seconds of clock difference tolerated when checking `exp`, `iat` and `auth_time`.',
    defaultText: '30',
    example: '60',
    fromText: parseNonNegativeInteger,
  }),
  spec({
    option: 'maxPendingLogins',
    variable: 'MOJEID_MAX_PENDING_LOGINS',
    description: 'Logins one browser session may have started and not finished (several tabs); the oldest is dropped beyond it.',
    defaultText: '5',
    example: '3',
    fromText: parsePositiveInteger,
  }),
  spec({
    option: 'pendingLoginTtl',
    variable: 'MOJEID_PENDING_LOGIN_TTL',
    description: 'Seconds a started login may take before its callback is refused.',
    defaultText: '600',
    example: '300',
    fromText: parsePositiveInteger,
  }),
  spec({
    option: 'logoutUrl',
    variable: 'MOJEID_LOGOUT_URL',
    description: "mojeID's own logout page (ch. 7) offered after a local logout.",
    defaultText: "the environment's (`https://mojeid.cz/logout/`)",
    example: 'https://mojeid.cz/logout/',
    fromText: parseString,
  }),
  spec({
    option: 'offerMojeIdLogout',
    variable: 'MOJEID_OFFER_LOGOUT',
    description: 'After a local logout, ask whether to log out of mojeID too (ch. 7 recommends it for shared computers).',
    defaultText: 'true',
    example: 'false',
    fromText: parseBoolean,
  }),
  spec({
    option: 'postLogoutRedirect',
    variable: 'MOJEID_POST_LOGOUT_REDIRECT',
    description: 'Same-origin path to go to after logout.',
    defaultText: '/',
    example: '/goodbye',
    fromText: parseString,
  }),
  spec({
    option: 'locale',
    variable: 'MOJEID_LOCALE',
    description: "Language of the library's pages: `cs`, `en`, or `auto` (from the browser's Accept-Language).",
    defaultText: 'auto',
    example: 'cs',
    fromText: (text) => {
      const t = text.trim();
      return t === 'auto' || t === 'cs' || t === 'en' ? ok(t) : bad(`expected "auto", "cs" or "en", got ${JSON.stringify(text)}`);
    },
  }),
  spec({
    option: 'accountRegistrationUrl',
    variable: 'MOJEID_ACCOUNT_REGISTRATION_URL',
    description:
      "Account creation (ch. 6): where the prefilled form is POSTed. §8.2 lists `https://mojeid.cz/registration/endpoint/` (test: `https://mojeid.regtest.nic.cz/registration/endpoint/`); §6.1 names `https://direct.mojeid.cz/registration/direct/`.",
    defaultText: "the environment's (§8.2)",
    example: 'https://mojeid.cz/registration/endpoint/',
    fromText: parseString,
  }),
  spec({
    option: 'accountTransferUrl',
    variable: 'MOJEID_ACCOUNT_TRANSFER_URL',
    description: 'Account creation: the transfer of a contact from the domain registry to mojeID (§6.1, §8.2).',
    defaultText: "the environment's (§8.2)",
    example: 'https://mojeid.cz/transfer/endpoint/',
    fromText: parseString,
  }),
  spec({
    option: 'accountTransfer',
    variable: 'MOJEID_ACCOUNT_TRANSFER',
    description:
      'Allow the transfer variant of account creation (`variant=transfer`): the registry contact id is sent as `username` and the other data are ignored by mojeID (§6.1).',
    defaultText: 'false',
    example: 'true',
    fromText: parseBoolean,
  }),
  spec({
    option: 'accountRegistrationTtl',
    variable: 'MOJEID_ACCOUNT_REGISTRATION_TTL',
    description: "Seconds an issued `registration_nonce` stays valid while the user fills in mojeID's form; a notification after it is rejected.",
    defaultText: '3600',
    example: '7200',
    fromText: parsePositiveInteger,
  }),
  spec({
    option: 'notifyCa',
    variable: 'MOJEID_NOTIFY_CA_FILE',
    description:
      "PEM file with the CZ.NIC CA that issues mojeID's notification client certificates (§6.2; obtained from CZ.NIC, not bundled). In code also PEM text or a Buffer. Needed when the app terminates TLS itself.",
    defaultText: '(none)',
    example: '/etc/ssl/mojeid/cznic-client-ca.pem',
    fromText: parseString,
  }),
  spec({
    option: 'notifyTrustedProxies',
    variable: 'MOJEID_NOTIFY_TRUSTED_PROXIES',
    description:
      'Reverse proxies (IP addresses or CIDR ranges) that verify the client certificate themselves (nginx `ssl_verify_client`, Apache `SSLVerifyClient`) and report it in `MOJEID_NOTIFY_PROXY_HEADER`. The header is believed only from these addresses. Off unless set.',
    defaultText: '(none)',
    example: '127.0.0.1,10.0.0.0/24',
    fromText: (text) => ok(text.split(/[\s,]+/).filter(Boolean)),
  }),
  spec({
    option: 'notifyProxyHeader',
    variable: 'MOJEID_NOTIFY_PROXY_HEADER',
    description: "The request header a trusted proxy sets to `SUCCESS` after verifying the client certificate (nginx `$ssl_client_verify`, Apache `%{SSL_CLIENT_VERIFY}s`).",
    defaultText: 'x-ssl-client-verify',
    example: 'x-client-verify',
    fromText: parseString,
  }),
  spec({
    option: 'notifyInsecureTestMode',
    variable: 'MOJEID_NOTIFY_INSECURE_TEST_MODE',
    description:
      "Accept registration notifications over plain HTTP without a client certificate, as mojeID's test instance sends them to an http address (§6.2). Refused with `MOJEID_ENV=production`. Notifications over HTTPS still need a valid certificate.",
    defaultText: 'false',
    example: 'true',
    fromText: parseBoolean,
  }),
] as const;

export type ConfigurationSchemaEntry = Pick<
  OptionSpec<keyof MojeIdOptions>,
  'option' | 'variable' | 'description' | 'defaultText' | 'example'
>;
export const CONFIGURATION_SCHEMA: readonly ConfigurationSchemaEntry[] = SCHEMA;

/** Reads `MOJEID_*` variables into options; a variable that does not parse becomes an issue. */
export function optionsFromEnvironment(env: Readonly<Record<string, string | undefined>> = process.env): {
  options: MojeIdOptions;
  issues: ConfigurationIssue[];
} {
  const options: Record<string, unknown> = {};
  const issues: ConfigurationIssue[] = [];
  for (const entry of SCHEMA) {
    let text = env[entry.variable];
    if (text === undefined && entry.option === 'baseUrl') text = env['BASE_URL'];
    if (text === undefined || text.trim() === '') continue;
    const parsed = (entry.fromText as (t: string) => Parsed<unknown>)(text);
    if (parsed.ok) options[entry.option] = parsed.value;
    else issues.push({ option: entry.option, variable: entry.variable, message: parsed.message });
  }
  return { options: options as MojeIdOptions, issues };
}

function variableOf(option: keyof MojeIdOptions): string {
  return SCHEMA.find((e) => e.option === option)?.variable ?? option;
}

/** The URL, or why it is unusable: not absolute, or plain http off loopback. */
export function checkUrl(value: string, what: string): string | URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${what} must be an absolute URL, got ${JSON.stringify(value)}`;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return `${what} must use https (plain http is accepted only on a loopback host such as 127.0.0.1), got ${JSON.stringify(value)}`;
  }
  return url;
}

/** A same-origin path: starts with one `/`, no `//` or `/\`, no scheme, no control characters. */
export function isSafeRelativePath(path: string): boolean {
  // eslint-disable-next-line no-control-regex
  if (!/^\/(?![/\\])/.test(path) || /[\u0000-\u001f\u007f\\]/.test(path)) return false;
  try {
    const base = new URL('http://same-origin.invalid');
    return new URL(path, base).origin === base.origin;
  } catch {
    return false;
  }
}

/**
 * Validates options (falling back to `MOJEID_*` variables) into a frozen `MojeIdConfig`, or throws
 * a `ConfigurationError` listing every problem, each naming the variable and the option.
 */
export function resolveConfig(input: MojeIdOptions = {}): MojeIdConfig {
  const useEnv = input.useEnvironment ?? true;
  const fromEnv = useEnv ? optionsFromEnvironment(input.env ?? process.env) : { options: {}, issues: [] };
  const issues: ConfigurationIssue[] = [...fromEnv.issues];
  const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as MojeIdOptions;
  const o: MojeIdOptions = { ...fromEnv.options, ...given };
  const issue = (option: keyof MojeIdOptions, message: string): void => {
    // One message per option: a variable that did not parse is not also reported as "not set".
    if (issues.some((i) => i.option === option)) return;
    issues.push({ option, variable: variableOf(option), message });
  };

  // Where mojeID is.
  let environment: MojeIdEnvironmentName | 'custom' = 'custom';
  let endpoints: MojeIdEndpoints | undefined;
  if (o.issuer !== undefined) {
    const url = checkUrl(o.issuer, 'the issuer');
    if (typeof url === 'string') issue('issuer', url);
    else endpoints = endpointsForIssuer(o.issuer);
  } else if (o.environment !== undefined) {
    if (o.environment !== 'test' && o.environment !== 'production') {
      issue('environment', `expected "test" or "production", got ${JSON.stringify(o.environment)}`);
    } else {
      environment = o.environment;
      endpoints = ENVIRONMENTS[o.environment];
    }
  } else {
    issue('environment', 'not set: choose "test" (mojeid.regtest.nic.cz) or "production" (mojeid.cz), or set MOJEID_ISSUER to another issuer');
  }
  if (o.logoutUrl !== undefined && endpoints) {
    const url = checkUrl(o.logoutUrl, 'the logout URL');
    if (typeof url === 'string') issue('logoutUrl', url);
    else endpoints = { ...endpoints, logoutUrl: url.href };
  }
  for (const [option, endpoint] of [['accountRegistrationUrl', 'registrationUrl'], ['accountTransferUrl', 'transferUrl']] as const) {
    const value = o[option];
    if (value === undefined || !endpoints) continue;
    const url = checkUrl(value, option === 'accountRegistrationUrl' ? 'the account registration URL' : 'the account transfer URL');
    if (typeof url === 'string') issue(option, url);
    else endpoints = { ...endpoints, [endpoint]: url.href };
  }

  // Who we are.
  if (!o.clientId) issue('clientId', 'not set: use the client_id of your registration (§5.1.3; `npx passport-mojeid-oidc register` or the consumer admin)');
  else if (!/^[\x21-\x7e]+$/.test(o.clientId)) issue('clientId', 'must be printable ASCII without spaces');
  // With a credential store the secret may come from there (loaded before the first login).
  if (!o.clientSecret && o.credentialsFile === undefined && o.credentialStore === undefined) issue('clientSecret', 'not set: use the client_secret of your registration');
  const authMethod = o.tokenEndpointAuthMethod ?? 'client_secret_basic';
  if (authMethod !== 'client_secret_basic' && authMethod !== 'client_secret_post') {
    issue('tokenEndpointAuthMethod', `expected "client_secret_basic" or "client_secret_post", got ${JSON.stringify(authMethod)}`);
  }

  // Renewal of a dynamic registration (§5.1.3).
  const registrationAccessToken = o.registrationAccessToken || undefined;
  let registrationClientUri: string | undefined;
  if (o.registrationClientUri !== undefined) {
    const url = checkUrl(o.registrationClientUri, 'the registration client URI');
    if (typeof url === 'string') issue('registrationClientUri', url);
    // The registration access token is sent there: nowhere but to the issuer.
    else if (endpoints && url.origin !== new URL(endpoints.issuer).origin) issue('registrationClientUri', `must be on the issuer's origin ${new URL(endpoints.issuer).origin}, got ${url.origin}`);
    else registrationClientUri = url.href;
  } else if (registrationAccessToken && endpoints && o.clientId) {
    registrationClientUri = registrationClientUriFor(endpoints.issuer, o.clientId);
  }
  const clientSecretExpiresAt = o.clientSecretExpiresAt;
  if (clientSecretExpiresAt !== undefined && (!Number.isInteger(clientSecretExpiresAt) || clientSecretExpiresAt < 0)) {
    issue('clientSecretExpiresAt', `expected epoch seconds (0 = never), got ${JSON.stringify(clientSecretExpiresAt)}`);
  }
  if (o.credentialsFile !== undefined && (typeof o.credentialsFile !== 'string' || o.credentialsFile.trim() === '')) issue('credentialsFile', 'must be a file path');
  const credentialsFile =
    o.credentialStore !== undefined ? undefined : (o.credentialsFile?.trim() || undefined) ?? (registrationAccessToken ? DEFAULT_CREDENTIALS_FILE : undefined);
  const renewalMargin = o.renewalMargin ?? 6 * 3600;
  if (!Number.isInteger(renewalMargin) || renewalMargin <= 0) issue('renewalMargin', `expected a whole number of seconds greater than 0, got ${JSON.stringify(renewalMargin)}`);

  // Where we are.
  let baseUrl = '';
  if (!o.baseUrl) issue('baseUrl', "not set: your app's public origin as browsers see it, e.g. https://shop.example.cz");
  else {
    const url = checkUrl(o.baseUrl, 'the base URL');
    if (typeof url === 'string') issue('baseUrl', url);
    else if (url.pathname !== '/' || url.search || url.hash) issue('baseUrl', `must be an origin only (no path), got ${JSON.stringify(o.baseUrl)}`);
    else baseUrl = url.origin;
  }
  const mountPath = (o.mountPath ?? '/auth/mojeid').replace(/\/+$/, '');
  if (!isSafeRelativePath(mountPath) && mountPath !== '') issue('mountPath', `must be a path starting with "/", got ${JSON.stringify(o.mountPath)}`);
  let redirectUri = baseUrl ? `${baseUrl}${mountPath}/callback` : '';
  if (o.redirectUri !== undefined) {
    const url = checkUrl(o.redirectUri, 'the redirect URI');
    if (typeof url === 'string') issue('redirectUri', url);
    else if (url.hash) issue('redirectUri', 'must not contain a fragment (OIDC Core §3.1.2.1)');
    else redirectUri = url.href;
  }

  // What we ask for.
  const rawScope = typeof o.scope === 'string' ? o.scope.split(/[\s,]+/).filter(Boolean) : [...(o.scope ?? [])];
  const unknownScopes = rawScope.filter((s) => !(SUPPORTED_SCOPES as readonly string[]).includes(s));
  if (unknownScopes.length) issue('scope', `unknown scope ${unknownScopes.map((s) => JSON.stringify(s)).join(', ')}; supported: ${SUPPORTED_SCOPES.join(' ')}`);
  const scope = ['openid', ...rawScope.filter((s) => s !== 'openid')];
  const uniqueScope = [...new Set(scope)];

  const claims: Record<string, ClaimRequirement> = {};
  for (const [name, requirement] of Object.entries(o.claims ?? {})) {
    if (!isMojeIdClaimName(name)) issue('claims', `unknown claim ${JSON.stringify(name)}; see docs/claims.md for the catalogue (Appendix 1)`);
    else if (requirement !== 'essential' && requirement !== 'optional') issue('claims', `claim ${name}: expected "essential" or "optional", got ${JSON.stringify(requirement)}`);
    else claims[name] = requirement;
  }
  const accept: AccountRequirement[] = [];
  for (const requirement of o.accept ?? []) {
    if (!(requirement in ACCOUNT_REQUIREMENT_CLAIMS)) {
      issue('accept', `unknown requirement ${JSON.stringify(requirement)}; expected validated, adult or nia`);
      continue;
    }
    if (!accept.includes(requirement)) accept.push(requirement);
    // The deciding flag must be released, so it is requested as essential.
    claims[ACCOUNT_REQUIREMENT_CLAIMS[requirement]] = 'essential';
  }

  let acrLevel: AssuranceLevel | undefined;
  if (o.acrValues !== undefined) {
    acrLevel = parseAssuranceLevel(o.acrValues);
    if (!acrLevel) issue('acrValues', `expected "substantial" or "high" (or ${ASSURANCE_LEVEL_URIS.high[0]}), got ${JSON.stringify(o.acrValues)}`);
  }
  if (o.maxAge !== undefined && (!Number.isInteger(o.maxAge) || o.maxAge < 0)) issue('maxAge', `expected whole seconds (0 or more), got ${JSON.stringify(o.maxAge)}`);
  if (o.prompt !== undefined) {
    const prompts = o.prompt.split(' ').filter(Boolean);
    const unknown = prompts.filter((p) => !(SUPPORTED_PROMPTS as readonly string[]).includes(p));
    if (unknown.length || prompts.length === 0) issue('prompt', `expected ${SUPPORTED_PROMPTS.join(', ')}, got ${JSON.stringify(o.prompt)}`);
    else if (prompts.includes('none') && prompts.length > 1) issue('prompt', '"none" cannot be combined with other values (OIDC Core §3.1.2.1)');
  }
  if (o.uiLocales !== undefined && !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*( [A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*)*$/.test(o.uiLocales.trim())) {
    issue('uiLocales', `expected space-separated language tags such as "cs en", got ${JSON.stringify(o.uiLocales)}`);
  }

  const positive = (option: 'httpTimeout' | 'maxPendingLogins' | 'pendingLoginTtl', fallback: number): number => {
    const value = o[option] ?? fallback;
    if (!Number.isInteger(value) || value <= 0) issue(option, `expected a whole number greater than 0, got ${JSON.stringify(value)}`);
    return value;
  };
  const httpTimeout = positive('httpTimeout', 10);
  const maxPendingLogins = positive('maxPendingLogins', 5);
  const pendingLoginTtl = positive('pendingLoginTtl', 600);
  const clockTolerance = o.clockTolerance ?? 30;
  if (!Number.isInteger(clockTolerance) || clockTolerance < 0) issue('clockTolerance', `expected whole seconds (0 or more), got ${JSON.stringify(clockTolerance)}`);
  const postLogoutRedirect = o.postLogoutRedirect ?? '/';
  if (!isSafeRelativePath(postLogoutRedirect)) issue('postLogoutRedirect', `must be a same-origin path such as "/", got ${JSON.stringify(postLogoutRedirect)}`);
  const locale = o.locale ?? 'auto';
  if (locale !== 'auto' && locale !== 'cs' && locale !== 'en') issue('locale', `expected "auto", "cs" or "en", got ${JSON.stringify(locale)}`);

  // Account creation and its notification endpoint (ch. 6).
  const accountTransfer = o.accountTransfer ?? false;
  const accountRegistrationTtl = o.accountRegistrationTtl ?? 3600;
  if (!Number.isInteger(accountRegistrationTtl) || accountRegistrationTtl <= 0) {
    issue('accountRegistrationTtl', `expected a whole number greater than 0, got ${JSON.stringify(accountRegistrationTtl)}`);
  }
  const notifyCa = o.notifyCa === undefined ? [] : readCaCertificates(o.notifyCa, (message) => issue('notifyCa', message));
  const rawProxies = typeof o.notifyTrustedProxies === 'string' ? o.notifyTrustedProxies.split(/[\s,]+/).filter(Boolean) : [...(o.notifyTrustedProxies ?? [])];
  const badProxies = rawProxies.filter((p) => typeof p !== 'string' || !isAddressOrRange(p));
  if (badProxies.length) issue('notifyTrustedProxies', `expected IP addresses or CIDR ranges such as 127.0.0.1 or 10.0.0.0/24, got ${badProxies.map((p) => JSON.stringify(p)).join(', ')}`);
  const notifyProxyHeader = (o.notifyProxyHeader ?? 'x-ssl-client-verify').trim().toLowerCase();
  if (!/^[a-z0-9-]+$/.test(notifyProxyHeader)) issue('notifyProxyHeader', `expected a header name such as x-ssl-client-verify, got ${JSON.stringify(o.notifyProxyHeader)}`);
  const notifyInsecureTestMode = o.notifyInsecureTestMode ?? false;
  if (notifyInsecureTestMode && (environment === 'production' || endpoints?.issuer === ENVIRONMENTS.production.issuer)) {
    // §6.2: only the test instance sends notifications over plain HTTP; in production they come
    // over HTTPS with CZ.NIC's client certificate, and accepting anything else would let anyone
    // link a mojeID identity to a pending local account.
    issue('notifyInsecureTestMode', 'refused with the production environment: production notifications must be verified by their client certificate (§6.2)');
  }

  if (issues.length || !endpoints) throw new ConfigurationError(issues);

  const config = {
    environment,
    endpoints: Object.freeze({ ...endpoints }),
    issuer: endpoints.issuer,
    clientId: o.clientId as string,
    tokenEndpointAuthMethod: authMethod,
    registrationClientUri,
    clientSecretExpiresAt,
    credentialsFile,
    renewalMargin,
    baseUrl,
    mountPath,
    redirectUri,
    scope: Object.freeze(uniqueScope),
    claims: Object.freeze(claims),
    userinfo: o.userinfo ?? true,
    acrLevel,
    maxAge: o.maxAge,
    prompt: o.prompt,
    uiLocales: o.uiLocales?.trim(),
    pkce: o.pkce ?? true,
    accept: Object.freeze(accept),
    httpTimeout,
    clockTolerance,
    maxPendingLogins,
    pendingLoginTtl,
    offerMojeIdLogout: o.offerMojeIdLogout ?? true,
    postLogoutRedirect,
    locale,
    accountTransfer,
    accountRegistrationTtl,
    notifyCa: Object.freeze(notifyCa),
    notifyTrustedProxies: Object.freeze(rawProxies),
    notifyProxyHeader,
    notifyInsecureTestMode,
  };
  Object.defineProperty(config, 'clientSecret', { value: o.clientSecret ?? '', enumerable: false });
  Object.defineProperty(config, 'registrationAccessToken', { value: registrationAccessToken, enumerable: false });
  return Object.freeze(config) as MojeIdConfig;
}

/**
 * The CZ.NIC CA certificates for notifications (§6.2), from a path, PEM text or a Buffer. Read
 * once at start-up, so a missing or wrong file stops the app instead of failing every notification.
 */
function readCaCertificates(source: string | Buffer, report: (message: string) => void): X509Certificate[] {
  let pem: string;
  if (Buffer.isBuffer(source)) pem = source.toString('utf8');
  else if (typeof source === 'string' && source.includes('-----BEGIN')) pem = source;
  else if (typeof source === 'string' && source.trim()) {
    try {
      pem = readFileSync(source.trim(), 'utf8');
    } catch (error) {
      report(`cannot read ${JSON.stringify(source)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      return [];
    }
  } else {
    report('expected a PEM file path, PEM text or a Buffer');
    return [];
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (!blocks.length) {
    report('contains no PEM certificate (-----BEGIN CERTIFICATE-----)');
    return [];
  }
  const certificates: X509Certificate[] = [];
  for (const block of blocks) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block);
    } catch {
      report('contains a certificate that does not parse');
      return [];
    }
    if (!cert.ca) {
      report(`${cert.subject.replace(/\n/g, ', ')} is not a CA certificate (basicConstraints CA:FALSE): give the CA that issued mojeID's client certificate`);
      return [];
    }
    if (Date.parse(cert.validTo) < Date.now()) {
      report(`the CA certificate ${cert.subject.replace(/\n/g, ', ')} expired on ${cert.validTo}`);
      return [];
    }
    certificates.push(cert);
  }
  return certificates;
}

export function parseAssuranceLevel(value: string): AssuranceLevel | undefined {
  const v = value.trim();
  if (v === 'substantial' || v === 'high') return v;
  for (const level of ['substantial', 'high'] as const) if (ASSURANCE_LEVEL_URIS[level].includes(v)) return level;
  return undefined;
}

/** Field notes: `high` satisfies `substantial`; an empty or unknown `acr` satisfies nothing. */
export function acrSatisfies(acr: unknown, requested: AssuranceLevel): boolean {
  if (typeof acr !== 'string') return false;
  const level = ASSURANCE_LEVEL_URIS.high.includes(acr) ? 'high' : ASSURANCE_LEVEL_URIS.substantial.includes(acr) ? 'substantial' : undefined;
  if (!level) return false;
  return requested === 'substantial' || level === 'high';
}

/** docs/configuration.md's option table, from the schema above. */
export function renderConfigurationTable(): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = SCHEMA.map((e) => `| \`${e.variable}\` | \`${e.option}\` | ${cell(e.defaultText)} | \`${cell(e.example)}\` | ${cell(e.description)} |`);
  return ['| Variable | Option | Default | Example | Meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}
