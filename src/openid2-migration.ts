/**
 * Moving users of the retired OpenID 2.0 login to OpenID Connect (manual §5.3.2): with the
 * `openid2` scope mojeID returns the user's old OpenID 2.0 identifier as `openid2_id` (Appendix 1)
 * next to the new `sub`, and the app links the account it knew by the old identifier to the new
 * `sub`, following "OpenID 2.0 to OpenID Connect Migration 1.0" (docs/migrating-from-openid2.md).
 *
 * The checks, from that specification:
 * - §5: the identifier counts only from the ID token, whose signature, `iss`, `aud` and nonce the
 *   strategy has verified; one from UserInfo alone could come from a response no signature covers,
 *   and one that UserInfo contradicts is refused too.
 * - §6: the OpenID Connect OP must be authoritative for the identifier. The specification settles
 *   it by the authority (host) of the identifier's OpenID 2.0 OP Endpoint, and fetches the
 *   identifier only when that differs from the authorization endpoint's. mojeID's OpenID 2.0
 *   endpoint (`https://mojeid.cz/endpoint/`, manual ch. 3) is on the issuer's host, and its
 *   identifiers are `https://<name>.mojeid.cz/` (ch. 3 "Claimed identifier"); the OpenID 2.0
 *   service is retired, so the fetch could not be answered anyway. The identifier must therefore
 *   be on the issuer's host or below it (`*.mojeid.cz`), over https (plain http only when the
 *   issuer itself is plain http on loopback: the simulator).
 */
import type { MojeIdConfig } from './config.js';
import { toMojeIdError } from './error-mapping.js';
import { ConfigurationError, OpenId2MigrationError } from './errors.js';
import type { MojeIdProfile } from './profile.js';

/**
 * Finds the local user that logged in with `openid2Id` and has no mojeID `sub` linked yet, links
 * `profile.id` to it, and returns it; `undefined` (or `null`/`false`) when there is none.
 */
export type FindUserByOpenId2Id = (
  openid2Id: string,
  profile: MojeIdProfile,
) => Express.User | false | null | undefined | Promise<Express.User | false | null | undefined>;

/** Longest identifier accepted; mojeID's are far shorter. */
const MAX_OPENID2_ID_LENGTH = 2048;

/** Throws at construction when the hook is set but the scope that releases `openid2_id` is not. */
export function openId2ScopeIssue(config: MojeIdConfig, hook: FindUserByOpenId2Id | undefined): void {
  if (hook === undefined) return;
  if (typeof hook !== 'function') {
    throw new ConfigurationError([{ option: 'findUserByOpenId2Id', variable: 'findUserByOpenId2Id (code only)', message: 'must be a function (openid2Id, profile) => user | undefined' }]);
  }
  if (!config.scope.includes('openid2')) {
    throw new ConfigurationError([
      {
        option: 'scope',
        variable: 'MOJEID_SCOPE',
        message: 'findUserByOpenId2Id is set, but the openid2 scope is not requested, so mojeID never sends openid2_id (§5.3.2): add openid2 for the migration period',
      },
    ]);
  }
}

/**
 * The `openid2_id` of this login when it may be used to link an account, `undefined` when the
 * login carries none; throws `OpenId2MigrationError` (`openid2_id_invalid`) otherwise.
 */
export function verifiedOpenId2Id(idToken: Readonly<Record<string, unknown>>, userinfo: Readonly<Record<string, unknown>> | undefined, issuer: string): string | undefined {
  const signed = idToken['openid2_id'];
  const unsigned = userinfo?.['openid2_id'];
  // mojeID returns claims the user did not release as null (field notes): no identifier.
  const present = (value: unknown): boolean => value !== undefined && value !== null && value !== '';
  if (!present(signed)) {
    if (present(unsigned)) {
      throw new OpenId2MigrationError('not_in_id_token', 'openid2_id came in UserInfo only, not in the signed ID token (OpenID 2.0 to OpenID Connect Migration 1.0 §5); nothing linked');
    }
    return undefined;
  }
  if (typeof signed !== 'string' || signed.length > MAX_OPENID2_ID_LENGTH) {
    throw new OpenId2MigrationError('not_a_url', 'the ID token\'s openid2_id is not a string of reasonable length; nothing linked');
  }
  if (present(unsigned) && unsigned !== signed) {
    throw new OpenId2MigrationError('mismatch', 'the ID token and UserInfo name different openid2_id values; nothing linked');
  }
  let url: URL;
  try {
    url = new URL(signed);
  } catch {
    throw new OpenId2MigrationError('not_a_url', 'the ID token\'s openid2_id is not an absolute URL; nothing linked');
  }
  const op = new URL(issuer);
  const schemeOk = url.protocol === 'https:' || (url.protocol === 'http:' && op.protocol === 'http:');
  if (!schemeOk || url.username !== '' || url.password !== '') {
    throw new OpenId2MigrationError('not_a_url', `the ID token's openid2_id must be an https URL without credentials (got scheme ${url.protocol}); nothing linked`);
  }
  if (!isAuthoritativeHost(url, op)) {
    // The host is mojeID's own text, not the user's; naming it helps whoever checks MOJEID_ISSUER.
    throw new OpenId2MigrationError('foreign_host', `the ID token's openid2_id is on ${url.host}, which the issuer ${op.host} is not authoritative for (Migration 1.0 §6); nothing linked`);
  }
  return signed;
}

/** The issuer's host itself or a name below it, on the same port: `demo.mojeid.cz` for `mojeid.cz`. */
function isAuthoritativeHost(identifier: URL, issuer: URL): boolean {
  // WHATWG URL lower-cases host names and drops default ports; a trailing dot names the same host.
  const host = identifier.hostname.replace(/\.$/, '');
  const opHost = issuer.hostname.replace(/\.$/, '');
  if (identifier.port !== issuer.port) return false;
  return host === opHost || host.endsWith(`.${opHost}`);
}

/**
 * Runs the app's hook for a login that carries a verified `openid2_id`: the user it found and
 * linked, or `undefined` (no identifier, or no such local account). The hook's own failure is a
 * `verify_failed`, like a failing verify callback.
 */
export async function linkByOpenId2Id(
  hook: FindUserByOpenId2Id,
  login: { idToken: Readonly<Record<string, unknown>>; userinfo: Readonly<Record<string, unknown>> | undefined; issuer: string; profile: MojeIdProfile },
): Promise<Express.User | undefined> {
  const openid2Id = verifiedOpenId2Id(login.idToken, login.userinfo, login.issuer);
  if (openid2Id === undefined) return undefined;
  let user: Express.User | false | null | undefined;
  try {
    user = await hook(openid2Id, login.profile);
  } catch (cause) {
    throw toMojeIdError(cause, 'openid2-lookup');
  }
  return user ? user : undefined;
}
