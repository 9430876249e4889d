/**
 * The simulator's mojeID accounts: the three test accounts the manual recommends (§8.1) and how
 * an account maps to its `sub`.
 *
 * Values follow Appendix 1 (§9.1) as mojeID sends them: the yes/no flags are the strings
 * "true"/"false" (Appendix 1 writes ("true"/"false") next to them), `email_verified` is a JSON
 * boolean, `mojeid_age` a number, the full addresses `mojeid_address_def`, `_bill`, `_ship` are
 * JSON strings (OPTIONAL_ADDRESS_STRING) and `address` is an object (OPTIONAL_ADDRESS). Phone
 * numbers use the `+420.123456789` format of Appendix 5, countries ISO 3166 codes (STD-COUNTRY).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { SimulatorAccount } from './types.js';

/** eIDAS levels of assurance for a NIA-paired account, §5.1.12. */
export const EIDAS_SUBSTANTIAL = 'http://eidas.europa.eu/oidc/assurance_level/substantial';
export const EIDAS_HIGH = 'http://eidas.europa.eu/oidc/assurance_level/high';

interface PostalAddress {
  street: string;
  street2?: string;
  city: string;
  postalCode: string;
  country: string;
  state?: string;
  companyName?: string;
}

/** OPTIONAL_ADDRESS object of Appendix 1 (§9.1), Listing 1. */
function addressObject(a: PostalAddress): Record<string, string> {
  const street = a.street2 ? `${a.street}\n${a.street2}` : a.street;
  return {
    formatted: `${street}\n${a.postalCode} ${a.city}\n${a.country}`,
    street_address: street,
    locality: a.city,
    ...(a.state ? { region: a.state } : {}),
    postal_code: a.postalCode,
    country: a.country,
  };
}

/**
 * A full address as mojeID hands it over for the home, billing and shipping addresses: the
 * serialised object (OPTIONAL_ADDRESS_STRING) plus the flat `_street`, `_city` … claims.
 */
function addressClaims(prefix: 'def' | 'bill' | 'ship', a: PostalAddress): Record<string, string> {
  const base = `mojeid_address_${prefix}`;
  return {
    [base]: JSON.stringify(addressObject(a)),
    [`${base}_street`]: a.street,
    ...(a.street2 ? { [`${base}_street2`]: a.street2 } : {}),
    [`${base}_city`]: a.city,
    ...(a.state ? { [`${base}_state`]: a.state } : {}),
    [`${base}_postal_code`]: a.postalCode,
    [`${base}_country`]: a.country,
    ...(prefix === 'ship' && a.companyName ? { [`${base}_company_name`]: a.companyName } : {}),
  };
}

/** The mailing address: the standard `address` object plus the flat `mojeid_address_mail_*` claims. */
function mailingAddressClaims(a: PostalAddress): Record<string, unknown> {
  return {
    address: addressObject(a),
    mojeid_address_mail_street: a.street,
    ...(a.street2 ? { mojeid_address_mail_street2: a.street2 } : {}),
    mojeid_address_mail_city: a.city,
    mojeid_address_mail_postal_code: a.postalCode,
    mojeid_address_mail_country: a.country,
  };
}

/** Age in whole years on `now`, for `mojeid_age` and `mojeid_is_adult` (Appendix 1). */
export function ageOn(birthdate: string, now: Date = new Date()): number {
  const [y, m, d] = birthdate.split('-').map(Number) as [number, number, number];
  let age = now.getUTCFullYear() - y;
  if (now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d)) age -= 1;
  return age;
}

function ageClaims(birthdate: string): Record<string, unknown> {
  const age = ageOn(birthdate);
  return { birthdate, mojeid_age: age, mojeid_is_adult: String(age >= 18) };
}

const BRNO: PostalAddress = { street: 'Kounicova 688/12', city: 'Brno', postalCode: '602 00', country: 'CZ' };
const PRAHA: PostalAddress = { street: 'Milešovská 1136/5', city: 'Praha 3', postalCode: '130 00', country: 'CZ' };
const PRAHA_WORK: PostalAddress = { street: 'Na Poříčí 1041/12', city: 'Praha 1', postalCode: '110 00', country: 'CZ' };
const OLOMOUC: PostalAddress = { street: 'Horní náměstí 583/1', city: 'Olomouc', postalCode: '779 00', country: 'CZ' };
const OLOMOUC_SHOP: PostalAddress = { ...OLOMOUC, street: 'Riegrova 384/21', street2: 'prodejna v přízemí', companyName: 'Pekárna U Horáků s.r.o.' };
const BRNO_WORK: PostalAddress = { street: 'Botanická 554/68a', city: 'Brno', postalCode: '602 00', country: 'CZ' };

/**
 * The three accounts of §8.1, one per verification type the `status` of ch. 6 distinguishes:
 * partially identified (CONDITIONALLY_IDENTIFIED), NIA-paired and validated (VALIDATED). Their
 * login methods (§4.3.1) cover the three strengths: password only (`partial`), password and
 * one-time password (`business`), password and security key (`nia-high`).
 */
export const TEST_ACCOUNTS: readonly SimulatorAccount[] = Object.freeze(([
  {
    id: 'partial',
    label: 'Petra Svobodová',
    description: 'Částečně identifikovaný účet (ověřený e-mail a telefon) / Partially identified account (verified e-mail and phone), §8.1',
    loginMethods: ['password'],
    claims: {
      sub: '248289761001',
      openid2_id: 'https://petra-svobodova.mojeid.cz/#Qm8rT2kLpA',
      name: 'Petra Svobodová',
      given_name: 'Petra',
      family_name: 'Svobodová',
      nickname: 'petra.s',
      email: 'petra.svobodova@example.cz',
      email_verified: true,
      mojeid_email_notify: 'petra.svobodova@example.cz',
      mojeid_email_next: 'p.svobodova@example.org',
      ...addressClaims('def', BRNO),
      ...mailingAddressClaims(BRNO),
      mojeid_address_mail_verified: 'false',
      ...addressClaims('bill', BRNO),
      ...addressClaims('ship', BRNO_WORK),
      phone_number: '+420.603123456',
      phone_number_verified: 'true',
      mojeid_phone_mobile: '+420.731987654',
      mojeid_phone_home: '+420.541123456',
      mojeid_phone_office: '+420.549491111',
      ...ageClaims('1999-09-23'),
      // OIDC Core §5.1 values; Appendix 1 gives no format for `gender`.
      gender: 'female',
      mojeid_ident_card: '115678901',
      mojeid_isic: 'S420123456789A',
      mojeid_student: 'true',
      mojeid_valid: 'false',
      mojeid_nia: 'false',
      profile: 'https://petra.example.cz/',
      website: 'https://petra.example.cz/',
      mojeid_url_blog: 'https://blog.petra.example.cz/',
      mojeid_url_facebook: 'https://www.facebook.com/petra.svobodova.example',
      mojeid_url_instagram: 'https://www.instagram.com/petra.svobodova.example/',
      mojeid_url_pinterest: 'https://www.pinterest.com/petrasvobodovaexample/',
      mojeid_url_tumblr: 'https://petra-svobodova-example.tumblr.com/',
      mojeid_url_wordpress: 'https://petrasvobodova.wordpress.example/',
      mojeid_url_flickr: 'https://www.flickr.com/people/petra-svobodova-example/',
      mojeid_url_vimeo: 'https://vimeo.com/petrasvobodovaexample',
      mojeid_im_jabber: 'petra.s@jabber.example.cz',
      mojeid_im_skype: 'petra.svobodova.example',
    },
  },
  {
    id: 'nia-high',
    label: 'Jan Novák',
    description: 'Účet propojený s NIA, úroveň vysoká / NIA-paired personal account, eIDAS level high, §5.1.12',
    acr: EIDAS_HIGH,
    // Test profiles at LoA high need a security key (field notes, test instance).
    loginMethods: ['password', 'security-key'],
    claims: {
      sub: '248289761002',
      openid2_id: 'https://jan-novak.mojeid.cz/#Xy3k9QpL2a',
      name: 'Jan Novák',
      given_name: 'Jan',
      family_name: 'Novák',
      nickname: 'honza',
      email: 'jan.novak@example.cz',
      email_verified: true,
      mojeid_email_notify: 'jan.novak@example.cz',
      mojeid_email_next: 'honza.novak@example.org',
      // NIA locks first name, surname, home address and date of birth (§4.5).
      ...addressClaims('def', PRAHA),
      ...mailingAddressClaims(PRAHA),
      ...addressClaims('bill', PRAHA),
      ...addressClaims('ship', PRAHA_WORK),
      // Since July 2022 new personal accounts cannot get this flag (Appendix 1).
      mojeid_address_mail_verified: 'false',
      phone_number: '+420.777123456',
      phone_number_verified: 'true',
      mojeid_phone_mobile: '+420.608765432',
      mojeid_phone_home: '+420.267123456',
      mojeid_phone_office: '+420.222745111',
      ...ageClaims('1985-06-15'),
      gender: 'male',
      mojeid_ident_card: '203456789',
      mojeid_ident_pass: '45123789',
      mojeid_ident_ssn: '8506151234',
      mojeid_student: 'false',
      // A personal account paired with NIA is VALIDATED (ch. 6 `status`).
      mojeid_valid: 'true',
      mojeid_nia: 'true',
      mojeid_bank_account: '19-2000145399/0800',
      mojeid_bank_account_iban: 'CZ6508000000192000145399',
      mojeid_isds: 'ab3cd4e',
      mojeid_public_pgp: '-----BEGIN PGP PUBLIC KEY BLOCK-----\n(test key of Jan Novák)\n-----END PGP PUBLIC KEY BLOCK-----',
      profile: 'https://jan-novak.example.cz/',
      website: 'https://jan-novak.example.cz/',
      mojeid_url_blog: 'https://blog.jan-novak.example.cz/',
      mojeid_url_office: 'https://urad.example.cz/jan-novak',
      mojeid_url_rss: 'https://jan-novak.example.cz/rss.xml',
      mojeid_url_facebook: 'https://www.facebook.com/jan.novak.example',
      mojeid_url_twitter: 'https://twitter.com/jannovak_example',
      mojeid_url_linkedin: 'https://www.linkedin.com/in/jan-novak-example',
      mojeid_url_youtube: 'https://www.youtube.com/@jan-novak-example',
      mojeid_url_blogger: 'https://jan-novak-example.blogspot.com/',
      mojeid_url_gravatar: 'https://gravatar.com/jannovakexample',
      mojeid_url_about_me: 'https://about.me/jan.novak.example',
      mojeid_url_foursquare: 'https://foursquare.com/jannovakexample',
      mojeid_im_skype: 'jan.novak.example',
      mojeid_im_icq: '123456789',
      mojeid_im_jabber: 'jan.novak@jabber.example.cz',
      mojeid_im_google_talk: 'jan.novak.example@gmail.example.com',
      mojeid_im_windows_live: 'jan.novak.example@outlook.example.com',
    },
  },
  {
    id: 'business',
    label: 'Marie Horáková (Pekárna U Horáků s.r.o.)',
    description: 'Validovaný účet podnikatele / Validated business account, §8.1',
    loginMethods: ['password', 'otp'],
    claims: {
      sub: '248289761003',
      openid2_id: 'https://pekarna-u-horaku.mojeid.cz/#Bz7wN4sRtE',
      name: 'Marie Horáková',
      given_name: 'Marie',
      family_name: 'Horáková',
      nickname: 'pekarka',
      email: 'marie.horakova@pekarna-u-horaku.example.cz',
      email_verified: true,
      mojeid_email_notify: 'objednavky@pekarna-u-horaku.example.cz',
      mojeid_email_next: 'ucetni@pekarna-u-horaku.example.cz',
      ...addressClaims('def', OLOMOUC),
      ...mailingAddressClaims(OLOMOUC),
      // Accounts with Organization filled can still be verified with PIN3 (ch. 6).
      mojeid_address_mail_verified: 'true',
      ...addressClaims('bill', OLOMOUC),
      ...addressClaims('ship', OLOMOUC_SHOP),
      phone_number: '+420.585123456',
      phone_number_verified: 'true',
      mojeid_phone_mobile: '+420.724555666',
      mojeid_phone_office: '+420.585123457',
      mojeid_phone_fax: '+420.585123458',
      ...ageClaims('1978-02-03'),
      gender: 'female',
      mojeid_organization: 'Pekárna U Horáků s.r.o.',
      mojeid_ident_vat: '27074358',
      mojeid_vat: 'CZ27074358',
      mojeid_student: 'false',
      mojeid_valid: 'true',
      // NIA pairing is impossible when Organization is filled (§4.5).
      mojeid_nia: 'false',
      mojeid_bank_account: '2400123456/2010',
      mojeid_bank_account_iban: 'CZ6020100000002400123456',
      mojeid_isds: 'x7y8z9w',
      profile: 'https://pekarna-u-horaku.example.cz/',
      website: 'https://pekarna-u-horaku.example.cz/',
      mojeid_url_office: 'https://pekarna-u-horaku.example.cz/kontakt',
      mojeid_url_rss: 'https://pekarna-u-horaku.example.cz/novinky.rss',
      mojeid_url_facebook: 'https://www.facebook.com/pekarna.u.horaku.example',
      mojeid_url_twitter: 'https://twitter.com/pekarna_example',
      mojeid_url_linkedin: 'https://www.linkedin.com/company/pekarna-u-horaku-example',
      mojeid_url_instagram: 'https://www.instagram.com/pekarna.u.horaku.example/',
      mojeid_url_youtube: 'https://www.youtube.com/@pekarna-u-horaku-example',
      mojeid_im_skype: 'pekarna.u.horaku.example',
    },
  },
] satisfies SimulatorAccount[]).map((account): SimulatorAccount => Object.freeze({ ...account, loginMethods: Object.freeze([...account.loginMethods]) })));

const SUB_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The account's `sub`: `claims.sub` when it is a string, else 12 characters derived from `id`. */
export function subOf(account: SimulatorAccount): string {
  const given = account.claims['sub'];
  if (typeof given === 'string' && given.length > 0) return given;
  const digest = createHash('sha256').update(`mojeid-simulator:${account.id}`).digest();
  let sub = '';
  for (let i = 0; i < 12; i += 1) sub += SUB_ALPHABET[(digest[i] ?? 0) % SUB_ALPHABET.length];
  return sub;
}

/** Lookup of accounts by login-form id and by `sub`. */
export class AccountDirectory {
  readonly #byId = new Map<string, SimulatorAccount>();
  readonly #bySub = new Map<string, SimulatorAccount>();
  readonly #list: SimulatorAccount[] = [];

  constructor(accounts: readonly SimulatorAccount[]) {
    for (const account of accounts) this.add(account);
  }

  /** Every account, in the order added (the login page lists them). */
  get accounts(): readonly SimulatorAccount[] {
    return this.#list;
  }

  /** Adds an account: the given ones at start, and those created through registration (ch. 6). */
  add(account: SimulatorAccount): void {
    const sub = subOf(account);
    if (this.#byId.has(account.id)) throw new TypeError(`two simulator accounts have the id "${account.id}"`);
    if (this.#bySub.has(sub)) throw new TypeError(`two simulator accounts have the sub "${sub}"`);
    this.#byId.set(account.id, account);
    this.#bySub.set(sub, account);
    this.#list.push(account);
  }

  /**
   * A copy of the account with changed claims (`null` removes one) takes its place; the shared
   * TEST_ACCOUNTS objects stay as they are. The `sub` cannot change: grants are kept by it.
   */
  updateClaims(id: string, changes: Readonly<Record<string, unknown>>): void {
    const account = this.#byId.get(id);
    if (!account) throw new TypeError(`no simulator account has the id "${id}"`);
    if (Object.hasOwn(changes, 'sub')) throw new TypeError('the sub of a simulator account cannot change');
    const claims: Record<string, unknown> = { ...account.claims };
    for (const [name, value] of Object.entries(changes)) {
      if (name === '__proto__' || name === 'constructor' || name === 'prototype') continue;
      if (value === null) delete claims[name];
      else claims[name] = value;
    }
    const updated: SimulatorAccount = Object.freeze({ ...account, claims });
    this.#byId.set(id, updated);
    this.#bySub.set(subOf(account), updated);
    this.#list[this.#list.indexOf(account)] = updated;
  }

  byId(id: string): SimulatorAccount | undefined {
    return this.#byId.get(id);
  }

  bySub(sub: string): SimulatorAccount | undefined {
    return this.#bySub.get(sub);
  }
}
