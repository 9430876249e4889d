/**
 * Builds the authorization request's `claims` parameter (OIDC Core §5.5, §5.1.6): which claims to
 * ask for, where (UserInfo or the ID token), and which of them are essential.
 */
import { CLAIM_CATALOGUE, type ClaimDefinition } from './claims/catalogue.js';
import type { MojeIdConfig } from './config.js';

/**
 * §5.1.6: individual claims go where they will be read: UserInfo, or the ID token without it.
 * Without UserInfo, the claims a scope releases are asked for in the ID token too: mojeID puts
 * them there only when the `claims` parameter names them (field notes), so `scope: 'openid email'`
 * with `userinfo: false` would otherwise deliver no e-mail at all.
 */
export function buildClaimsParameter(config: MojeIdConfig): string | undefined {
  const request: Record<string, { essential: true } | null> = {};
  for (const [name, requirement] of Object.entries(config.claims)) request[name] = requirement === 'essential' ? { essential: true } : null;
  if (!config.userinfo) {
    for (const claim of CLAIM_CATALOGUE as readonly ClaimDefinition[]) {
      if (claim.scope !== undefined && config.scope.includes(claim.scope) && !Object.hasOwn(request, claim.name)) request[claim.name] = null;
    }
  }
  // Migration 1.0 §5: `openid2_id` counts only from the signed ID token, where mojeID puts a claim
  // only when the `claims` parameter names it there (field notes).
  const openid2 = config.scope.includes('openid2');
  if (!Object.keys(request).length && !openid2) return undefined;
  if (!config.userinfo) return JSON.stringify({ id_token: openid2 ? { openid2_id: null, ...request } : request });
  return JSON.stringify({ ...(Object.keys(request).length ? { userinfo: request } : {}), ...(openid2 ? { id_token: { openid2_id: null } } : {}) });
}
