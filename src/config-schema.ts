/**
 * The configuration schema as data: one entry per option with its `MOJEID_*` variable, its group,
 * meaning, default and example, whether it is secret, how the variable's text is parsed and the
 * one check that validates a value whether it came from code or from the variable. `resolveConfig`
 * (config.ts) validates with it; docs/configuration.md's table and `.env.example` are rendered
 * from it (config-render.ts), so code, errors and docs cannot drift apart.
 */
import { parseAssuranceLevel, parseLoginMethod, type AssuranceLevel, type LoginMethod } from './assurance.js';
import { isMojeIdClaimName } from './claims/catalogue.js';
import type { CodeOnlyOption, LocaleSetting, MojeIdOptions, TokenEndpointAuthMethod } from './config-options.js';
import {
  accountRequirements,
  baseUrl,
  boolean,
  booleanText,
  caCertificates,
  claimNames,
  claimRequirements,
  clientId,
  filePath,
  fromProblem,
  headerName,
  listText,
  lowerCase,
  mountPath,
  notifyPins,
  oneOf,
  parseClaimsText,
  positiveWholeNumber,
  redirectUri,
  sameOriginPath,
  scopeList,
  SUPPORTED_SCOPES,
  text,
  trimmed,
  trustedProxies,
  url,
  wholeNumberAtLeastZero,
  wholeNumberText,
  type Checked,
} from './config-values.js';
import type { MojeIdEnvironmentName } from './environments.js';
import type { AccountRequirement, ConfigurationIssue } from './errors.js';
import { acrValuesProblem, loginMethodProblem, maxAgeProblem, promptProblem, SUPPORTED_PROMPTS, uiLocalesProblem } from './login-options.js';

export { SUPPORTED_PROMPTS };
export { SUPPORTED_SCOPES, parseClaimsText };
/** §5.1.12 gives the `oidc/assurance_level` spelling; production discovery lists `LoA` (field notes). */
export { ASSURANCE_LEVEL_URIS } from './assurance.js';

/** Where the credentials go when renewal is on and no store is configured (relative to the working directory). */
export const DEFAULT_CREDENTIALS_FILE = '.mojeid-credentials.json';

/** The claim each account requirement is decided by (Appendix 1 flags; full access only for valid/nia). */
export const ACCOUNT_REQUIREMENT_CLAIMS: Readonly<Record<AccountRequirement, string>> = {
  validated: 'mojeid_valid',
  adult: 'mojeid_is_adult',
  nia: 'mojeid_nia',
};

/** The sections of the reference and of `.env.example`, in order (headings in config-render.ts). */
export type ConfigurationGroup =
  | 'provider'
  | 'client'
  | 'renewal'
  | 'app'
  | 'request'
  | 'rules'
  | 'network'
  | 'logout'
  | 'pages'
  | 'account-creation'
  | 'notifications';

/** Options that have a variable: every option except the code-only ones. */
export type SchemaOption = Exclude<keyof MojeIdOptions, CodeOnlyOption>;

export interface SchemaEntry<K extends SchemaOption = SchemaOption, V = unknown> {
  readonly option: K;
  readonly variable: string;
  readonly group: ConfigurationGroup;
  /** Markdown; the reference table shows it, `.env.example` shows it as a comment. */
  readonly description: string;
  /** The value when neither code nor the variable sets one; absent: unset, or derived from other options. */
  readonly default?: NoInfer<V>;
  /** The default in words, where `default` is absent or needs them. */
  readonly defaultText?: string;
  readonly example: string;
  /** Never shown: not in messages, not as an example. */
  readonly secret?: boolean;
  /** The message when it is not set, for an option that is always required. */
  readonly required?: string;
  /** Extra `.env.example` comment lines, such as the command that makes a value. */
  readonly envHint?: readonly string[];
  /** The variable's text as a value of the option's type; text that is no such value is passed on for `check` to report. */
  readonly fromText: (text: string) => Checked<unknown>;
  /** The one validation of a value, from code or parsed from the variable; gives the value the configuration holds. */
  readonly check: (value: unknown) => Checked<V>;
}

// Two signatures so that an entry with a default keeps it in its type: `CheckedOptions` then says
// the option always has a value.
function entry<K extends SchemaOption, V>(e: SchemaEntry<K, V> & { readonly default: NoInfer<V> }): SchemaEntry<K, V> & { readonly default: V };
function entry<K extends SchemaOption, V>(e: SchemaEntry<K, V>): SchemaEntry<K, V>;
function entry<K extends SchemaOption, V>(e: SchemaEntry<K, V>): SchemaEntry<K, V> {
  return e;
}

export const SCHEMA = [
  entry({ option: 'environment', variable: 'MOJEID_ENV', group: 'provider',
    description: "Which mojeID to use: `test` (mojeid.regtest.nic.cz) or `production` (mojeid.cz), §8.3. Required unless `MOJEID_ISSUER` is set.",
    example: 'test', fromText: lowerCase, check: oneOf<MojeIdEnvironmentName>(['test', 'production']) }),
  entry({ option: 'issuer', variable: 'MOJEID_ISSUER', group: 'provider',
    description: 'Any other issuer URL (the local simulator, a proxy). Overrides `MOJEID_ENV`. Must be https, except on a loopback host.',
    defaultText: 'from `MOJEID_ENV`',
    example: 'http://127.0.0.1:9400/oidc/', fromText: trimmed, check: url('the issuer', 'as given') }),
  entry({ option: 'clientId', variable: 'MOJEID_CLIENT_ID', group: 'client',
    description: 'The `client_id` from your client registration (§5.1.3).',
    defaultText: '(required)', required: 'not set: use the client_id of your registration (§5.1.3; `npx passport-mojeid-oidc register` or the consumer admin)',
    example: 's6BhdRkqt3', fromText: trimmed, check: clientId }),
  entry({ option: 'clientSecret', variable: 'MOJEID_CLIENT_SECRET', group: 'client', secret: true,
    description: 'The `client_secret` from your client registration. Never logged.',
    defaultText: '(required)',
    example: '(secret)', fromText: trimmed, check: text(true) }),
  entry({ option: 'tokenEndpointAuthMethod', variable: 'MOJEID_TOKEN_AUTH_METHOD', group: 'client',
    description: "How the client authenticates at the token endpoint. Must equal the method the client was registered with: mojeID rejects any other, with an error that looks like a wrong secret (field notes). mojeID's default is `client_secret_basic`; the manual's dynamic registration example registers `client_secret_post`.",
    default: 'client_secret_basic',
    example: 'client_secret_post', fromText: trimmed, check: oneOf<TokenEndpointAuthMethod>(['client_secret_basic', 'client_secret_post']) }),
  entry({ option: 'registrationAccessToken', variable: 'MOJEID_REGISTRATION_ACCESS_TOKEN', group: 'renewal', secret: true,
    description: "A dynamic registration's `registration_access_token` (§5.1.3; `npx passport-mojeid-oidc register` prints it). With it the secret is renewed automatically before it expires, and the new credentials are kept in `MOJEID_CREDENTIALS_FILE`. Never logged.",
    defaultText: '(none: no renewal)',
    example: '(secret)', fromText: trimmed, check: text(true) }),
  entry({ option: 'registrationClientUri', variable: 'MOJEID_REGISTRATION_CLIENT_URI', group: 'renewal',
    description: "The registration's `registration_client_uri` (§5.1.3), where it is read and renewed. Must be on the issuer's origin.",
    defaultText: '`<issuer>registration/?client_id=<clientId>` (field notes)',
    example: 'https://mojeid.regtest.nic.cz/oidc/registration/?client_id=s6BhdRkqt3', fromText: trimmed, check: url('the registration client URI') }),
  entry({ option: 'clientSecretExpiresAt', variable: 'MOJEID_CLIENT_SECRET_EXPIRES_AT', group: 'renewal',
    description: "The registration's `client_secret_expires_at`: epoch seconds, `0` = never (manual registrations). When renewal is on and it is not set, it is read from mojeID at start.",
    defaultText: '(read from mojeID)',
    example: '1577858400', fromText: wholeNumberText, check: wholeNumberAtLeastZero('epoch seconds (0 = never)') }),
  entry({ option: 'credentialsFile', variable: 'MOJEID_CREDENTIALS_FILE', group: 'renewal',
    description: 'JSON file (mode 0600, written atomically) where renewed credentials are kept, so a restart uses the current secret. When it holds newer credentials for `MOJEID_CLIENT_ID` than the variables, it wins, and `MOJEID_CLIENT_SECRET` may be left unset.',
    defaultText: `\`${DEFAULT_CREDENTIALS_FILE}\` when renewal is on`,
    example: '/var/lib/shop/mojeid-credentials.json', fromText: trimmed, check: filePath }),
  entry({ option: 'renewalMargin', variable: 'MOJEID_RENEWAL_MARGIN', group: 'renewal',
    description: 'Seconds before the secret expires at which it is renewed (§5.1.3: dynamic secrets live 24 hours). Failed renewals are retried with back-off meanwhile.',
    default: 6 * 3600, defaultText: '21600 (6 hours)',
    example: '3600', fromText: wholeNumberText, check: positiveWholeNumber('of seconds') }),
  entry({ option: 'baseUrl', variable: 'MOJEID_BASE_URL', group: 'app',
    description: "Your app's public origin as browsers see it (`BASE_URL` is read too). https, except on a loopback host.",
    defaultText: '(required)', required: "not set: your app's public origin as browsers see it, e.g. https://shop.example.cz",
    example: 'https://shop.example.cz', fromText: trimmed, check: baseUrl }),
  entry({ option: 'mountPath', variable: 'MOJEID_MOUNT_PATH', group: 'app',
    description: 'Where the routers are mounted; the callback is `<mountPath>/callback`.',
    default: '/auth/mojeid',
    example: '/login/mojeid', fromText: trimmed, check: mountPath }),
  entry({ option: 'redirectUri', variable: 'MOJEID_REDIRECT_URI', group: 'app',
    description: 'The registered redirect URI. Must be one of the `redirect_uris` of your registration.',
    defaultText: '`<baseUrl><mountPath>/callback`',
    example: 'https://shop.example.cz/auth/mojeid/callback', fromText: trimmed, check: redirectUri }),
  entry({ option: 'scope', variable: 'MOJEID_SCOPE', group: 'request',
    description: `Groups of claims to ask for (§5.1.6); \`openid\` is always added. Supported: ${SUPPORTED_SCOPES.map((s) => `\`${s}\``).join(', ')}.`,
    defaultText: 'openid',
    example: 'openid profile email', fromText: listText, check: scopeList }),
  entry({ option: 'claims', variable: 'MOJEID_CLAIMS', group: 'request',
    description: 'Individual claims (§5.1.6 `claims` parameter; names in docs/claims.md). A trailing `!` marks a claim essential: the login fails with a clear explanation if the user withholds it. Appendix 7 point 4: mark only what your registration needs, ask only for what you use. JSON `{"email":"essential"}` works too.',
    example: 'email!,given_name!,family_name!,phone_number', fromText: parseClaimsText, check: claimRequirements(isMojeIdClaimName) }),
  entry({ option: 'sessionClaims', variable: 'MOJEID_SESSION_CLAIMS', group: 'request',
    description: "Claims the default session user (`defaultUser`) keeps in `req.user.claims` besides `sub`; it always keeps `id`, `displayName` and `email`. Everything else mojeID released is dropped before it reaches the session store, a second copy of personal data that is often less protected than the app's database (Appendix 7 point 4, GDPR data minimisation). Names from docs/claims.md. Ignored by a custom `verify`.",
    default: [], defaultText: '(none: only `sub`)',
    example: 'given_name,family_name,mojeid_valid', fromText: listText, check: claimNames(isMojeIdClaimName) }),
  entry({ option: 'userinfo', variable: 'MOJEID_USERINFO', group: 'request',
    description: 'Fetch the UserInfo endpoint after the token exchange. With `false`, individual claims are requested in the ID token instead (mojeID puts them there only when asked, field notes) and one request per login is saved.',
    default: true,
    example: 'false', fromText: booleanText, check: boolean }),
  entry({ option: 'acrValues', variable: 'MOJEID_ACR_VALUES', group: 'rules',
    description: "Require an identity verified through NIA at an eIDAS level (§5.1.12): `substantial` or `high` (or the full URI). The ID token's `acr` must reach it, or the login fails; `high` satisfies `substantial`.",
    example: 'high', fromText: trimmed, check: fromProblem(acrValuesProblem, (v) => parseAssuranceLevel(v) as AssuranceLevel) }),
  entry({ option: 'loginMethod', variable: 'MOJEID_LOGIN_METHOD', group: 'rules',
    description: "Require a login method (§4.3.1, Appendix 6.4): `password`, `multi-factor` (a one-time code or the mojeID Authenticator) or `security-key` (FIDO2), sent as production's `acr_values` `pwd`, `mod-pr`, `phr`. The ID token's `acr` must name that method or a stronger one (docs/assurance.md). Cannot be combined with `acrValues`: one `acr` names one of them.",
    defaultText: '(any)',
    example: 'security-key', fromText: trimmed, check: fromProblem(loginMethodProblem, (v) => parseLoginMethod(v) as LoginMethod) }),
  entry({ option: 'maxAge', variable: 'MOJEID_MAX_AGE', group: 'rules',
    description: 'Maximum seconds since the user last actively authenticated at mojeID; checked against `auth_time`.',
    example: '3600', fromText: wholeNumberText, check: fromProblem(maxAgeProblem, (v) => v as number) }),
  entry({ option: 'prompt', variable: 'MOJEID_PROMPT', group: 'rules',
    description: `OIDC \`prompt\`: space-separated ${SUPPORTED_PROMPTS.map((s) => `\`${s}\``).join(', ')}.`,
    example: 'login', fromText: trimmed, check: fromProblem(promptProblem, (v) => v as string) }),
  entry({ option: 'offlineAccess', variable: 'MOJEID_OFFLINE_ACCESS', group: 'rules',
    description: "Ask for a refresh token at every login, so the app can read UserInfo later without the user (manual ch. 3 \"Refresh Token\"; docs/offline-access.md): adds the `offline_access` scope and `consent` to `prompt`, as mojeID grants it only then (field notes). Cannot be combined with `prompt=none`. Per login: `passport.authenticate('mojeid', { offlineAccess: true })`.",
    default: false,
    example: 'true', fromText: booleanText, check: boolean }),
  entry({ option: 'uiLocales', variable: 'MOJEID_UI_LOCALES', group: 'rules',
    description: "Preferred languages of mojeID's pages, e.g. `cs en`.",
    example: 'cs', fromText: trimmed, check: fromProblem(uiLocalesProblem, (v) => (v as string).trim()) }),
  entry({ option: 'pkce', variable: 'MOJEID_PKCE', group: 'rules',
    description: "Send a PKCE S256 challenge (RFC 9700 §2.1.1). mojeID's discovery does not advertise `code_challenge_methods_supported`, but servers ignore parameters they do not know, so it is on by default.",
    default: true,
    example: 'false', fromText: booleanText, check: boolean }),
  entry({ option: 'accept', variable: 'MOJEID_ACCEPT', group: 'rules',
    description: 'Accept only accounts that are `validated`, `adult` and/or `nia` (NIA-verified); the deciding claims (`mojeid_valid`, `mojeid_is_adult`, `mojeid_nia`) are requested as essential automatically. `validated` and `nia` need full access.',
    default: [], defaultText: '(any account)',
    example: 'validated,adult', fromText: listText, check: accountRequirements(ACCOUNT_REQUIREMENT_CLAIMS) }),
  entry({ option: 'httpTimeout', variable: 'MOJEID_HTTP_TIMEOUT', group: 'network',
    description: 'Seconds before any request to mojeID (discovery, JWKS, token, UserInfo) is abandoned.',
    default: 10,
    example: '5', fromText: wholeNumberText, check: positiveWholeNumber() }),
  entry({ option: 'clockTolerance', variable: 'MOJEID_CLOCK_TOLERANCE', group: 'network',
    description: 'Seconds of clock difference tolerated when checking `exp`, `iat` and `auth_time`.',
    default: 30,
    example: '60', fromText: wholeNumberText, check: wholeNumberAtLeastZero('a whole number of seconds (0 or more)') }),
  entry({ option: 'maxPendingLogins', variable: 'MOJEID_MAX_PENDING_LOGINS', group: 'network',
    description: 'Logins one browser session may have started and not finished (several tabs); the oldest is dropped beyond it.',
    default: 5,
    example: '3', fromText: wholeNumberText, check: positiveWholeNumber() }),
  entry({ option: 'pendingLoginTtl', variable: 'MOJEID_PENDING_LOGIN_TTL', group: 'network',
    description: 'Seconds a started login may take before its callback is refused.',
    default: 600,
    example: '300', fromText: wholeNumberText, check: positiveWholeNumber() }),
  entry({ option: 'logoutUrl', variable: 'MOJEID_LOGOUT_URL', group: 'logout',
    description: "mojeID's own logout page (ch. 7) offered after a local logout.",
    defaultText: "the environment's (`https://mojeid.cz/logout/`)",
    example: 'https://mojeid.cz/logout/', fromText: trimmed, check: url('the logout URL') }),
  entry({ option: 'offerMojeIdLogout', variable: 'MOJEID_OFFER_LOGOUT', group: 'logout',
    description: 'After a local logout, ask whether to log out of mojeID too (ch. 7 recommends it for shared computers).',
    default: true,
    example: 'false', fromText: booleanText, check: boolean }),
  entry({ option: 'postLogoutRedirect', variable: 'MOJEID_POST_LOGOUT_REDIRECT', group: 'logout',
    description: 'Same-origin path to go to after logout.',
    default: '/',
    example: '/goodbye', fromText: trimmed, check: sameOriginPath }),
  entry({ option: 'locale', variable: 'MOJEID_LOCALE', group: 'pages',
    description: "Language of the library's pages: `cs`, `en`, or `auto` (from the browser's Accept-Language).",
    default: 'auto',
    example: 'cs', fromText: trimmed, check: oneOf<LocaleSetting>(['auto', 'cs', 'en']) }),
  entry({ option: 'accountRegistrationUrl', variable: 'MOJEID_ACCOUNT_REGISTRATION_URL', group: 'account-creation',
    description: "Account creation (ch. 6): where the prefilled form is POSTed. §8.2 lists `https://mojeid.cz/registration/endpoint/` (test: `https://mojeid.regtest.nic.cz/registration/endpoint/`); §6.1 names `https://direct.mojeid.cz/registration/direct/`.",
    defaultText: "the environment's (§8.2)",
    example: 'https://mojeid.cz/registration/endpoint/', fromText: trimmed, check: url('the account registration URL') }),
  entry({ option: 'accountTransferUrl', variable: 'MOJEID_ACCOUNT_TRANSFER_URL', group: 'account-creation',
    description: 'Account creation: the transfer of a contact from the domain registry to mojeID (§6.1, §8.2).',
    defaultText: "the environment's (§8.2)",
    example: 'https://mojeid.cz/transfer/endpoint/', fromText: trimmed, check: url('the account transfer URL') }),
  entry({ option: 'accountTransfer', variable: 'MOJEID_ACCOUNT_TRANSFER', group: 'account-creation',
    description: 'Allow the transfer variant of account creation (`variant=transfer`): the registry contact id is sent as `username` and the other data are ignored by mojeID (§6.1).',
    default: false,
    example: 'true', fromText: booleanText, check: boolean }),
  entry({ option: 'accountRegistrationTtl', variable: 'MOJEID_ACCOUNT_REGISTRATION_TTL', group: 'account-creation',
    description: "Seconds an issued `registration_nonce` stays valid while the user fills in mojeID's form; a notification after it is rejected.",
    default: 3600,
    example: '7200', fromText: wholeNumberText, check: positiveWholeNumber() }),
  entry({ option: 'notifyCa', variable: 'MOJEID_NOTIFY_CA_FILE', group: 'notifications',
    description: "PEM file with the CZ.NIC CA that issues mojeID's notification client certificates (§6.2; ask techsupport@mojeid.cz, it is not bundled), and every intermediate CA between it and that certificate: with the intermediates here (and in the TLS server's `ca`), the certificate alone proves the sender, also on a resumed TLS session, which brings back the client's certificate but not the chain it presented. In code also PEM text or a Buffer. Needed when the app terminates TLS itself.",
    default: [],
    example: '/etc/ssl/mojeid/cznic-client-ca.pem', fromText: trimmed, check: caCertificates }),
  entry({ option: 'notifyTrustedProxies', variable: 'MOJEID_NOTIFY_TRUSTED_PROXIES', group: 'notifications',
    description: 'Reverse proxies (IP addresses or CIDR ranges) that verify the client certificate themselves (nginx `ssl_verify_client`, Apache `SSLVerifyClient`) and report it in `MOJEID_NOTIFY_PROXY_HEADER`. The header is believed only from these addresses. Off unless set.',
    default: [],
    example: '127.0.0.1,10.0.0.0/24', fromText: trimmed, check: trustedProxies }),
  entry({ option: 'notifyProxyHeader', variable: 'MOJEID_NOTIFY_PROXY_HEADER', group: 'notifications',
    description: "The request header a trusted proxy sets to `SUCCESS` after verifying the client certificate (nginx `$ssl_client_verify`, Apache `%{SSL_CLIENT_VERIFY}s`).",
    default: 'x-ssl-client-verify',
    example: 'x-client-verify', fromText: trimmed, check: headerName('x-ssl-client-verify') }),
  entry({ option: 'notifyProxyCertHeader', variable: 'MOJEID_NOTIFY_PROXY_CERT_HEADER', group: 'notifications',
    description: "The request header a trusted proxy forwards the client certificate it verified in (nginx `$ssl_client_escaped_cert`, Apache `%{SSL_CLIENT_CERT}s`). The app checks it against `MOJEID_NOTIFY_CA_FILE` and `MOJEID_NOTIFY_PINS`, because `SUCCESS` alone does not say which CA the proxy checked against. The proxy must overwrite it on every request.",
    default: 'x-ssl-client-cert',
    example: 'x-client-cert', fromText: trimmed, check: headerName('x-ssl-client-cert') }),
  entry({ option: 'notifyProxyVerdictOnly', variable: 'MOJEID_NOTIFY_PROXY_VERDICT_ONLY', group: 'notifications',
    description: "The weaker proxy mode: believe a trusted proxy's `SUCCESS` without the forwarded certificate, so neither the CA nor the pins are checked by the app; only as safe as the proxy's CA file holding CZ.NIC's CA alone. Use only with a proxy that cannot forward the certificate.",
    default: false,
    example: 'true', fromText: booleanText, check: boolean }),
  entry({ option: 'notifyPins', variable: 'MOJEID_NOTIFY_PINS', group: 'notifications',
    description: "Pins of mojeID's notification certificate, separated by `;`: `sha256/<base64>` (SHA-256 of its public key, SubjectPublicKeyInfo DER) or `subject:CN=…,O=…` (attributes its subject must have). A notification's certificate must then match one of them besides chaining to the CZ.NIC CA: CZ.NIC issues client certificates per client (§6.2), so any other holder of one would pass the CA check alone. Recommended once you know mojeID's certificate; list the next one's pin before a renewal with a new key.",
    default: [], defaultText: '(none: any certificate from the CA)',
    envHint: ['The sha256 pin of a certificate in mojeid-client.pem:', '  openssl x509 -in mojeid-client.pem -pubkey -noout | openssl pkey -pubin -outform der \\', '    | openssl dgst -sha256 -binary | base64'],
    example: 'sha256/4j0i9Bnr0sCsEIMvq/xnBd2PF6nlk+QN6TkEPrcEZk0=', fromText: trimmed, check: notifyPins }),
  entry({ option: 'notifyInsecureTestMode', variable: 'MOJEID_NOTIFY_INSECURE_TEST_MODE', group: 'notifications',
    description: "Accept registration notifications over plain HTTP without a client certificate, as mojeID's test instance sends them to an http address (§6.2). Allowed only with the test instance's issuer or a loopback issuer (the local simulator), compared as URLs (host case, default port and a trailing dot do not matter). Notifications over HTTPS still need a valid certificate.",
    default: false,
    example: 'true', fromText: booleanText, check: boolean }),
] as const;

type Entry = (typeof SCHEMA)[number];

// Compile-time guard: the schema lists every option of `MojeIdOptions` but the code-only ones,
// and nothing else. A new option without an entry (or an entry without an option) fails to
// type-check here ("Type 'false' does not satisfy the constraint 'true'").
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type AssertTrue<T extends true> = T;
export type _SchemaCoversEveryOption = AssertTrue<SameKeys<Entry['option'], SchemaOption>>;

/** Each option's checked value, as `resolveConfig` reads them. */
export type CheckedOptions = {
  [E in Entry as E['option']]: E extends SchemaEntry<SchemaOption, infer V> ? (E extends { readonly default: V } ? V : V | undefined) : never;
};

/** The default as the reference states it: the words of `defaultText`, else the value. */
export function defaultTextOf(entry: SchemaEntry): string {
  if (entry.defaultText !== undefined) return entry.defaultText;
  const value = entry.default;
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return '(none)';
  return String(value);
}

/** The public view of an entry: what the reference documents. */
export interface ConfigurationSchemaEntry {
  readonly option: SchemaOption;
  readonly variable: string;
  readonly description: string;
  readonly defaultText: string;
  readonly example: string;
}
export const CONFIGURATION_SCHEMA: readonly ConfigurationSchemaEntry[] = Object.freeze(
  (SCHEMA as readonly SchemaEntry[]).map((e) =>
    Object.freeze({ option: e.option, variable: e.variable, description: e.description, defaultText: defaultTextOf(e), example: e.example }),
  ),
);

/** Reads `MOJEID_*` variables into options; a variable whose text cannot be read at all becomes an issue. */
export function optionsFromEnvironment(env: Readonly<Record<string, string | undefined>> = process.env): {
  options: MojeIdOptions;
  issues: ConfigurationIssue[];
} {
  const options: Record<string, unknown> = {};
  const issues: ConfigurationIssue[] = [];
  for (const entry of SCHEMA as readonly SchemaEntry[]) {
    let text = env[entry.variable];
    if (text === undefined && entry.option === 'baseUrl') text = env['BASE_URL'];
    if (text === undefined || text.trim() === '') continue;
    const parsed = entry.fromText(text);
    if (parsed.ok) options[entry.option] = parsed.value;
    else issues.push({ option: entry.option, variable: entry.variable, message: parsed.message });
  }
  return { options: options as MojeIdOptions, issues };
}

export function variableOf(option: string): string {
  return SCHEMA.find((e) => e.option === option)?.variable ?? option;
}
