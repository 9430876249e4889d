/**
 * The oidc-provider instance behind the simulator, configured to behave like mojeID.
 *
 * What is mojeID-specific here and in the middlewares it installs (`responses.ts`,
 * `client-auth.ts`), and where it comes from:
 * - endpoint paths `/oidc/authorization/`, `/oidc/token/`, `/oidc/userinfo/`,
 *   `/oidc/registration/` (§5.1.5, ch. 8.3) and the JWKS at `/oidc/key.jwk` (field notes);
 * - open dynamic registration without an initial access token (§5.1.3), 12-character client ids
 *   (§8.3), secrets that expire after 24 hours (configurable) and `registration_client_uri` in the
 *   form `registration/?client_id=...` (§5.1.3, field notes), never full access for such clients;
 *   registration changes and secret rotation by POST there, and `assertion_uris` (§6.2) kept per
 *   client (`registration.ts`);
 * - scopes `openid profile email phone address openid2 offline_access` (§5.1.6, §5.3.2), the
 *   `claims` parameter (§5.1.6), claims asked for by scope only in UserInfo (field notes);
 * - `acr` chosen from the request's `acr_values` as the mode advertises them (eIDAS levels of
 *   §5.1.12, production's login-method values) and `amr` from the account's login methods
 *   (`acr.ts`); withheld claims as `null` in production mode (`discovery.ts` lists the modes);
 * - what production's discovery document advertises where oidc-provider can do it: `pairwise`
 *   subjects, the `request` parameter, signed UserInfo, and its client authentication methods
 *   and algorithms (field notes);
 * - PKCE accepted but never required, and not advertised (field notes);
 * - token endpoint client authentication exactly as registered; failures answered with
 *   `unauthorized_client` (Appendix 6.6) and pyoidc's "Wrong authentication method used";
 * - `iss` and `client_id` on the code-flow callback, as pyoidc adds them (field notes);
 * - refresh tokens only for `offline_access` with `prompt=consent` (field notes; oidc-provider's
 *   own rule), a new one at every use (rotation: the used one is dead, and using it again ends the
 *   grant), no revocation endpoint (production's discovery has none; `revokeGrants` stands in for
 *   the user withdrawing access in their mojeID profile);
 * - `openid2_id` (§5.3.2) on the simulator's own origin, as mojeID's identifiers are on its own
 *   domain (`https://<name>.mojeid.cz/`), so the OpenID 2.0 migration checks can pass.
 *
 * @module
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import type { Account, Configuration, SigningAlgorithm } from 'oidc-provider';
import type Provider from 'oidc-provider';
import { ACR_VALUES_SUPPORTED, amrOf, requestedAcr, selectAcr } from './acr.js';
import type { AccountDirectory } from './accounts.js';
import type { MemoryStore } from './adapter.js';
import { SCOPES, providerClaimsConfiguration, releasableClaims, withWithheldAsNull } from './claims.js';
import { enforceMojeidClientAuth } from './client-auth.js';
import { assertionUrisMetadata, registrationChanges } from './registration.js';
import type { OidcContext } from './oidc-types.js';
import { mojeidResponses } from './responses.js';
import type { SimulatorMode } from './types.js';
import { PAGE_HEADERS, errorPage } from './views.js';

/** Where the simulator mounts oidc-provider: the issuer is `${origin}${OIDC_PATH}/`. */
export const OIDC_PATH = '/oidc';

/** Interaction pages (login, consent) live under the issuer: `/oidc/interaction/<uid>`. */
export const INTERACTION_PATH = `${OIDC_PATH}/interaction`;

/** Cookie settings shared by oidc-provider and the logout page, which ends its session. */
export const LONG_COOKIE = { httpOnly: true, sameSite: 'lax' } as const;
const SHORT_COOKIE = { httpOnly: true, sameSite: 'lax' } as const;

const OIDC_PROVIDER_RUNTIME_NOTICE = 'oidc-provider WARNING: Unsupported runtime';

/**
 * Load oidc-provider once. It warns at import time on Node 20 ("Unsupported runtime"); this
 * package supports Node >= 20.19 and oidc-provider 9 runs there, so that one line is dropped.
 */
let loading: Promise<typeof import('oidc-provider')> | undefined;
function loadOidcProvider(): Promise<typeof import('oidc-provider')> {
  if (!loading) {
    const original = console.warn;
    console.warn = (...args: unknown[]): void => {
      if (typeof args[0] === 'string' && args[0].includes(OIDC_PROVIDER_RUNTIME_NOTICE)) return;
      original(...args);
    };
    loading = import('oidc-provider')
      .catch((cause: unknown) => {
        throw new Error('the mojeID simulator needs the oidc-provider package (v9): npm install --save-dev oidc-provider', { cause });
      })
      .finally(() => {
        console.warn = original;
      });
  }
  return loading;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A client id like mojeID's: 12 lower- and uppercase letters and digits (§8.3). */
export function randomClientId(): string {
  let id = '';
  for (let i = 0; i < 12; i += 1) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

export interface ProviderSetup {
  issuer: string;
  store: MemoryStore;
  accounts: AccountDirectory;
  /** Whether the client has full access (Appendix 1 "Only for full access" claims). */
  isFullAccess(clientId: string | undefined): boolean;
  /** Private RSA signing key as a JWK. */
  signingKey: JsonWebKey;
  /** Seconds a dynamically registered client's secret is valid (§5.1.3: 24 hours). */
  dynamicClientLifetime: number;
  /** Production mojeID or the manual, where they differ (`discovery.ts`). */
  mode: SimulatorMode;
}

/** How long a grant lives; its withheld claims are kept as long. */
const GRANT_TTL = 8 * 3600;

/** Store model for the claims withheld under a grant (production mode), by grant id. */
const WITHHELD_MODEL = 'SimulatorWithheldClaims';

/** Production mode: remember which granted claims the user withheld, to send them as `null`. */
export function rememberWithheld(store: MemoryStore, grantId: string, withheld: readonly string[]): void {
  store.put(WITHHELD_MODEL, grantId, { withheld: [...withheld] }, GRANT_TTL);
}

function withheldUnder(store: MemoryStore, grantId: string | undefined): string[] {
  const claims = grantId === undefined ? undefined : store.get(WITHHELD_MODEL, grantId)?.['withheld'];
  return Array.isArray(claims) ? claims.filter((c): c is string => typeof c === 'string') : [];
}

/**
 * Signing algorithms production advertises for client authentication, request objects, ID
 * tokens and UserInfo (`none` aside, which oidc-provider 9 does not offer). oidc-provider keeps
 * for ID tokens and UserInfo only those its one RSA key (or a client secret) can sign with.
 */
const PRODUCTION_SIGNING_ALGS: SigningAlgorithm[] = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'HS256', 'HS384', 'HS512', 'PS256', 'PS384', 'PS512'];

const SUB_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A `pairwise` subject (OIDC Core §8.1; production advertises it): 12 characters like a public
 * `sub`, the same for every client of one sector and different between sectors.
 */
function pairwiseSub(sub: string, sectorIdentifier: string): string {
  const digest = createHash('sha256').update(`mojeid-simulator-pairwise:${sectorIdentifier}:${sub}`).digest();
  let out = '';
  for (let i = 0; i < 12; i += 1) out += SUB_ALPHABET[(digest[i] ?? 0) % SUB_ALPHABET.length];
  return out;
}

/** mojeID's identifier domain, under which the test accounts' OpenID 2.0 identifiers are written. */
const MOJEID_IDENTIFIER_DOMAIN = '.mojeid.cz';

/**
 * `https://petra-svobodova.mojeid.cz/#Qm8r` becomes `<origin>/openid2/petra-svobodova/#Qm8r`:
 * mojeID is authoritative for identifiers under its own domain (manual ch. 3), the simulator for
 * those on its origin, which is what an RP checks (OpenID 2.0 to OpenID Connect Migration 1.0 §6).
 */
export function withOwnOpenId2Id(claims: Record<string, unknown>, issuer: string): Record<string, unknown> {
  const value = claims['openid2_id'];
  if (typeof value !== 'string') return claims;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return claims;
  }
  if (!url.hostname.endsWith(MOJEID_IDENTIFIER_DOMAIN)) return claims;
  const name = url.hostname.slice(0, -MOJEID_IDENTIFIER_DOMAIN.length);
  return { ...claims, openid2_id: `${new URL(issuer).origin}/openid2/${encodeURIComponent(name)}${url.pathname}${url.search}${url.hash}` };
}

function sendErrorPage(ctx: OidcContext, error: string, description: string | undefined): void {
  for (const [name, value] of Object.entries(PAGE_HEADERS)) ctx.set(name, value);
  ctx.type = 'html';
  ctx.body = errorPage(error, description);
}

function originOf(uri: string): string | undefined {
  try {
    return new URL(uri).origin;
  } catch {
    return undefined;
  }
}

function configuration(setup: ProviderSetup, interactions: Configuration['interactions']): Configuration {
  return {
    adapter: (name: string) => setup.store.adapterFor(name),
    async findAccount(ctx: OidcContext, sub: string): Promise<Account | undefined> {
      const account = setup.accounts.bySub(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          const claims = withOwnOpenId2Id(releasableClaims(account, sub, setup.isFullAccess(ctx.oidc?.client?.clientId)), setup.issuer);
          if (setup.mode !== 'production') return { sub, ...claims };
          return { sub, ...withWithheldAsNull(claims, withheldUnder(setup.store, ctx.oidc?.grant?.jti)) };
        },
      };
    },
    // Every client gets `auth_time` in its ID tokens, so an RP can check max_age itself.
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      id_token_signed_response_alg: 'RS256',
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      require_auth_time: true,
    },
    clientAuthMethods: ['client_secret_post', 'client_secret_basic', 'client_secret_jwt', 'private_key_jwt'],
    enabledJWA: {
      clientAuthSigningAlgValues: PRODUCTION_SIGNING_ALGS,
      requestObjectSigningAlgValues: PRODUCTION_SIGNING_ALGS,
      idTokenSigningAlgValues: PRODUCTION_SIGNING_ALGS,
      userinfoSigningAlgValues: PRODUCTION_SIGNING_ALGS,
    },
    // `""` is advertised by production but names nothing (`acr.ts`).
    acrValues: ACR_VALUES_SUPPORTED[setup.mode].filter((value) => value !== ''),
    claims: providerClaimsConfiguration(),
    // Code flow: ID token claims only when asked for under `claims.id_token` (field notes).
    conformIdTokenClaims: true,
    scopes: [...SCOPES],
    subjectTypes: ['public', 'pairwise'],
    // oidc-provider's clients have a `sectorIdentifier` (the redirect URIs' host or the
    // sector_identifier_uri's); @types/oidc-provider leaves it to the index signature.
    pairwiseIdentifier: async (_ctx, accountId, client) => pairwiseSub(accountId, String(client.sectorIdentifier)),
    responseTypes: ['code', 'id_token', 'code id_token', 'none'],
    pkce: { required: () => false },
    routes: {
      authorization: '/authorization/',
      token: '/token/',
      userinfo: '/userinfo/',
      registration: '/registration/',
      jwks: '/key.jwk',
    },
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      requestObjects: { enabled: true },
      jwtUserinfo: { enabled: true },
      registration: { enabled: true, initialAccessToken: false, idFactory: randomClientId },
      // Logout is mojeID's own confirmation page (ch. 7), not RP-initiated logout.
      rpInitiatedLogout: { enabled: false },
      dPoP: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      resourceIndicators: { enabled: false },
    },
    interactions,
    cookies: { keys: [randomBytes(32).toString('base64url')], long: LONG_COOKIE, short: SHORT_COOKIE },
    jwks: { keys: [setup.signingKey] },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Session: 8 * 3600,
      Grant: GRANT_TTL,
      RefreshToken: 14 * 24 * 3600,
    },
    // Every refresh answers with a new refresh token; the one used is consumed (RFC 9700 §4.14.2).
    rotateRefreshToken: true,
    clientBasedCORS: (_ctx, origin, client) => (client.redirectUris ?? []).some((uri) => originOf(uri) === origin),
    async renderError(ctx, out) {
      sendErrorPage(ctx, out.error, out.error_description);
    },
  };
}

/** A configured oidc-provider for one simulator. */
export async function createProvider(setup: ProviderSetup): Promise<Provider> {
  const { default: Provider, interactionPolicy, errors } = await loadOidcProvider();
  const policy = interactionPolicy.base();
  // An unmet essential `acr` does not send the user back to the login page: the ID token just
  // lacks the `acr`, and the RP decides (§5.1.12).
  policy.get('login')?.checks.remove('essential_acrs');
  policy.get('login')?.checks.remove('essential_acr');
  // Never prompts: it sets the session's `acr` and `amr` for this request before the code is
  // issued, so a login reused by SSO answers each request's `acr_values` anew.
  policy.get('login')?.checks.push(
    new interactionPolicy.Check('mojeid_acr', 'acr and amr for this request', (ctx) => {
      const session = ctx.oidc?.session;
      const account = session?.accountId === undefined ? undefined : setup.accounts.bySub(session.accountId);
      if (!session || !account) return false;
      const requested = requestedAcr(ctx.oidc?.params?.['acr_values'], ctx.oidc?.claims?.id_token?.['acr']);
      session.acr = requested === undefined ? undefined : selectAcr(account, requested, setup.mode);
      session.amr = amrOf(account);
      return false;
    }),
  );
  const provider = new Provider(setup.issuer, {
    ...configuration(setup, { policy, url: async (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}` }),
    extraClientMetadata: assertionUrisMetadata(errors.InvalidClientMetadata),
    // A secret stops at `client_secret_expires_at` (§5.1.3), not 15 s later (oidc-provider's default
    // tolerance; it applies to nothing else the simulator uses).
    clockTolerance: 0,
  });
  provider.use(mojeidResponses(setup.issuer, setup.store, setup.dynamicClientLifetime, setup.mode));
  provider.use(registrationChanges({ provider, store: setup.store, issuer: setup.issuer, lifetime: setup.dynamicClientLifetime }));
  enforceMojeidClientAuth(provider, errors.InvalidClientAuth);
  provider.on('server_error', (_ctx, error) => {
    console.error('mojeID simulator: server error', error);
  });
  return provider;
}
