/**
 * Options in, a validated frozen `MojeIdConfig` out. The schema (variables, defaults, parsers,
 * docs) is in config-schema.ts; this module adds the checks that span options and the messages a
 * person can act on, each naming the variable and the option.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseAssuranceLevel, parseLoginMethod, type AssuranceLevel, type LoginMethod } from './assurance.js';
import { isMojeIdClaimName } from './claims/catalogue.js';
import { acrValuesProblem, loginMethodProblem, maxAgeProblem, promptProblem, uiLocalesProblem } from './login-options.js';
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
import { isAddressOrRange, parseNotifyPin, type NotifyPin } from './tls/client-cert.js';
import {
  ACCOUNT_REQUIREMENT_CLAIMS,
  SUPPORTED_SCOPES,
  optionsFromEnvironment,
  variableOf,
} from './config-schema.js';

export {
  ACCOUNT_REQUIREMENT_CLAIMS,
  ASSURANCE_LEVEL_URIS,
  CONFIGURATION_SCHEMA,
  SUPPORTED_PROMPTS,
  SUPPORTED_SCOPES,
  optionsFromEnvironment,
  parseClaimsText,
  renderConfigurationTable,
} from './config-schema.js';
export type { ConfigurationSchemaEntry } from './config-schema.js';

export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post';
export type ClaimRequirement = 'essential' | 'optional';
export type { AssuranceLevel, LoginMethod } from './assurance.js';
export { acrSatisfies, assuranceLevelOf, parseAssuranceLevel } from './assurance.js';
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
  /** Claim names the default session user keeps besides `sub`; validated against the catalogue. */
  readonly sessionClaims: readonly string[];
  readonly userinfo: boolean;
  readonly acrLevel: AssuranceLevel | undefined;
  readonly loginMethod: LoginMethod | undefined;
  readonly maxAge: number | undefined;
  readonly prompt: string | undefined;
  readonly uiLocales: string | undefined;
  /** Every login asks for a refresh token; `scope` then holds no `offline_access`, the login adds it. */
  readonly offlineAccess: boolean;
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
  readonly notifyProxyCertHeader: string;
  readonly notifyProxyVerdictOnly: boolean;
  /** Parsed `notifyPins`; empty: any certificate from the CA. */
  readonly notifyPins: readonly NotifyPin[];
  readonly notifyInsecureTestMode: boolean;
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

const SAME_ORIGIN_BASE = new URL('http://same-origin.invalid');

/** A same-origin path: starts with one `/`, no `//` or `/\`, no scheme, no control characters. */
export function isSafeRelativePath(path: string): boolean {
  // eslint-disable-next-line no-control-regex
  if (!/^\/(?![/\\])/.test(path) || /[\u0000-\u001f\u007f\\]/.test(path)) return false;
  try {
    return new URL(path, SAME_ORIGIN_BASE).origin === SAME_ORIGIN_BASE.origin;
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
  // `offline_access` in the scope means offline access, which needs `prompt=consent` as well
  // (field notes): one setting for both, added at each login.
  if (rawScope.includes('offline_access') && o.offlineAccess === false) issue('offlineAccess', 'false contradicts the offline_access scope in MOJEID_SCOPE; drop one of them');
  if (o.offlineAccess !== undefined && typeof o.offlineAccess !== 'boolean') issue('offlineAccess', `expected true or false, got ${JSON.stringify(o.offlineAccess)}`);
  const offlineAccess = o.offlineAccess === true || rawScope.includes('offline_access');
  if (offlineAccess && typeof o.prompt === 'string' && o.prompt.split(' ').includes('none')) {
    issue('offlineAccess', 'cannot be combined with prompt=none: mojeID grants offline_access only with prompt=consent (field notes)');
  }
  const scope = ['openid', ...rawScope.filter((s) => s !== 'openid' && s !== 'offline_access')];
  const uniqueScope = [...new Set(scope)];

  const claims: Record<string, ClaimRequirement> = {};
  for (const [name, requirement] of Object.entries(o.claims ?? {})) {
    // `sub` is no catalogue entry but production advertises it (claims_supported) and OIDC Core §5.5.1 lets it be requested.
    if (!isMojeIdClaimName(name) && name !== 'sub') issue('claims', `unknown claim ${JSON.stringify(name)}; see docs/claims.md for the catalogue (Appendix 1)`);
    else if (requirement !== 'essential' && requirement !== 'optional') issue('claims', `claim ${name}: expected "essential" or "optional", got ${JSON.stringify(requirement)}`);
    else claims[name] = requirement;
  }
  const sessionClaims: string[] = [];
  if (o.sessionClaims !== undefined && !Array.isArray(o.sessionClaims)) issue('sessionClaims', 'expected a list of claim names, e.g. ["given_name", "family_name"]');
  else {
    for (const name of o.sessionClaims ?? []) {
      // isMojeIdClaimName is a Map lookup, so `__proto__` or `constructor` are unknown names, not inherited properties.
      if (typeof name !== 'string' || (!isMojeIdClaimName(name) && name !== 'sub')) issue('sessionClaims', `unknown claim ${JSON.stringify(name)}; see docs/claims.md for the catalogue (Appendix 1)`);
      else if (!sessionClaims.includes(name)) sessionClaims.push(name);
    }
  }
  const accept: AccountRequirement[] = [];
  for (const requirement of o.accept ?? []) {
    // An own property only: `in` would take `valueOf` or `constructor` for requirements.
    if (typeof requirement !== 'string' || !Object.hasOwn(ACCOUNT_REQUIREMENT_CLAIMS, requirement)) {
      issue('accept', `unknown requirement ${JSON.stringify(requirement)}; expected validated, adult or nia`);
      continue;
    }
    if (!accept.includes(requirement)) accept.push(requirement);
    // The deciding flag must be released, so it is requested as essential.
    claims[ACCOUNT_REQUIREMENT_CLAIMS[requirement]] = 'essential';
  }

  // The same checks as per-request options (login-options.ts).
  const acrLevel = o.acrValues === undefined ? undefined : parseAssuranceLevel(o.acrValues);
  if (o.acrValues !== undefined && !acrLevel) issue('acrValues', acrValuesProblem(o.acrValues) as string);
  const loginMethod = o.loginMethod === undefined ? undefined : parseLoginMethod(o.loginMethod);
  if (o.loginMethod !== undefined) {
    if (!loginMethod) issue('loginMethod', loginMethodProblem(o.loginMethod) as string);
    else if (acrLevel) issue('loginMethod', 'cannot be combined with acrValues: the ID token\'s single acr names either an eIDAS level or a login method (docs/assurance.md)');
  }
  // The same checks as per-request options (login-options.ts).
  const maxAgeIssue = o.maxAge === undefined ? undefined : maxAgeProblem(o.maxAge);
  if (maxAgeIssue) issue('maxAge', maxAgeIssue);
  const promptIssue = o.prompt === undefined ? undefined : promptProblem(o.prompt);
  if (promptIssue) issue('prompt', promptIssue);
  const uiLocalesIssue = o.uiLocales === undefined ? undefined : uiLocalesProblem(o.uiLocales);
  if (uiLocalesIssue) issue('uiLocales', uiLocalesIssue);

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
  const notifyProxyCertHeader = (o.notifyProxyCertHeader ?? 'x-ssl-client-cert').trim().toLowerCase();
  if (!/^[a-z0-9-]+$/.test(notifyProxyCertHeader)) issue('notifyProxyCertHeader', `expected a header name such as x-ssl-client-cert, got ${JSON.stringify(o.notifyProxyCertHeader)}`);
  const notifyProxyVerdictOnly = o.notifyProxyVerdictOnly ?? false;
  const rawPins = typeof o.notifyPins === 'string' ? o.notifyPins.split(/[;\n]+/).map((p) => p.trim()).filter(Boolean) : [...(o.notifyPins ?? [])];
  const notifyPins: NotifyPin[] = [];
  for (const text of rawPins) {
    const pin = typeof text === 'string' ? parseNotifyPin(text) : 'expected text';
    if (typeof pin === 'string') issue('notifyPins', pin);
    else notifyPins.push(pin);
  }
  if (rawProxies.length && !notifyProxyVerdictOnly && !notifyCa.length && o.notifyCa === undefined) {
    // The proxy's `SUCCESS` says a certificate verified against the proxy's CA file, not which
    // CA that was; the forwarded certificate is checked against CZ.NIC's here (§6.2).
    issue('notifyCa', 'a trusted proxy (MOJEID_NOTIFY_TRUSTED_PROXIES) forwards the certificate it verified, which is checked against the CZ.NIC CA: set MOJEID_NOTIFY_CA_FILE, or MOJEID_NOTIFY_PROXY_VERDICT_ONLY=true for the weaker mode that believes the proxy\'s SUCCESS alone');
  }
  if (notifyProxyVerdictOnly && notifyPins.length && !notifyCa.length) {
    issue('notifyPins', 'pins need the certificate: with MOJEID_NOTIFY_PROXY_VERDICT_ONLY the proxy forwards none; they would be checked on direct TLS connections only, which need MOJEID_NOTIFY_CA_FILE');
  }
  const notifyInsecureTestMode = o.notifyInsecureTestMode ?? false;
  if (notifyInsecureTestMode && endpoints && !allowsInsecureNotifications(endpoints.issuer)) {
    // §6.2: only the test instance sends notifications over plain HTTP; in production they come
    // over HTTPS with CZ.NIC's client certificate, and accepting anything else would let anyone
    // link a mojeID identity to a pending local account. Allowed, not refused, by name: any
    // spelling of production's issuer (case, :443, a trailing dot) is another string, not
    // another issuer.
    issue('notifyInsecureTestMode', `allowed only with the test instance (${ENVIRONMENTS.test.issuer}) or a loopback issuer such as the local simulator, not with ${JSON.stringify(endpoints.issuer)}: production notifications must be verified by their client certificate (§6.2)`);
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
    sessionClaims: Object.freeze(sessionClaims),
    acrLevel,
    loginMethod,
    maxAge: o.maxAge,
    prompt: o.prompt,
    uiLocales: o.uiLocales?.trim(),
    offlineAccess,
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
    notifyProxyCertHeader,
    notifyProxyVerdictOnly,
    notifyPins: Object.freeze(notifyPins),
    notifyInsecureTestMode,
  };
  Object.defineProperty(config, 'clientSecret', { value: o.clientSecret ?? '', enumerable: false });
  Object.defineProperty(config, 'registrationAccessToken', { value: registrationAccessToken, enumerable: false });
  return Object.freeze(config) as MojeIdConfig;
}

/** An issuer URL compared as a URL: lower-case host, no default port, no trailing dot on the host. */
function normaliseIssuer(issuer: string): string | undefined {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return undefined;
  }
  // WHATWG URL parsing already lower-cases the host and drops the scheme's default port.
  const host = url.hostname.replace(/\.+$/, '');
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return `${url.protocol}//${host}${url.port ? `:${url.port}` : ''}${path}`;
}

/** The plain-HTTP test mode of notifications: mojeID's test instance, or a local simulator. */
function allowsInsecureNotifications(issuer: string): boolean {
  const normalised = normaliseIssuer(issuer);
  if (normalised === undefined) return false;
  if (normalised === normaliseIssuer(ENVIRONMENTS.test.issuer)) return true;
  return isLoopbackHost(new URL(normalised).hostname);
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

