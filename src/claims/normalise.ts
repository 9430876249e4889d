/**
 * Normalisation of the claims mojeID sends into {@link MojeIdClaims}.
 *
 * mojeID's values do not always have the Appendix 1 (§9.1) types: flags arrive as "true"/"false"
 * strings and the full addresses `mojeid_address_def`, `_bill`, `_ship`, `_ship2`, `_ship3` as
 * JSON strings (field notes). This module turns them into one shape, drops what cannot be
 * trusted and says why, without ever throwing and without echoing personal data.
 *
 * @module
 */
import { claimDefinition, type ClaimValueType } from './catalogue.js';
import type { MojeIdAddress, MojeIdClaims } from './types.js';

/** A claim that was dropped or trimmed. `reason` names what was expected, never the value. */
export interface ClaimProblem {
  claim: string;
  reason: string;
}

/** Normalised claims plus what had to be dropped on the way. */
export interface NormalisationResult {
  /**
   * The normalised claims. `sub` is `''` when the input had no string `sub` (a problem is
   * reported then): callers must refuse such a result rather than link an account to it.
   */
  claims: MojeIdClaims;
  problems: ClaimProblem[];
}

/** The six fields of the OPTIONAL_ADDRESS object, Appendix 1 (§9.1), Listing 1. */
const ADDRESS_FIELDS = ['formatted', 'street_address', 'locality', 'region', 'postal_code', 'country'] as const;

/**
 * Keys that would change an object's prototype or shadow its basics if copied onto a plain
 * object (`__proto__` arrives as an own key from `JSON.parse`). No claim has such a name.
 */
const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Marker for "drop this claim"; the problem has been recorded already. */
const DROP: unique symbol = Symbol('drop');
type Outcome<T> = T | typeof DROP;

type Report = (reason: string) => void;

const TRUE_FALSE: ReadonlyMap<string, boolean> = new Map([['true', true], ['false', false]]);

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** SINGLE_OPTIONAL_BOOLEAN, Appendix 1 (§9.1); mojeID also sends the flags as strings. */
function toBoolean(value: unknown, report: Report): Outcome<boolean> {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const parsed = TRUE_FALSE.get(value.trim().toLowerCase());
    if (parsed !== undefined) return parsed;
  }
  report('expected a boolean or the string "true" or "false"; claim dropped');
  return DROP;
}

/** SINGLE_OPTIONAL_INT, Appendix 1 (§9.1) ("whole number"); a string of digits is accepted. */
function toInteger(value: unknown, report: Report): Outcome<number> {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (/^\d+$/.test(trimmed)) {
      const parsed = Number(trimmed);
      if (Number.isSafeInteger(parsed)) return parsed;
    }
  }
  report('expected a whole number or a string of digits; claim dropped');
  return DROP;
}

/** SINGLE_OPTIONAL_STRING, Appendix 1 (§9.1). */
function toString(value: unknown, report: Report): Outcome<string> {
  if (typeof value === 'string') return value;
  report('expected a string; claim dropped');
  return DROP;
}

/**
 * Keeps the six OPTIONAL_ADDRESS fields that are strings. Other keys are not part of the schema
 * and are left out without comment; a field of the wrong type is reported (null is "no value").
 */
function pickAddress(source: Record<string, unknown>, report: Report): MojeIdAddress {
  const address: MojeIdAddress = {};
  for (const field of ADDRESS_FIELDS) {
    // Own properties only: an inherited (possibly polluted) field must not become address data.
    if (!Object.hasOwn(source, field)) continue;
    const value = source[field];
    if (typeof value === 'string') address[field] = value;
    else if (value !== null && value !== undefined) report(`address field "${field}" is not a string; field dropped`);
  }
  return address;
}

function parseJsonObject(text: string): Outcome<Record<string, unknown>> {
  try {
    const parsed: unknown = JSON.parse(text);
    return isPlainRecord(parsed) ? parsed : DROP;
  } catch {
    // The SyntaxError message quotes the input, which is personal data: never pass it on.
    return DROP;
  }
}

/**
 * OPTIONAL_ADDRESS (an object) and OPTIONAL_ADDRESS_STRING (the same object serialised as JSON),
 * Appendix 1 (§9.1). Both forms are accepted for both types, as CZ.NIC's `mojeid-connect-js`
 * does (field notes), because production does not always match the manual.
 */
function toAddress(value: unknown, report: Report): Outcome<MojeIdAddress> {
  if (typeof value === 'string') {
    const parsed = parseJsonObject(value);
    if (parsed === DROP) {
      report('expected an address object or a JSON string holding one; the string is not valid JSON or not a JSON object; claim dropped');
      return DROP;
    }
    return pickAddress(parsed, report);
  }
  if (isPlainRecord(value)) return pickAddress(value, report);
  report('expected an address object or a JSON string holding one; claim dropped');
  return DROP;
}

const CONVERTERS: { readonly [T in ClaimValueType]: (value: unknown, report: Report) => Outcome<unknown> } = {
  string: toString,
  boolean: toBoolean,
  integer: toInteger,
  address: toAddress,
  address_string: toAddress,
};

/** Own enumerable keys, or nothing if even listing them fails (e.g. a hostile Proxy). */
function safeKeys(raw: object): string[] | undefined {
  try {
    return Object.keys(raw);
  } catch {
    return undefined;
  }
}

/** Reads a property; a throwing getter counts as unreadable. */
function safeRead(raw: Record<string, unknown>, key: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: raw[key] };
  } catch {
    return { ok: false };
  }
}

/**
 * Normalises the claims of an ID token or UserInfo response.
 *
 * - Catalogued claims (Appendix 1 (§9.1) and the production extras of the field notes) get their
 *   normalised type; values that do not fit are dropped and reported in `problems`.
 * - `null` means the user withheld the claim (every Appendix 1 type is "… or null"): it is
 *   dropped without a problem.
 * - Claims outside the catalogue are passed through unchanged.
 * - Keys such as `__proto__` are skipped and reported, so the result's prototype cannot change.
 *
 * Never throws. Problem reasons never contain claim values, which are personal data.
 */
export function normaliseClaims(raw: Record<string, unknown>): NormalisationResult {
  const problems: ClaimProblem[] = [];
  const out: Record<string, unknown> = {};
  // `raw` is typed, but it comes from the network: check again at run time.
  const keys = isPlainRecord(raw) ? safeKeys(raw) : undefined;
  if (keys === undefined) {
    problems.push({ claim: '(claims)', reason: 'expected a JSON object of claims; nothing could be read' });
    problems.push({ claim: 'sub', reason: 'the subject identifier "sub" is missing' });
    return { claims: { sub: '' }, problems };
  }

  for (const key of keys) {
    if (UNSAFE_KEYS.has(key)) {
      problems.push({ claim: key, reason: 'claim name is reserved in JavaScript objects and no claim uses it; claim ignored' });
      continue;
    }
    const read = safeRead(raw, key);
    if (!read.ok) {
      problems.push({ claim: key, reason: 'value could not be read; claim dropped' });
      continue;
    }
    const value = read.value;
    // Appendix 1 (§9.1): "… or null" means withheld. `undefined` cannot come from JSON; treat alike.
    if (value === null || value === undefined) continue;

    const definition = claimDefinition(key);
    if (definition === undefined) {
      if (key !== 'sub' || typeof value === 'string') out[key] = value;
      continue;
    }
    const report: Report = (reason) => problems.push({ claim: key, reason });
    const converted = CONVERTERS[definition.type](value, report);
    if (converted !== DROP) out[key] = converted;
  }

  const sub = Object.hasOwn(out, 'sub') ? out.sub : undefined;
  if (typeof sub !== 'string' || sub === '') {
    problems.push({ claim: 'sub', reason: 'expected a non-empty string subject identifier "sub"; it is missing or of another type' });
    out.sub = '';
  }
  // Every value in `out` went through the converter of its catalogue type or is not catalogued,
  // and `sub` is a string: the shape of MojeIdClaims.
  return { claims: out as MojeIdClaims, problems };
}
