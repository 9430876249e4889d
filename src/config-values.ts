/**
 * The value checks of the configuration schema: each turns a value, given in code or parsed from a
 * `MOJEID_*` variable, into the value the configuration holds, or says what was given and what is
 * expected. One function per kind of value, so an option given either way gets the same message.
 * The text parsers here only convert (`"5"` to 5, `"true"` to true); text they cannot convert is
 * passed on unchanged, so the check reports it as given.
 */
import type { X509Certificate } from 'node:crypto';
import { readCaCertificates } from './ca-certificates.js';
import type { ClaimRequirement } from './config-options.js';
import type { AccountRequirement } from './errors.js';
import { isAddressOrRange, parseNotifyPin, type NotifyPin } from './tls/notify-settings.js';
import { checkUrl, isSafeRelativePath } from './url-checks.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };
export const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
export const bad = (message: string): Checked<never> => ({ ok: false, message });

/** A problem message (or `undefined` for none) as a check. */
export function fromProblem<T>(problem: (value: unknown) => string | undefined, convert: (value: unknown) => T): (value: unknown) => Checked<T> {
  return (value) => {
    const message = problem(value);
    return message === undefined ? ok(convert(value)) : bad(message);
  };
}

const quoted = (values: readonly string[]): string =>
  values.length === 2 ? `"${values[0]}" or "${values[1]}"` : `${values.slice(0, -1).map((v) => `"${v}"`).join(', ')} or "${values.at(-1)}"`;

// ---- Text parsers (variable text to a value of the option's type) ----

export const trimmed = (text: string): Checked<unknown> => ok(text.trim());
export const lowerCase = (text: string): Checked<unknown> => ok(text.trim().toLowerCase());

/** `"5"` to 5; anything else stays text, which the number check then reports as given. */
export const wholeNumberText = (text: string): Checked<unknown> => ok(/^[+-]?\d+$/.test(text.trim()) ? Number(text.trim()) : text);

export const booleanText = (text: string): Checked<unknown> => {
  const t = text.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(t)) return ok(true);
  if (['false', '0', 'no', 'off'].includes(t)) return ok(false);
  return ok(text);
};

/** A comma- or space-separated list. */
export const listText = (text: string): Checked<unknown> => ok(text.split(/[\s,]+/).filter(Boolean));

// ---- Value checks ----

export function oneOf<T extends string>(values: readonly T[]): (value: unknown) => Checked<T> {
  return (value) => ((values as readonly unknown[]).includes(value) ? ok(value as T) : bad(`expected ${quoted(values)}, got ${JSON.stringify(value)}`));
}

export function boolean(value: unknown): Checked<boolean> {
  return typeof value === 'boolean' ? ok(value) : bad(`expected true or false, got ${JSON.stringify(value)}`);
}

/** A whole number greater than 0; `unit` goes into the message ("of seconds"). */
export function positiveWholeNumber(unit = ''): (value: unknown) => Checked<number> {
  return (value) =>
    typeof value === 'number' && Number.isInteger(value) && value > 0
      ? ok(value)
      : bad(`expected a whole number ${unit ? `${unit} ` : ''}greater than 0, got ${JSON.stringify(value)}`);
}

export function wholeNumberAtLeastZero(expected: string): (value: unknown) => Checked<number> {
  return (value) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? ok(value) : bad(`expected ${expected}, got ${JSON.stringify(value)}`));
}

/** Any text; `secret` keeps the value out of the message. */
export function text(secret = false): (value: unknown) => Checked<string> {
  return (value) => (typeof value === 'string' ? ok(value) : bad(secret ? 'expected text' : `expected text, got ${JSON.stringify(value)}`));
}

/** An absolute https URL (http on loopback); the check keeps the URL as given (an issuer is compared as written). */
export function url(what: string, keep: 'as given' | 'href' = 'href'): (value: unknown) => Checked<string> {
  return (value) => {
    if (typeof value !== 'string') return bad(`${what} must be an absolute URL, got ${JSON.stringify(value)}`);
    const checked = checkUrl(value, what);
    if (typeof checked === 'string') return bad(checked);
    return ok(keep === 'href' ? checked.href : value);
  };
}

export function baseUrl(value: unknown): Checked<string> {
  const checked = url('the base URL')(value);
  if (!checked.ok) return checked;
  const parsed = new URL(checked.value);
  if (parsed.pathname !== '/' || parsed.search || parsed.hash) return bad(`must be an origin only (no path), got ${JSON.stringify(value)}`);
  return ok(parsed.origin);
}

export function redirectUri(value: unknown): Checked<string> {
  const checked = url('the redirect URI')(value);
  if (checked.ok && new URL(checked.value).hash) return bad('must not contain a fragment (OIDC Core §3.1.2.1)');
  return checked;
}

/** Where the routers are mounted: `/auth/mojeid`, trailing slashes dropped; `""` or `/` is the root. */
export function mountPath(value: unknown): Checked<string> {
  const path = typeof value === 'string' ? value.replace(/\/+$/, '') : undefined;
  return path !== undefined && (path === '' || isSafeRelativePath(path)) ? ok(path) : bad(`must be a path starting with "/", got ${JSON.stringify(value)}`);
}

export function sameOriginPath(value: unknown): Checked<string> {
  return typeof value === 'string' && isSafeRelativePath(value) ? ok(value) : bad(`must be a same-origin path such as "/", got ${JSON.stringify(value)}`);
}

export function filePath(value: unknown): Checked<string> {
  return typeof value === 'string' && value.trim() ? ok(value.trim()) : bad(`expected a file path, got ${JSON.stringify(value)}`);
}

/** An HTTP header name, lower-cased. */
export function headerName(example: string): (value: unknown) => Checked<string> {
  return (value) => {
    const name = typeof value === 'string' ? value.trim().toLowerCase() : '';
    return /^[a-z0-9-]+$/.test(name) ? ok(name) : bad(`expected a header name such as ${example}, got ${JSON.stringify(value)}`);
  };
}

/**
 * A list given as an array, or (where the option's type allows text) as text split at
 * `separator`; each item checked by `item`, duplicates dropped. `expected` is the message for a
 * value that is no list; `unknown` builds the message for the items that fail.
 */
export function listOf<T>(options: {
  separator?: RegExp;
  expected: string;
  item: (value: unknown) => T | undefined;
  unknown: (items: readonly unknown[]) => string;
}): (value: unknown) => Checked<T[]> {
  return (value) => {
    let items: unknown[];
    if (Array.isArray(value)) items = value;
    else if (typeof value === 'string' && options.separator) items = value.split(options.separator).map((s) => s.trim()).filter(Boolean);
    else return bad(`${options.expected}, got ${JSON.stringify(value)}`);
    const result: T[] = [];
    const failed: unknown[] = [];
    for (const raw of items) {
      const item = options.item(raw);
      if (item === undefined) failed.push(raw);
      else if (!result.includes(item)) result.push(item);
    }
    return failed.length ? bad(options.unknown(failed)) : ok(result);
  };
}

/** `validated,adult` → the requirements, each an own key of `claims` (`in` would take `valueOf` for one). */
export function accountRequirements(claims: Readonly<Record<AccountRequirement, string>>): (value: unknown) => Checked<AccountRequirement[]> {
  return listOf({
    separator: /[\s,]+/,
    expected: 'expected a list of validated, adult or nia',
    item: (v) => (typeof v === 'string' && Object.hasOwn(claims, v) ? (v as AccountRequirement) : undefined),
    unknown: (items) => `unknown requirement ${JSON.stringify(items[0])}; expected validated, adult or nia`,
  });
}

// ---- Checks of one option each ----

export const SUPPORTED_SCOPES = ['openid', 'profile', 'email', 'phone', 'address', 'openid2', 'offline_access'] as const;

export const scopeList = listOf<string>({
  separator: /[\s,]+/,
  expected: 'expected scope names such as "openid email"',
  item: (v) => (typeof v === 'string' && (SUPPORTED_SCOPES as readonly string[]).includes(v) ? v : undefined),
  unknown: (items) => `unknown scope ${items.map((s) => JSON.stringify(s)).join(', ')}; supported: ${SUPPORTED_SCOPES.join(' ')}`,
});

/** `sub` is no catalogue entry but production advertises it (claims_supported) and OIDC Core §5.5.1 lets it be requested. */
const claimName = (isClaimName: (name: string) => boolean) => (name: unknown): string | undefined =>
  typeof name === 'string' && (isClaimName(name) || name === 'sub') ? name : undefined;
const unknownClaim = (name: unknown): string => `unknown claim ${JSON.stringify(name)}; see docs/claims.md for the catalogue (Appendix 1)`;

/** Claim names to `essential` or `optional`; the names looked up in the catalogue (a Map, so `__proto__` is just unknown). */
export function claimRequirements(isClaimName: (name: string) => boolean): (value: unknown) => Checked<Record<string, ClaimRequirement>> {
  const known = claimName(isClaimName);
  return (value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return bad(`expected an object of claim names to "essential" or "optional", got ${JSON.stringify(value)}`);
    const claims: Record<string, ClaimRequirement> = {};
    for (const [name, requirement] of Object.entries(value)) {
      if (known(name) === undefined) return bad(unknownClaim(name));
      if (requirement !== 'essential' && requirement !== 'optional') return bad(`claim ${name}: expected "essential" or "optional", got ${JSON.stringify(requirement)}`);
      claims[name] = requirement;
    }
    return ok(claims);
  };
}

export function claimNames(isClaimName: (name: string) => boolean): (value: unknown) => Checked<string[]> {
  return listOf({ expected: 'expected a list of claim names, e.g. ["given_name", "family_name"]', item: claimName(isClaimName), unknown: (items) => unknownClaim(items[0]) });
}

/** `email!,given_name!,family_name` (`!` = essential, i.e. required) or a JSON object. */
export function parseClaimsText(text: string): Checked<Record<string, ClaimRequirement>> {
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

export const trustedProxies = listOf<string>({
  separator: /[\s,]+/,
  expected: 'expected IP addresses or CIDR ranges',
  item: (v) => (typeof v === 'string' && isAddressOrRange(v) ? v : undefined),
  unknown: (items) => `expected IP addresses or CIDR ranges such as 127.0.0.1 or 10.0.0.0/24, got ${items.map((p) => JSON.stringify(p)).join(', ')}`,
});

/** Pins separated by `;` (a subject pin holds commas); each parsed, the first bad one reported. */
export function notifyPins(value: unknown): Checked<NotifyPin[]> {
  const items = typeof value === 'string' ? value.split(/[;\n]+/).map((p) => p.trim()).filter(Boolean) : value;
  if (!Array.isArray(items)) return bad(`expected pins separated by ";" or a list of them, got ${JSON.stringify(value)}`);
  const pins: NotifyPin[] = [];
  for (const text of items) {
    const pin = typeof text === 'string' ? parseNotifyPin(text) : `expected text, got ${JSON.stringify(text)}`;
    if (typeof pin === 'string') return bad(pin);
    pins.push(pin);
  }
  return ok(pins);
}

export function caCertificates(value: unknown): Checked<X509Certificate[]> {
  const read = readCaCertificates(value);
  return typeof read === 'string' ? bad(read) : ok(read);
}

export function clientId(value: unknown): Checked<string> {
  return typeof value === 'string' && /^[\x21-\x7e]+$/.test(value) ? ok(value) : bad(`must be printable ASCII without spaces, got ${JSON.stringify(value)}`);
}
