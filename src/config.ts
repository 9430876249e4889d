/**
 * Options in, a validated frozen `MojeIdConfig` out. Every option goes through its entry of the
 * schema (config-schema.ts), the same check whether it came from code or from its `MOJEID_*`
 * variable; this module adds only the checks that span options, and the values derived from
 * several of them (the endpoints, the redirect URI, the claims an account requirement needs).
 */
import type { X509Certificate } from 'node:crypto';
import type { AssuranceLevel, LoginMethod } from './assurance.js';
import type { ClaimRequirement, LocaleSetting, MojeIdOptions, TokenEndpointAuthMethod } from './config-options.js';
import {
  ACCOUNT_REQUIREMENT_CLAIMS,
  DEFAULT_CREDENTIALS_FILE,
  SCHEMA,
  optionsFromEnvironment,
  variableOf,
  type CheckedOptions,
  type SchemaEntry,
} from './config-schema.js';
import {
  ENVIRONMENTS,
  endpointsForIssuer,
  registrationClientUriFor,
  type MojeIdEndpoints,
  type MojeIdEnvironmentName,
} from './environments.js';
import { ConfigurationError, type AccountRequirement, type ConfigurationIssue } from './errors.js';
import type { NotifyPin } from './tls/notify-settings.js';
import { isLoopbackHost } from './url-checks.js';

export type { ClaimRequirement, LocaleSetting, MojeIdOptions, TokenEndpointAuthMethod } from './config-options.js';
export {
  ACCOUNT_REQUIREMENT_CLAIMS,
  ASSURANCE_LEVEL_URIS,
  CONFIGURATION_SCHEMA,
  SUPPORTED_PROMPTS,
  SUPPORTED_SCOPES,
  optionsFromEnvironment,
  parseClaimsText,
} from './config-schema.js';
export type { ConfigurationSchemaEntry } from './config-schema.js';
export { renderConfigurationTable, renderEnvExample } from './config-render.js';

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

/**
 * Validates options (falling back to `MOJEID_*` variables) into a frozen `MojeIdConfig`, or throws
 * a `ConfigurationError` listing every problem, each naming the variable and the option.
 */
export function resolveConfig(input: MojeIdOptions = {}): MojeIdConfig {
  const useEnv = input.useEnvironment ?? true;
  const fromEnv = useEnv ? optionsFromEnvironment(input.env ?? process.env) : { options: {}, issues: [] };
  const issues: ConfigurationIssue[] = [...fromEnv.issues];
  const issue = (option: keyof MojeIdOptions, message: string): void => {
    // One message per option: a variable that did not parse is not also reported as "not set".
    if (issues.some((i) => i.option === option)) return;
    issues.push({ option, variable: variableOf(option), message });
  };
  const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as MojeIdOptions;
  const o: MojeIdOptions = { ...fromEnv.options, ...given };

  // Every option through its schema entry: the same check for a value from code and from a variable.
  const values: Record<string, unknown> = {};
  for (const entry of SCHEMA as readonly SchemaEntry[]) {
    const value = o[entry.option];
    values[entry.option] = entry.default;
    if (issues.some((i) => i.option === entry.option)) continue;
    if (value === undefined || (entry.required !== undefined && value === '')) {
      if (entry.required !== undefined) issue(entry.option, entry.required);
      continue;
    }
    const checked = entry.check(value);
    if (checked.ok) values[entry.option] = checked.value;
    else issue(entry.option, checked.message);
  }
  const c = values as CheckedOptions;

  // The checks that span options. Where mojeID is:
  let environment: MojeIdEnvironmentName | 'custom' = 'custom';
  let endpoints: MojeIdEndpoints | undefined;
  if (c.issuer !== undefined) endpoints = endpointsForIssuer(c.issuer);
  else if (o.issuer === undefined && c.environment !== undefined) {
    environment = c.environment;
    endpoints = ENVIRONMENTS[c.environment];
  } else if (o.issuer === undefined && o.environment === undefined) {
    issue('environment', 'not set: choose "test" (mojeid.regtest.nic.cz) or "production" (mojeid.cz), or set MOJEID_ISSUER to another issuer');
  }
  if (endpoints) {
    endpoints = {
      ...endpoints,
      ...(c.logoutUrl !== undefined && { logoutUrl: c.logoutUrl }),
      ...(c.accountRegistrationUrl !== undefined && { registrationUrl: c.accountRegistrationUrl }),
      ...(c.accountTransferUrl !== undefined && { transferUrl: c.accountTransferUrl }),
    };
  }

  // Who we are. With a credential store the secret may come from there (loaded before the first login).
  if (!o.clientSecret && o.credentialsFile === undefined && o.credentialStore === undefined) issue('clientSecret', 'not set: use the client_secret of your registration');
  const registrationAccessToken = c.registrationAccessToken || undefined;
  let registrationClientUri = c.registrationClientUri;
  if (registrationClientUri !== undefined && endpoints) {
    // The registration access token is sent there: nowhere but to the issuer.
    const issuerOrigin = new URL(endpoints.issuer).origin;
    const origin = new URL(registrationClientUri).origin;
    if (origin !== issuerOrigin) issue('registrationClientUri', `must be on the issuer's origin ${issuerOrigin}, got ${origin}`);
  } else if (registrationAccessToken && endpoints && c.clientId) {
    registrationClientUri = registrationClientUriFor(endpoints.issuer, c.clientId);
  }
  const credentialsFile = o.credentialStore !== undefined ? undefined : c.credentialsFile ?? (registrationAccessToken ? DEFAULT_CREDENTIALS_FILE : undefined);

  // Where we are.
  const baseUrl = c.baseUrl ?? '';
  const redirectUri = c.redirectUri ?? (baseUrl ? `${baseUrl}${c.mountPath}/callback` : '');

  // What we ask for. `offline_access` in the scope means offline access, which needs
  // `prompt=consent` as well (field notes): one setting for both, added at each login.
  const rawScope = c.scope ?? [];
  if (rawScope.includes('offline_access') && o.offlineAccess === false) issue('offlineAccess', 'false contradicts the offline_access scope in MOJEID_SCOPE; drop one of them');
  const offlineAccess = c.offlineAccess || rawScope.includes('offline_access');
  if (offlineAccess && c.prompt?.split(' ').includes('none')) {
    issue('offlineAccess', 'cannot be combined with prompt=none: mojeID grants offline_access only with prompt=consent (field notes)');
  }
  const scope = [...new Set(['openid', ...rawScope.filter((s) => s !== 'openid' && s !== 'offline_access')])];
  const claims = { ...c.claims };
  // The deciding flag of each account requirement must be released, so it is requested as essential.
  for (const requirement of c.accept) claims[ACCOUNT_REQUIREMENT_CLAIMS[requirement]] = 'essential';
  if (c.loginMethod && c.acrValues) {
    issue('loginMethod', "cannot be combined with acrValues: the ID token's single acr names either an eIDAS level or a login method (docs/assurance.md)");
  }

  // The notification endpoint (ch. 6).
  if (c.notifyTrustedProxies.length && !c.notifyProxyVerdictOnly && o.notifyCa === undefined) {
    // The proxy's `SUCCESS` says a certificate verified against the proxy's CA file, not which
    // CA that was; the forwarded certificate is checked against CZ.NIC's here (§6.2).
    issue('notifyCa', "a trusted proxy (MOJEID_NOTIFY_TRUSTED_PROXIES) forwards the certificate it verified, which is checked against the CZ.NIC CA: set MOJEID_NOTIFY_CA_FILE, or MOJEID_NOTIFY_PROXY_VERDICT_ONLY=true for the weaker mode that believes the proxy's SUCCESS alone");
  }
  if (c.notifyProxyVerdictOnly && c.notifyPins.length && !c.notifyCa.length) {
    issue('notifyPins', 'pins need the certificate: with MOJEID_NOTIFY_PROXY_VERDICT_ONLY the proxy forwards none; they would be checked on direct TLS connections only, which need MOJEID_NOTIFY_CA_FILE');
  }
  if (c.notifyInsecureTestMode && endpoints && !allowsInsecureNotifications(endpoints.issuer)) {
    // §6.2: only the test instance sends notifications over plain HTTP; in production they come
    // over HTTPS with CZ.NIC's client certificate, and accepting anything else would let anyone
    // link a mojeID identity to a pending local account. Allowed, not refused, by name: any
    // spelling of production's issuer (case, :443, a trailing dot) is another string, not
    // another issuer.
    issue('notifyInsecureTestMode', `allowed only with the test instance (${ENVIRONMENTS.test.issuer}) or a loopback issuer such as the local simulator, not with ${JSON.stringify(endpoints.issuer)}: production notifications must be verified by their client certificate (§6.2)`);
  }

  if (issues.length || !endpoints) throw new ConfigurationError(issues);

  const config: Omit<MojeIdConfig, 'clientSecret' | 'registrationAccessToken'> = {
    environment,
    endpoints: Object.freeze({ ...endpoints }),
    issuer: endpoints.issuer,
    clientId: c.clientId as string,
    tokenEndpointAuthMethod: c.tokenEndpointAuthMethod,
    registrationClientUri,
    clientSecretExpiresAt: c.clientSecretExpiresAt,
    credentialsFile,
    renewalMargin: c.renewalMargin,
    baseUrl,
    mountPath: c.mountPath,
    redirectUri,
    scope: Object.freeze(scope),
    claims: Object.freeze(claims),
    userinfo: c.userinfo,
    sessionClaims: Object.freeze(c.sessionClaims),
    acrLevel: c.acrValues,
    loginMethod: c.loginMethod,
    maxAge: c.maxAge,
    prompt: c.prompt,
    uiLocales: c.uiLocales,
    offlineAccess,
    pkce: c.pkce,
    accept: Object.freeze(c.accept),
    httpTimeout: c.httpTimeout,
    clockTolerance: c.clockTolerance,
    maxPendingLogins: c.maxPendingLogins,
    pendingLoginTtl: c.pendingLoginTtl,
    offerMojeIdLogout: c.offerMojeIdLogout,
    postLogoutRedirect: c.postLogoutRedirect,
    locale: c.locale,
    accountTransfer: c.accountTransfer,
    accountRegistrationTtl: c.accountRegistrationTtl,
    notifyCa: Object.freeze(c.notifyCa),
    notifyTrustedProxies: Object.freeze(c.notifyTrustedProxies),
    notifyProxyHeader: c.notifyProxyHeader,
    notifyProxyCertHeader: c.notifyProxyCertHeader,
    notifyProxyVerdictOnly: c.notifyProxyVerdictOnly,
    notifyPins: Object.freeze(c.notifyPins),
    notifyInsecureTestMode: c.notifyInsecureTestMode,
  };
  Object.defineProperty(config, 'clientSecret', { value: c.clientSecret ?? '', enumerable: false });
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
