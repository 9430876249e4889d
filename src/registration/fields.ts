/**
 * Appendix 5 (List of Data for Registration) as data: every field the account-creation form may
 * carry, with its format and length limit. The register route validates against this table,
 * `docs/account-creation.md` shows it (`renderRegistrationFieldTable`), and the field-name type is
 * derived from it, so code, docs and types cannot drift apart.
 *
 * Invalid values are dropped, not sent: mojeID's registration server would ask the user to
 * correct them anyway (§6.2), and a value it refuses is worse than an empty field the user fills
 * in. Every dropped field is reported with a reason code (never with its value: personal data).
 */
import { ISO_3166_ALPHA2 } from './countries.js';

/**
 * - `text`: a one-line string up to `maxLength` characters;
 * - `email`: STD-EMAIL, an RFC 2822 addr-spec (max 200);
 * - `phone`: `^\+[0-9]{1,3}\.[0-9]{1,14}$`, e.g. `+420.603123456`;
 * - `country`: STD-COUNTRY, an ISO 3166-1 alpha-2 code;
 * - `date`: STD-DATE, an RFC 3339 full-date `YYYY-MM-DD`;
 * - `gender`: `M` or `F`;
 * - `username`: the mojeID username (§6.1; for the transfer variant the registry contact id).
 */
export type RegistrationFieldFormat = 'text' | 'email' | 'phone' | 'country' | 'date' | 'gender' | 'username';

export type RegistrationFieldGroup =
  | 'account'
  | 'name'
  | 'email'
  | 'address_default'
  | 'address_billing'
  | 'address_shipping'
  | 'address_mailing'
  | 'phone'
  | 'other'
  | 'url'
  | 'im';

export interface RegistrationFieldDefinition {
  /** The form field name (Appendix 5, column "Registration"). */
  readonly name: string;
  readonly group: RegistrationFieldGroup;
  /** What a person reads (the report of dropped fields). */
  readonly label: Readonly<{ cs: string; en: string }>;
  readonly format: RegistrationFieldFormat;
  /** In characters (Unicode code points), as Appendix 5 counts them. */
  readonly maxLength: number;
}

export const REGISTRATION_GROUP_LABELS: Readonly<Record<RegistrationFieldGroup, Readonly<{ cs: string; en: string }>>> = {
  account: { cs: 'Účet', en: 'Account' },
  name: { cs: 'Jméno', en: 'Name' },
  email: { cs: 'E-mail', en: 'Email' },
  address_default: { cs: 'Trvalá adresa', en: 'Home address' },
  address_billing: { cs: 'Fakturační adresa', en: 'Billing address' },
  address_shipping: { cs: 'Doručovací adresa', en: 'Shipping address' },
  address_mailing: { cs: 'Korespondenční adresa', en: 'Mailing address' },
  phone: { cs: 'Telefon', en: 'Phone' },
  other: { cs: 'Další údaje', en: 'Other data' },
  url: { cs: 'Internetové adresy', en: 'Internet addresses' },
  im: { cs: 'Komunikátory', en: 'Instant messaging' },
};

const field = (
  name: string,
  group: RegistrationFieldGroup,
  cs: string,
  en: string,
  format: RegistrationFieldFormat,
  maxLength: number,
): RegistrationFieldDefinition => Object.freeze({ name, group, label: Object.freeze({ cs, en }), format, maxLength });

/** Appendix 5 gives no length for e-mail's RFC 2822 beyond "max 200 characters". */
const EMAIL_MAX = 200;
/** E.164 allows 15 digits; the pattern allows `+` 3 digits `.` 14 digits = 19 characters. */
const PHONE_MAX = 19;

function address(kind: 'default' | 'billing' | 'shipping' | 'mailing', cs: string, en: string): RegistrationFieldDefinition[] {
  const group = `address_${kind}` as const;
  const p = `address_${kind}_`;
  return [
    ...(kind === 'shipping' ? [field(`${p}company_name`, group, `${cs}: firma`, `${en}: company`, 'text', 200)] : []),
    field(`${p}street1`, group, `${cs}: ulice`, `${en}: street`, 'text', 200),
    field(`${p}street2`, group, `${cs}: ulice 2`, `${en}: street 2`, 'text', 200),
    field(`${p}street3`, group, `${cs}: ulice 3`, `${en}: street 3`, 'text', 200),
    field(`${p}city`, group, `${cs}: obec`, `${en}: city`, 'text', 200),
    field(`${p}state`, group, `${cs}: stát / kraj`, `${en}: state`, 'text', 200),
    field(`${p}postal_code`, group, `${cs}: PSČ`, `${en}: ZIP code`, 'text', 50),
    field(`${p}country`, group, `${cs}: země`, `${en}: country`, 'country', 2),
  ];
}

const url = (name: string, label: string): RegistrationFieldDefinition =>
  field(`urladdress_${name}_url`, 'url', `Web: ${label}`, `Web: ${label}`, 'text', 255);
const im = (name: string, label: string): RegistrationFieldDefinition =>
  field(`imaccount_${name}_username`, 'im', label, label, 'text', 255);

/**
 * Appendix 5 in its order. `username` is not in Appendix 5: §6.1 names "a username" among the
 * request parameters without a format; it is checked leniently (see `username` below).
 *
 * Phones keep Appendix 5's own mapping, odd as it is: "Mobile" is `phone_default_number` and
 * "Other" is `phone_mobile_number`. Appendix 5 prints the fax pattern without the dot
 * (`^+[0-9]{1,3}[0-9]{1,14}$`); every other phone has it and the example accounts use
 * `+420.…`, so the fax is held to the same pattern.
 */
export const REGISTRATION_FIELDS: readonly RegistrationFieldDefinition[] = Object.freeze([
  field('username', 'account', 'Uživatelské jméno', 'Username', 'username', 63),
  field('first_name', 'name', 'Jméno', 'First name', 'text', 50),
  field('last_name', 'name', 'Příjmení', 'Surname', 'text', 50),
  field('email_default_email', 'email', 'E-mail: hlavní', 'Email: main', 'email', EMAIL_MAX),
  field('email_notify_email', 'email', 'E-mail: pro notifikace', 'Email: notification', 'email', EMAIL_MAX),
  field('email_next_email', 'email', 'E-mail: další', 'Email: other', 'email', EMAIL_MAX),
  ...address('default', 'Trvalá adresa', 'Home address'),
  ...address('billing', 'Fakturační adresa', 'Billing address'),
  ...address('shipping', 'Doručovací adresa', 'Shipping address'),
  ...address('mailing', 'Korespondenční adresa', 'Mailing address'),
  field('phone_default_number', 'phone', 'Telefon: mobilní', 'Phone: mobile', 'phone', PHONE_MAX),
  field('phone_office_number', 'phone', 'Telefon: do práce', 'Phone: work', 'phone', PHONE_MAX),
  field('phone_mobile_number', 'phone', 'Telefon: další', 'Phone: other', 'phone', PHONE_MAX),
  field('phone_home_number', 'phone', 'Telefon: domů', 'Phone: home', 'phone', PHONE_MAX),
  field('phone_fax_number', 'phone', 'Fax', 'Fax', 'phone', PHONE_MAX),
  field('birth_date', 'other', 'Datum narození', 'Date of birth', 'date', 10),
  field('gender', 'other', 'Pohlaví', 'Gender', 'gender', 1),
  field('id_card_num', 'other', 'Číslo občanského průkazu', 'ID number', 'text', 50),
  field('passport_num', 'other', 'Číslo pasu', 'Passport number', 'text', 50),
  field('ssn_id_num', 'other', 'Identifikátor MPSV', 'MPSV identifier', 'text', 50),
  field('card_isic', 'other', 'Číslo karty ISIC', 'ISIC card number', 'text', 50),
  field('organization', 'other', 'Název firmy', 'Company name', 'text', 200),
  field('vat_id_num', 'other', 'IČO', 'Company ID (IČO)', 'text', 50),
  field('vat_reg_num', 'other', 'DIČ', 'VAT number (DIČ)', 'text', 50),
  url('main', 'hlavní / main'),
  url('blog', 'blog'),
  url('personal', 'osobní / personal'),
  url('office', 'pracovní / work'),
  url('rss', 'RSS'),
  url('facebook', 'Facebook'),
  url('twitter', 'Twitter'),
  url('linkedin', 'LinkedIn'),
  url('instagram', 'Instagram'),
  url('pinterest', 'Pinterest'),
  url('tumblr', 'Tumblr'),
  url('wordpress', 'WordPress'),
  url('foursquare', 'Foursquare'),
  url('youtube', 'YouTube'),
  url('blogger', 'Blogger'),
  url('gravatar', 'Gravatar'),
  url('about_me', 'about.me'),
  im('icq', 'ICQ'),
  im('skype', 'Skype'),
  im('windows_live', 'Windows Live'),
  im('jabber', 'Jabber'),
  im('google_talk', 'Hangouts'),
]);

const BY_NAME: ReadonlyMap<string, RegistrationFieldDefinition> = new Map(REGISTRATION_FIELDS.map((f) => [f.name, f]));

export function registrationFieldDefinition(name: string): RegistrationFieldDefinition | undefined {
  return BY_NAME.get(name);
}

/** The data an app hands over for account creation: Appendix 5 names to values. */
export type RegistrationData = Readonly<Record<string, string | Date | null | undefined>>;

export type DroppedFieldReason =
  | 'unknown_field'
  | 'not_text'
  | 'too_long'
  | 'control_characters'
  | 'invalid_email'
  | 'invalid_phone'
  | 'invalid_country'
  | 'invalid_date'
  | 'invalid_gender'
  | 'invalid_username';

export interface DroppedField {
  readonly field: string;
  readonly reason: DroppedFieldReason;
  /** For developers and logs; names the rule, never repeats the value. */
  readonly message: string;
}

export interface RegistrationFieldsResult {
  /** What will be sent, normalised (trimmed; country and gender upper-case). */
  readonly fields: Readonly<Record<string, string>>;
  readonly dropped: readonly DroppedField[];
}

/** RFC 2822 §3.2.4 atext. */
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const DOT_ATOM = new RegExp(`^${ATEXT}+(?:\\.${ATEXT}+)*$`);
const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const PHONE = /^\+[0-9]{1,3}\.[0-9]{1,14}$/;
const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const USERNAME = /^[A-Za-z0-9](?:[A-Za-z0-9._:-]*[A-Za-z0-9])?$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * STD-EMAIL: RFC 2822 §3.4.1 addr-spec in its dot-atom form, with a domain of host-name labels
 * and at least one dot (an address mojeID can send the verification code to, §6.2). The
 * quoted-string and domain-literal forms are legal in RFC 2822 but not deliverable in practice,
 * so they are refused too. Local part at most 64 octets (RFC 5321 §4.5.3.1.1).
 */
export function isRegistrationEmail(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > 64 || !DOT_ATOM.test(local)) return false;
  const labels = domain.split('.');
  return labels.length >= 2 && labels.every((l) => HOST_LABEL.test(l)) && !/^\d+$/.test(labels[labels.length - 1] ?? '');
}

/** STD-DATE: an RFC 3339 full-date that exists in the calendar, not in the future (a birth date). */
export function isRegistrationDate(value: string, now: Date = new Date()): boolean {
  const m = FULL_DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false;
  return year >= 1900 && value <= now.toISOString().slice(0, 10);
}

// A Map, not an object: form text such as `constructor` must find nothing.
const GENDERS: ReadonlyMap<string, 'M' | 'F'> = new Map([['m', 'M'], ['f', 'F'], ['male', 'M'], ['female', 'F']]);

function drop(field: string, reason: DroppedFieldReason, message: string): DroppedField {
  return Object.freeze({ field, reason, message });
}

/** One value against its definition: the normalised value, or why it is dropped. */
function checkValue(def: RegistrationFieldDefinition, raw: string | Date, now: Date): string | DroppedField {
  let value: string;
  if (raw instanceof Date) {
    if (def.format !== 'date' || Number.isNaN(raw.getTime())) return drop(def.name, 'not_text', `${def.name}: expected text, got a Date`);
    value = raw.toISOString().slice(0, 10);
  } else {
    value = raw.trim();
  }
  if (CONTROL.test(value)) return drop(def.name, 'control_characters', `${def.name}: contains line breaks or control characters`);
  const length = [...value].length;
  // Patterned formats (phone, country, date, gender) bound their own length and say so better.
  const bounded = def.format === 'text' || def.format === 'email' || def.format === 'username';
  if (bounded && length > def.maxLength) return drop(def.name, 'too_long', `${def.name}: ${length} characters, at most ${def.maxLength} (Appendix 5)`);
  switch (def.format) {
    case 'text':
      return value;
    case 'email':
      return isRegistrationEmail(value) ? value : drop(def.name, 'invalid_email', `${def.name}: not an RFC 2822 e-mail address such as jana@example.cz (STD-EMAIL)`);
    case 'phone':
      return PHONE.test(value) ? value : drop(def.name, 'invalid_phone', `${def.name}: not in the form +420.603123456 (^\\+[0-9]{1,3}\\.[0-9]{1,14}$, Appendix 5)`);
    case 'country': {
      const code = value.toUpperCase();
      return ISO_3166_ALPHA2.has(code) ? code : drop(def.name, 'invalid_country', `${def.name}: not an ISO 3166-1 alpha-2 country code such as CZ (STD-COUNTRY)`);
    }
    case 'date':
      return isRegistrationDate(value, now) ? value : drop(def.name, 'invalid_date', `${def.name}: not a past RFC 3339 date YYYY-MM-DD (STD-DATE)`);
    case 'gender': {
      const gender = GENDERS.get(value.toLowerCase());
      return gender ?? drop(def.name, 'invalid_gender', `${def.name}: expected "M" or "F" (Appendix 5)`);
    }
    case 'username':
      // Not in Appendix 5; the username becomes part of the identity URL
      // (https://<username>.mojeid.cz/, see openid2_id) and for a transfer it is the registry's
      // contact id, so only characters those allow are let through. mojeID checks the rest.
      return USERNAME.test(value)
        ? value
        : drop(def.name, 'invalid_username', `${def.name}: letters, digits and . _ : - only, starting and ending with a letter or digit`);
  }
}

/**
 * Checks an app's data against Appendix 5: known fields with valid values are kept (normalised),
 * everything else is dropped with a reason. Empty values (`''`, `null`, `undefined`) are simply
 * absent, not dropped.
 */
export function validateRegistrationFields(data: RegistrationData, now: Date = new Date()): RegistrationFieldsResult {
  const fields: Record<string, string> = {};
  const dropped: DroppedField[] = [];
  for (const [name, raw] of Object.entries(data)) {
    if (raw === undefined || raw === null || raw === '') continue;
    const def = BY_NAME.get(name);
    if (!def) {
      dropped.push(drop(name.slice(0, 100), 'unknown_field', `${name.slice(0, 100)}: not a field of Appendix 5`));
      continue;
    }
    if (typeof raw !== 'string' && !(raw instanceof Date)) {
      dropped.push(drop(name, 'not_text', `${name}: expected text, got ${typeof raw}`));
      continue;
    }
    if (typeof raw === 'string' && raw.trim() === '') continue;
    const checked = checkValue(def, raw, now);
    if (typeof checked === 'string') fields[name] = checked;
    else dropped.push(checked);
  }
  return Object.freeze({ fields: Object.freeze(fields), dropped: Object.freeze(dropped) });
}

const FORMAT_TEXT: Readonly<Record<RegistrationFieldFormat, (max: number) => string>> = {
  text: (max) => `text, max ${max} characters`,
  email: (max) => `e-mail address (RFC 2822 dot-atom, with a dot in the domain), max ${max} characters`,
  phone: () => '`+420.603123456`: `^\\+[0-9]{1,3}\\.[0-9]{1,14}$`',
  country: () => 'ISO 3166-1 alpha-2 code (`CZ`); lower case is upper-cased',
  date: () => 'RFC 3339 date `YYYY-MM-DD`, from 1900 up to today',
  gender: () => '`M` or `F` (`male` / `female` are converted)',
  username: (max) => `letters, digits and \`. _ : -\`, max ${max} characters (not in Appendix 5; §6.1)`,
};

/** The Markdown table of docs/account-creation.md, from `REGISTRATION_FIELDS`. */
export function renderRegistrationFieldTable(): string {
  const rows = REGISTRATION_FIELDS.map(
    (f) => `| \`${f.name}\` | ${REGISTRATION_GROUP_LABELS[f.group].en} | ${f.label.en} | ${FORMAT_TEXT[f.format](f.maxLength).replace(/\|/g, '\\|')} |`,
  );
  return ['| Field | Group | Meaning | Format and limit |', '|---|---|---|---|', ...rows].join('\n');
}
