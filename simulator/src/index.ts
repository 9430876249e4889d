/**
 * A local mojeID simulator for tests and offline development: a real OpenID Connect provider
 * (oidc-provider) shaped like mojeID per its technical documentation 3.1.4, with the three test
 * accounts of §8.1, login and consent pages, the logout page of ch. 7 and a small driver that
 * logs in through it over real HTTP.
 *
 * ```ts
 * import { startSimulator, loginThroughSimulator } from 'mojeid-simulator';
 * const sim = await startSimulator({ clients: [{ client_id: 'app', client_secret: 's', redirect_uris: ['http://127.0.0.1:3000/cb'] }] });
 * // ... build an authorization URL for sim.issuer, then:
 * const callback = await loginThroughSimulator(authorizationUrl, { account: 'nia-high' });
 * await sim.close();
 * ```
 *
 * Its own package (`mojeid-simulator`, in the library's repository) so the published library
 * carries none of it; it uses the library's claim catalogue, registration fields and environment
 * layout through the library's public exports, so the two never disagree.
 *
 * It behaves like production mojeID by default (`mode: 'production'`, CLI `--mode`): production's
 * discovery document, `acr_values` `pwd`/`mod-pr`/`phr` and `http://eidas.europa.eu/LoA/…`,
 * withheld claims as `null`. `mode: 'manual'` follows the manual 3.1.4 instead (§5.1.12 spelling,
 * withheld claims left out); `discovery.ts` lists the differences. Each account has login methods
 * (`loginMethods`: `partial` a password, `business` a one-time password, `nia-high` a security
 * key), which decide the login-method `acr` it meets and the ID token's `amr` (`acr.ts`).
 *
 * Form fields, for tests that post directly (application/x-www-form-urlencoded):
 * - `POST /oidc/interaction/<uid>/login`   `account=<account id>`
 * - `POST /oidc/interaction/<uid>/confirm` `claim=<claim name>`, repeated for each claim released
 * - `POST /oidc/interaction/<uid>/abort`   (no fields) Deny: `error=access_denied`
 * - `POST /logout/`                        (no fields) ends the simulator session
 *
 * Account creation (ch. 6, `account-registration.ts`): `POST /registration/endpoint/` (also
 * `/registration/direct/`, `/transfer/endpoint/`) with `realm`, `registration_nonce` and
 * Appendix 5 fields shows the prefilled form; `POST /registration/create` creates the account and
 * sends `REGISTERED` to the client's `assertion_uris` over HTTPS with a client certificate from a
 * test CA (`simulator.accountCreation.caFile`), then status changes on a timer.
 *
 * Other pages: `GET /logout/` (ch. 7), `GET /registration/` (target of "Create mojeID account"
 * links), discovery at `/oidc/.well-known/openid-configuration` and at the root
 * `/.well-known/openid-configuration/`, WebFinger at `/oidc/.well-known/webfinger` (§5.1.5).
 *
 * @module
 */
export { startSimulator } from './server.js';
export { TEST_ACCOUNTS, EIDAS_HIGH, EIDAS_SUBSTANTIAL } from './accounts.js';
export { EIDAS_LOA_HIGH, EIDAS_LOA_SUBSTANTIAL } from './acr.js';
export { loginThroughSimulator, type LoginThroughSimulatorOptions } from './driver.js';
export { CookieJar } from './cookie-jar.js';
export { TestCertificateAuthority, selfSignedCertificate } from './test-ca.js';
export type { CertificateKind, CertificateRequest, IssuedCertificate } from './test-ca.js';
export type { SimulatorAccountCreation } from './account-registration.js';
export type { SimulatorAccountCreationOptions, NotificationDelivery, NotificationAttempt, NotificationStatus } from './notifications.js';
export type { RunningSimulator, SimulatorAccount, SimulatorClient, SimulatorLoginMethod, SimulatorMode, SimulatorOptions } from './types.js';
