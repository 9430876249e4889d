/**
 * The configuration schema as data: for every option, its `MOJEID_*` variable, default, example,
 * meaning and the parser that turns the variable's text into the option's value. `resolveConfig`
 * (config.ts) validates with it and docs/configuration.md's table is rendered from it, so code,
 * errors and docs cannot drift apart.
 */
import type { AccountRequirement, ConfigurationIssue } from './errors.js';
import type { ClaimRequirement, MojeIdOptions } from './config.js';

export const SUPPORTED_SCOPES = ['openid', 'profile', 'email', 'phone', 'address', 'openid2', 'offline_access'] as const;
import { SUPPORTED_PROMPTS } from './login-options.js';

export { SUPPORTED_PROMPTS };

/** §5.1.12 gives the `oidc/assurance_level` spelling; production discovery lists `LoA` (field notes). */
export { ASSURANCE_LEVEL_URIS } from './assurance.js';

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
    option: 'sessionClaims',
    variable: 'MOJEID_SESSION_CLAIMS',
    description:
      "Claims the default session user (`defaultUser`) keeps in `req.user.claims` besides `sub`; it always keeps `id`, `displayName` and `email`. Everything else mojeID released is dropped before it reaches the session store, a second copy of personal data that is often less protected than the app's database (Appendix 7 point 4, GDPR data minimisation). Names from docs/claims.md. Ignored by a custom `verify`.",
    defaultText: '(none: only `sub`)',
    example: 'given_name,family_name,mojeid_valid',
    fromText: (text) => ok(text.split(/[\s,]+/).filter(Boolean)),
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
    option: 'loginMethod',
    variable: 'MOJEID_LOGIN_METHOD',
    description:
      "Require a login method (§4.3.1, Appendix 6.4): `password`, `multi-factor` (a one-time code or the mojeID Authenticator) or `security-key` (FIDO2), sent as production's `acr_values` `pwd`, `mod-pr`, `phr`. The ID token's `acr` must name that method or a stronger one (docs/assurance.md). Cannot be combined with `acrValues`: one `acr` names one of them.",
    defaultText: '(any)',
    example: 'security-key',
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
    option: 'offlineAccess',
    variable: 'MOJEID_OFFLINE_ACCESS',
    description:
      "Ask for a refresh token at every login, so the app can read UserInfo later without the user (manual ch. 3 \"Refresh Token\"; docs/offline-access.md): adds the `offline_access` scope and `consent` to `prompt`, as mojeID grants it only then (field notes). Cannot be combined with `prompt=none`. Per login: `passport.authenticate('mojeid', { offlineAccess: true })`.",
    defaultText: 'false',
    example: 'true',
    fromText: parseBoolean,
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
      "PEM file with the CZ.NIC CA that issues mojeID's notification client certificates (§6.2; obtained from CZ.NIC, not bundled), and every intermediate CA between it and that certificate: with the intermediates here (and in the TLS server's `ca`), the certificate alone proves the sender, also on a resumed TLS session, which brings back the client's certificate but not the chain it presented. In code also PEM text or a Buffer. Needed when the app terminates TLS itself.",
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
    option: 'notifyProxyCertHeader',
    variable: 'MOJEID_NOTIFY_PROXY_CERT_HEADER',
    description:
      "The request header a trusted proxy forwards the client certificate it verified in (nginx `$ssl_client_escaped_cert`, Apache `%{SSL_CLIENT_CERT}s`). The app checks it against `MOJEID_NOTIFY_CA_FILE` and `MOJEID_NOTIFY_PINS`, because `SUCCESS` alone does not say which CA the proxy checked against. The proxy must overwrite it on every request.",
    defaultText: 'x-ssl-client-cert',
    example: 'x-client-cert',
    fromText: parseString,
  }),
  spec({
    option: 'notifyProxyVerdictOnly',
    variable: 'MOJEID_NOTIFY_PROXY_VERDICT_ONLY',
    description:
      "The weaker proxy mode: believe a trusted proxy's `SUCCESS` without the forwarded certificate, so neither the CA nor the pins are checked by the app; only as safe as the proxy's CA file holding CZ.NIC's CA alone. Use only with a proxy that cannot forward the certificate.",
    defaultText: 'false',
    example: 'true',
    fromText: parseBoolean,
  }),
  spec({
    option: 'notifyPins',
    variable: 'MOJEID_NOTIFY_PINS',
    description:
      "Pins of mojeID's notification certificate, separated by `;`: `sha256/<base64>` (SHA-256 of its public key, SubjectPublicKeyInfo DER) or `subject:CN=…,O=…` (attributes its subject must have). A notification's certificate must then match one of them besides chaining to the CZ.NIC CA: CZ.NIC issues client certificates per client (§6.2), so any other holder of one would pass the CA check alone. Recommended once you know mojeID's certificate; list the next one's pin before a renewal with a new key.",
    defaultText: '(none: any certificate from the CA)',
    example: 'sha256/4j0i9Bnr0sCsEIMvq/xnBd2PF6nlk+QN6TkEPrcEZk0=',
    fromText: (text) => ok(text.split(/[;\n]+/).map((p) => p.trim()).filter(Boolean)),
  }),
  spec({
    option: 'notifyInsecureTestMode',
    variable: 'MOJEID_NOTIFY_INSECURE_TEST_MODE',
    description:
      "Accept registration notifications over plain HTTP without a client certificate, as mojeID's test instance sends them to an http address (§6.2). Allowed only with the test instance's issuer or a loopback issuer (the local simulator), compared as URLs (host case, default port and a trailing dot do not matter). Notifications over HTTPS still need a valid certificate.",
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

export function variableOf(option: keyof MojeIdOptions): string {
  return SCHEMA.find((e) => e.option === option)?.variable ?? option;
}

/** docs/configuration.md's option table, from the schema above. */
export function renderConfigurationTable(): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = SCHEMA.map((e) => `| \`${e.variable}\` | \`${e.option}\` | ${cell(e.defaultText)} | \`${cell(e.example)}\` | ${cell(e.description)} |`);
  return ['| Variable | Option | Default | Example | Meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}
