/**
 * Which `acr` the simulator asserts and which `amr` it reports, per simulator mode.
 *
 * `acr_values` is a space-separated list in order of preference (OIDC Core §3.1.2.1). Like a
 * strict provider, the simulator ignores values it does not advertise in its mode and asserts the
 * first requested value the logged-in account satisfies; when it satisfies none, the ID token has
 * no `acr` and the relying party must refuse (§5.1.12). The `""` production advertises names no
 * level and is never asserted.
 *
 * - eIDAS levels (§5.1.12): production spells them `http://eidas.europa.eu/LoA/…` (its discovery
 *   document), the manual `http://eidas.europa.eu/oidc/assurance_level/…`; each mode knows only its
 *   own spelling. An account paired with NIA at `high` satisfies `high` and `substantial`, one at
 *   `substantial` only `substantial`.
 * - Login methods (manual §4.3.1, §9.5.4 = Appendix 6.4: password, one-time password or
 *   authenticator, security key FIDO2), advertised only by production as `pwd` < `mod-pr`
 *   (multi-factor) < `phr` (phishing-resistant): an account satisfies a method value when its
 *   strongest login method is at least that strong. The manual names no `acr` for them.
 *
 * An account logs in with its strongest login method (mojeID asks for the second factor a user has
 * set up), so `amr` (RFC 8176) follows from the account alone: `pwd`; `pwd otp mfa`; `pwd hwk mfa`.
 *
 * @module
 */
import { EIDAS_HIGH, EIDAS_SUBSTANTIAL } from './accounts.js';
import type { SimulatorAccount, SimulatorLoginMethod, SimulatorMode } from './types.js';

/** Production's spelling of the eIDAS levels (its discovery document, field notes). */
export const EIDAS_LOA_SUBSTANTIAL = 'http://eidas.europa.eu/LoA/substantial';
export const EIDAS_LOA_HIGH = 'http://eidas.europa.eu/LoA/high';

/** `acr_values_supported` as each mode advertises it, in the advertised order. */
export const ACR_VALUES_SUPPORTED: Readonly<Record<SimulatorMode, readonly string[]>> = Object.freeze({
  production: Object.freeze(['', 'pwd', 'mod-pr', 'phr', EIDAS_LOA_SUBSTANTIAL, EIDAS_LOA_HIGH]),
  manual: Object.freeze([EIDAS_SUBSTANTIAL, EIDAS_HIGH]),
});

type Level = 'substantial' | 'high';

const LEVEL_RANK: Readonly<Record<Level, number>> = { substantial: 1, high: 2 };

/** Each mode's `acr` value for an eIDAS level. */
const LEVEL_VALUE: Readonly<Record<SimulatorMode, Readonly<Record<Level, string>>>> = {
  production: { substantial: EIDAS_LOA_SUBSTANTIAL, high: EIDAS_LOA_HIGH },
  manual: { substantial: EIDAS_SUBSTANTIAL, high: EIDAS_HIGH },
};

const METHOD_RANK: Readonly<Record<SimulatorLoginMethod, number>> = { password: 1, otp: 2, 'security-key': 3 };

/** Production's login-method `acr` values and the weakest method that satisfies each. */
const METHOD_VALUE_RANK: Readonly<Record<string, number>> = { pwd: 1, 'mod-pr': 2, phr: 3 };

/** RFC 8176 `amr` of a login with each method; the second factors follow the password. */
const AMR: Readonly<Record<SimulatorLoginMethod, readonly string[]>> = {
  password: ['pwd'],
  otp: ['pwd', 'otp', 'mfa'],
  'security-key': ['pwd', 'hwk', 'mfa'],
};

/**
 * The NIA level of an account, from its `acr` in either spelling. Accounts created before the
 * mode existed name it with the manual's URI, and either way it describes the account, not a mode.
 */
export function niaLevelOf(account: SimulatorAccount): Level | undefined {
  switch (account.acr) {
    case EIDAS_HIGH:
    case EIDAS_LOA_HIGH:
      return 'high';
    case EIDAS_SUBSTANTIAL:
    case EIDAS_LOA_SUBSTANTIAL:
      return 'substantial';
    default:
      return undefined;
  }
}

/** The account's strongest login method; an account that names none has a password only. */
export function strongestLoginMethod(account: SimulatorAccount): SimulatorLoginMethod {
  let strongest: SimulatorLoginMethod = 'password';
  for (const method of account.loginMethods ?? []) if (METHOD_RANK[method] > METHOD_RANK[strongest]) strongest = method;
  return strongest;
}

/** `amr` (RFC 8176) of the account's login with its strongest method. */
export function amrOf(account: SimulatorAccount): string[] {
  return [...AMR[strongestLoginMethod(account)]];
}

/** Whether the account satisfies one advertised `acr` value of the mode. */
function satisfies(account: SimulatorAccount, value: string, mode: SimulatorMode): boolean {
  const level = niaLevelOf(account);
  for (const [name, levelValue] of Object.entries(LEVEL_VALUE[mode]) as [Level, string][]) {
    if (value === levelValue) return level !== undefined && LEVEL_RANK[level] >= LEVEL_RANK[name];
  }
  const needed = mode === 'production' ? METHOD_VALUE_RANK[value] : undefined;
  return needed !== undefined && METHOD_RANK[strongestLoginMethod(account)] >= needed;
}

/**
 * The `acr` to assert for `requested` (values in order of preference): the first one the mode
 * advertises and the account satisfies, or `undefined`. An `acr` asked for without values (the
 * `claims` parameter's `"acr": null`) gets the strongest the account satisfies: its eIDAS level,
 * else (production) its login method.
 */
export function selectAcr(account: SimulatorAccount, requested: readonly string[] | 'any', mode: SimulatorMode): string | undefined {
  const advertised = ACR_VALUES_SUPPORTED[mode].filter((value) => value !== '');
  const candidates = requested === 'any' ? [...advertised].reverse() : requested.filter((value) => advertised.includes(value));
  return candidates.find((value) => satisfies(account, value, mode));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What an authorization request asks of `acr`: the `acr_values` parameter, else the values of
 * `claims.id_token.acr` (OIDC Core §5.5.1.1); `'any'` when `acr` is asked for without values;
 * `undefined` when it is not asked for (then the ID token carries none, as before the modes).
 */
export function requestedAcr(acrValues: unknown, idTokenAcr: unknown): readonly string[] | 'any' | undefined {
  if (typeof acrValues === 'string' && acrValues.trim() !== '') return acrValues.split(' ').filter((v) => v !== '');
  if (idTokenAcr === null) return 'any';
  if (!isRecord(idTokenAcr)) return undefined;
  if (Array.isArray(idTokenAcr['values'])) return idTokenAcr['values'].filter((v): v is string => typeof v === 'string');
  if (typeof idTokenAcr['value'] === 'string') return [idTokenAcr['value']];
  return 'any';
}
