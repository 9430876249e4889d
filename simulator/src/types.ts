/**
 * Public types of the local mojeID simulator (`mojeid-simulator`).
 *
 * @module
 */

import type { SimulatorAccountCreation } from './account-registration.js';
import type { SimulatorAccountCreationOptions } from './notifications.js';

/** A client registered with the simulator, like a manual registration (manual §5.1.3). */
export interface SimulatorClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
  /**
   * How the client authenticates at the token endpoint. mojeID rejects any other method than the
   * registered one (field notes); its default is `client_secret_basic`.
   */
  token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post';
  /** Shown to the user on the consent page. */
  client_name?: string;
  /**
   * Full access (manual ch. 8: the test instance grants it for testing): only such clients get
   * the "Only for full access" claims of Appendix 1 (§9.1). Default `true`. Dynamically
   * registered clients never have it (§5.1.3: "automatic (dynamic) registration cannot be used
   * for Full access").
   */
  full_access?: boolean;
  /** §6.2: where registration notifications for this client are sent (`assertion_uris`). */
  assertion_uris?: string[];
}

/**
 * How the simulator behaves where production mojeID and the manual differ (see `discovery.ts`):
 * `'production'` (default) follows production, `'manual'` the manual 3.1.4.
 */
export type SimulatorMode = 'production' | 'manual';

/**
 * A login method of a mojeID account (manual §4.3.1, §9.5.4): password, one-time password or the
 * mojeID Authenticator app (`otp`), security key FIDO2 (`security-key`).
 */
export type SimulatorLoginMethod = 'password' | 'otp' | 'security-key';

/** A mojeID account the simulator can log in as. */
export interface SimulatorAccount {
  /** Stable id used by the login form (`account=<id>`) and by `loginThroughSimulator`. */
  id: string;
  /** Short name shown on the login page. */
  label: string;
  /** What kind of account it is (§8.1), shown on the login page. */
  description: string;
  /**
   * Appendix 1 (§9.1) claims with the values mojeID would send: flags as the strings
   * "true"/"false", `email_verified` a boolean, `mojeid_age` a number, `mojeid_address_def`,
   * `_bill`, `_ship` JSON strings, `address` an object. `sub` is derived from `id` when absent.
   */
  claims: Record<string, unknown>;
  /**
   * eIDAS level URI of a NIA-paired account (§5.1.12), e.g. `http://eidas.europa.eu/oidc/assurance_level/high`;
   * production's `http://eidas.europa.eu/LoA/high` spelling means the same. The ID token's `acr`
   * is spelled as the mode advertises it, and only when the request asks for a level it meets.
   */
  acr?: string;
  /**
   * The login methods the account has set up (default: password only). It logs in with the
   * strongest, which decides the login-method `acr` values it meets (`pwd` < `mod-pr` < `phr`,
   * production mode) and the ID token's `amr` (RFC 8176).
   */
  loginMethods?: readonly SimulatorLoginMethod[];
}

export interface SimulatorOptions {
  /**
   * `'production'` (default): discovery, `acr` and withheld claims as production mojeID does them;
   * `'manual'`: as the manual 3.1.4 describes them. The differences are listed in `discovery.ts`.
   */
  mode?: SimulatorMode;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port to listen on. Default `0` (any free port). */
  port?: number;
  /** Clients registered at start. More can be added with `addClient` or dynamic registration. */
  clients?: SimulatorClient[];
  /** Accounts offered on the login page. Default {@link TEST_ACCOUNTS}. */
  accounts?: SimulatorAccount[];
  /** Account creation (ch. 6): status-change timer, repeats, certificates. */
  accountCreation?: SimulatorAccountCreationOptions;
  /**
   * Seconds a dynamically registered client's secret is valid, and a rotated one too (§5.1.3:
   * 24 hours at mojeID). Default 86400; tests of renewal use a few seconds.
   */
  dynamicClientLifetime?: number;
}

export interface RunningSimulator {
  /** Whether it behaves like production mojeID or like the manual ({@link SimulatorOptions.mode}). */
  readonly mode: SimulatorMode;
  /** Account creation (ch. 6): the notification test CA, deliveries, status changes. */
  readonly accountCreation: SimulatorAccountCreation;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** `${origin}/oidc/`, with the trailing slash of `https://mojeid.cz/oidc/`. */
  readonly issuer: string;
  /** `${origin}/logout/`, like `https://mojeid.cz/logout/` (ch. 7). */
  readonly logoutUrl: string;
  /** Register one more client (replaces a client with the same `client_id`). */
  addClient(client: SimulatorClient): void;
  /**
   * Withdraw every grant of the account with this `sub` (or login-form id), with its access and
   * refresh tokens, as the user does in their mojeID profile: a refresh then gets `invalid_grant`.
   * Returns how many grants there were.
   */
  revokeGrants(subOrAccountId: string): number;
  /**
   * Change an account's claims, as the user does in their mojeID profile (`null` removes one):
   * the next UserInfo answer, e.g. after a refresh, carries the new values.
   */
  updateClaims(accountId: string, changes: Readonly<Record<string, unknown>>): void;
  /**
   * The `openid2_id` this simulator releases for the account (with the `openid2` scope, §5.3.2):
   * its old OpenID 2.0 identifier, on the simulator's origin. A service migrating from OpenID 2.0
   * had stored exactly this for the user, so a demo or test seeds its local account with it.
   * `undefined` for an account without one.
   */
  openId2IdOf(accountId: string): string | undefined;
  /** Stop listening and drop every open connection. */
  close(): Promise<void>;
}
