/**
 * What a login proves about how the person authenticated, and the rules for "is that enough":
 * eIDAS levels through NIA (§5.1.12) and mojeID's login methods (§4.3.1, Appendix 6.4 = §9.5.4),
 * both carried by the ID token's `acr`. The orderings are data, here and nowhere else, so a
 * correction from CZ.NIC is a one-line change.
 *
 * Where the documents leave the semantics open we take the strict reading (docs/assurance.md):
 * - production advertises `pwd`, `mod-pr`, `phr` (field notes); we read them as password,
 *   multi-factor (password with a one-time code or the mojeID Authenticator) and
 *   phishing-resistant (a FIDO2 security key), in that order of strength;
 * - a login-method requirement is met only by a login-method `acr` at least as strong, and an
 *   eIDAS requirement only by an eIDAS `acr` at least as high: neither kind stands in for the
 *   other, because one `acr` value cannot say both;
 * - an empty, absent or unknown `acr` meets nothing.
 */

export type AssuranceLevel = 'substantial' | 'high';
export type LoginMethod = 'password' | 'multi-factor' | 'security-key';

/** Weakest first. */
export const ASSURANCE_LEVELS: readonly AssuranceLevel[] = ['substantial', 'high'];
/** Weakest first. */
export const LOGIN_METHODS: readonly LoginMethod[] = ['password', 'multi-factor', 'security-key'];

/**
 * The `acr` spellings of each eIDAS level: the manual's (§5.1.12) first, production's (its
 * discovery's `acr_values_supported`, field notes) second. Both are accepted in an ID token.
 */
export const ASSURANCE_LEVEL_URIS: Readonly<Record<AssuranceLevel, readonly [manual: string, production: string]>> = {
  substantial: ['http://eidas.europa.eu/oidc/assurance_level/substantial', 'http://eidas.europa.eu/LoA/substantial'],
  high: ['http://eidas.europa.eu/oidc/assurance_level/high', 'http://eidas.europa.eu/LoA/high'],
};

/** The `acr` value of each login method in production's discovery (field notes). */
export const LOGIN_METHOD_ACR: Readonly<Record<LoginMethod, string>> = {
  password: 'pwd',
  'multi-factor': 'mod-pr',
  'security-key': 'phr',
};

/** `substantial`, `high` or either URI spelling; anything else `undefined`. */
export function parseAssuranceLevel(value: unknown): AssuranceLevel | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  for (const level of ASSURANCE_LEVELS) if (v === level || ASSURANCE_LEVEL_URIS[level].includes(v)) return level;
  return undefined;
}

/** A method's name or its `acr` value (`security-key` or `phr`); anything else `undefined`. */
export function parseLoginMethod(value: unknown): LoginMethod | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  return LOGIN_METHODS.find((method) => v === method || v === LOGIN_METHOD_ACR[method]);
}

/** The eIDAS level an ID token's `acr` proves (either URI spelling), if any. */
export function assuranceLevelOf(acr: unknown): AssuranceLevel | undefined {
  if (typeof acr !== 'string') return undefined;
  return ASSURANCE_LEVELS.find((level) => ASSURANCE_LEVEL_URIS[level].includes(acr));
}

/** The login method an ID token's `acr` proves, if any. */
export function loginMethodOf(acr: unknown): LoginMethod | undefined {
  if (typeof acr !== 'string') return undefined;
  return LOGIN_METHODS.find((method) => LOGIN_METHOD_ACR[method] === acr);
}

/** Field notes: `high` satisfies `substantial`; an empty or unknown `acr` satisfies nothing. */
export function acrSatisfies(acr: unknown, requested: AssuranceLevel): boolean {
  const level = assuranceLevelOf(acr);
  return level !== undefined && ASSURANCE_LEVELS.indexOf(level) >= ASSURANCE_LEVELS.indexOf(requested);
}

/** A login-method `acr` at least as strong as `required` (strict reading: eIDAS values do not count). */
export function acrSatisfiesLoginMethod(acr: unknown, required: LoginMethod): boolean {
  const method = loginMethodOf(acr);
  return method !== undefined && LOGIN_METHODS.indexOf(method) >= LOGIN_METHODS.indexOf(required);
}

/** The stronger of two levels; a per-request level may raise the configured one, never lower it. */
export function strongerLevel(a: AssuranceLevel | undefined, b: AssuranceLevel | undefined): AssuranceLevel | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  return ASSURANCE_LEVELS.indexOf(a) >= ASSURANCE_LEVELS.indexOf(b) ? a : b;
}

export function strongerLoginMethod(a: LoginMethod | undefined, b: LoginMethod | undefined): LoginMethod | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  return LOGIN_METHODS.indexOf(a) >= LOGIN_METHODS.indexOf(b) ? a : b;
}

/**
 * The eIDAS `acr` spelling to send: the one the provider's discovery advertises (production:
 * `…/LoA/high`), else the manual's when advertised or when discovery lists none. A provider that
 * ignores values it does not know would otherwise assert no level and every login would fail.
 */
export function levelSpelling(level: AssuranceLevel, advertised: readonly string[] | undefined): string {
  const [manual, production] = ASSURANCE_LEVEL_URIS[level];
  if (advertised?.includes(production)) return production;
  return manual;
}

/**
 * `acr_values` for a requirement: the required value, then the stronger ones (OIDC Core §3.1.2.1:
 * space-separated, in order of preference), so a person with a stronger means can use it.
 */
export function acrValuesFor(requirement: { level?: AssuranceLevel; loginMethod?: LoginMethod }, advertised: readonly string[] | undefined): string[] {
  const values: string[] = [];
  if (requirement.level) {
    for (const level of ASSURANCE_LEVELS.slice(ASSURANCE_LEVELS.indexOf(requirement.level))) values.push(levelSpelling(level, advertised));
  }
  if (requirement.loginMethod) {
    for (const method of LOGIN_METHODS.slice(LOGIN_METHODS.indexOf(requirement.loginMethod))) values.push(LOGIN_METHOD_ACR[method]);
  }
  return values;
}

/** For messages: `eIDAS high`, `login method security-key (phr)`. */
export function describeRequirement(requirement: { level?: AssuranceLevel; loginMethod?: LoginMethod }): string {
  const parts: string[] = [];
  if (requirement.level) parts.push(`eIDAS ${requirement.level}`);
  if (requirement.loginMethod) parts.push(`login method ${requirement.loginMethod} (${LOGIN_METHOD_ACR[requirement.loginMethod]})`);
  return parts.join(' and ');
}
