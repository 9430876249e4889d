/**
 * The mojeID claims catalogue: every claim mojeID can hand over through OpenID Connect, as data.
 *
 * This file is the single source of truth for claim names, their types, the standard scope that
 * releases them and whether they need full access. The typed claim objects (`types.ts`), the
 * normaliser (`normalise.ts`) and `docs/claims.md` (`document.ts`) are all derived from it.
 *
 * Source: mojeID technical documentation 3.1.4, Appendix 1 (§9.1) "List of Data to be Handed Over
 * (OpenID Connect)", in the same order and grouping. Entries with `documented: false` are not in
 * Appendix 1: they are advertised in production discovery (`claims_supported`, October 2024) and
 * described in the project field notes.
 *
 * @module
 */

/**
 * Value type of a claim after Appendix 1 (§9.1):
 * `SINGLE_OPTIONAL_STRING` → `string`, `SINGLE_OPTIONAL_BOOLEAN` → `boolean`,
 * `SINGLE_OPTIONAL_INT` → `integer`, `OPTIONAL_ADDRESS` → `address` (an object),
 * `OPTIONAL_ADDRESS_STRING` → `address_string` (the same object serialised as a JSON string).
 * Every Appendix 1 type is "… or null".
 */
export type ClaimValueType = 'string' | 'boolean' | 'integer' | 'address' | 'address_string';

/**
 * Scope values that release claims as a group. `profile`, `email`, `phone` and `address` are the
 * standard scopes of OIDC Core §5.4; `openid2` is mojeID's migration scope (manual §5.3.2).
 */
export type StandardScope = 'openid' | 'profile' | 'email' | 'phone' | 'address' | 'openid2';

/** One row of Appendix 1 (§9.1), or one undocumented claim seen in production discovery. */
export interface ClaimDefinition {
  /** Claim identifier, e.g. `mojeid_address_def`. */
  readonly name: string;
  /** Appendix 1 English label prefixed with its group, e.g. `Home address: full address`. */
  readonly label: string;
  /** Appendix 1 group heading, e.g. `Home address`. */
  readonly group: string;
  /** Value type derived from the Appendix 1 data type (see {@link ClaimValueType}). */
  readonly type: ClaimValueType;
  /**
   * The scope that releases the claim (OIDC Core §5.4; `openid2` per manual §5.3.2). Absent for
   * `mojeid_*` claims: those are requested one by one with the `claims` parameter (manual §5.1.6).
   */
  readonly scope?: StandardScope;
  /** Appendix 1 marks the claim "Only for full access". */
  readonly fullAccessOnly: boolean;
  /** `true` if listed in Appendix 1; `false` if only seen in production discovery (field notes). */
  readonly documented: boolean;
}

/**
 * Every claim of Appendix 1 (§9.1), in its order, followed by the claims only seen in production
 * discovery (field notes). Undocumented claims get `fullAccessOnly: false` because nothing says
 * otherwise; the server decides what it releases in any case.
 */
export const CLAIM_CATALOGUE = [
  // Appendix 1 (§9.1), first row: no group heading; released by the `openid2` scope (§5.3.2).
  { name: 'openid2_id', label: 'OpenID2 identifier for migration from an older protocol', group: 'Migration', type: 'string', scope: 'openid2', fullAccessOnly: false, documented: true },

  // Appendix 1 (§9.1): Name
  { name: 'name', label: 'Name: whole name', group: 'Name', type: 'string', scope: 'profile', fullAccessOnly: false, documented: true },
  { name: 'given_name', label: 'Name: first name', group: 'Name', type: 'string', scope: 'profile', fullAccessOnly: false, documented: true },
  { name: 'family_name', label: 'Name: surname', group: 'Name', type: 'string', scope: 'profile', fullAccessOnly: false, documented: true },
  { name: 'nickname', label: 'Name: nickname', group: 'Name', type: 'string', scope: 'profile', fullAccessOnly: false, documented: true },

  // Appendix 1 (§9.1): Email
  { name: 'email', label: 'Email: main', group: 'Email', type: 'string', scope: 'email', fullAccessOnly: false, documented: true },
  { name: 'email_verified', label: 'Email: flag – email verified', group: 'Email', type: 'boolean', scope: 'email', fullAccessOnly: false, documented: true },
  { name: 'mojeid_email_notify', label: 'Email: notify', group: 'Email', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_email_next', label: 'Email: other', group: 'Email', type: 'string', fullAccessOnly: false, documented: true },

  // Appendix 1 (§9.1): Home address. The full address is a JSON string (OPTIONAL_ADDRESS_STRING).
  { name: 'mojeid_address_def', label: 'Home address: full address', group: 'Home address', type: 'address_string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_def_street', label: 'Home address: street', group: 'Home address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_def_street2', label: 'Home address: street 2', group: 'Home address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_def_street3', label: 'Home address: street 3', group: 'Home address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_def_city', label: 'Home address: city', group: 'Home address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_def_state', label: 'Home address: state', group: 'Home address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_def_postal_code', label: 'Home address: ZIP code', group: 'Home address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_def_country', label: 'Home address: country', group: 'Home address', type: 'string', fullAccessOnly: false, documented: true },

  // Appendix 1 (§9.1): Mailing address. The full address is the standard `address` claim, an
  // object (OPTIONAL_ADDRESS), released by the `address` scope.
  { name: 'address', label: 'Mailing address: full address', group: 'Mailing address', type: 'address', scope: 'address', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_mail_street', label: 'Mailing address: street', group: 'Mailing address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_mail_street2', label: 'Mailing address: street 2', group: 'Mailing address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_mail_street3', label: 'Mailing address: street 3', group: 'Mailing address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_mail_city', label: 'Mailing address: city', group: 'Mailing address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_mail_state', label: 'Mailing address: state', group: 'Mailing address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_mail_postal_code', label: 'Mailing address: ZIP code', group: 'Mailing address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_mail_country', label: 'Mailing address: country', group: 'Mailing address', type: 'string', fullAccessOnly: false, documented: true },
  // Appendix 1 (§9.1): since July 2022 new personal accounts cannot get this flag (no PIN3).
  { name: 'mojeid_address_mail_verified', label: 'Mailing address: flag – address verified', group: 'Mailing address', type: 'boolean', fullAccessOnly: true, documented: true },

  // Appendix 1 (§9.1): Billing address
  { name: 'mojeid_address_bill', label: 'Billing address: full address', group: 'Billing address', type: 'address_string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_bill_street', label: 'Billing address: street', group: 'Billing address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_bill_street2', label: 'Billing address: street 2', group: 'Billing address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_bill_street3', label: 'Billing address: street 3', group: 'Billing address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_bill_city', label: 'Billing address: city', group: 'Billing address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_bill_state', label: 'Billing address: state', group: 'Billing address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_bill_postal_code', label: 'Billing address: ZIP code', group: 'Billing address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_bill_country', label: 'Billing address: country', group: 'Billing address', type: 'string', fullAccessOnly: false, documented: true },

  // Appendix 1 (§9.1): Shipping address
  { name: 'mojeid_address_ship', label: 'Shipping address: full address', group: 'Shipping address', type: 'address_string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_ship_company_name', label: 'Shipping address: company name', group: 'Shipping address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_ship_street', label: 'Shipping address: street', group: 'Shipping address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_ship_street2', label: 'Shipping address: street 2', group: 'Shipping address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_ship_street3', label: 'Shipping address: street 3', group: 'Shipping address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_ship_city', label: 'Shipping address: city', group: 'Shipping address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_ship_state', label: 'Shipping address: state', group: 'Shipping address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_ship_postal_code', label: 'Shipping address: ZIP code', group: 'Shipping address', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_address_ship_country', label: 'Shipping address: country', group: 'Shipping address', type: 'string', fullAccessOnly: false, documented: true },

  // Appendix 1 (§9.1): Phone
  { name: 'phone_number', label: 'Phone: mobile', group: 'Phone', type: 'string', scope: 'phone', fullAccessOnly: false, documented: true },
  { name: 'phone_number_verified', label: 'Phone: flag – mobile verified', group: 'Phone', type: 'boolean', scope: 'phone', fullAccessOnly: false, documented: true },
  { name: 'mojeid_phone_mobile', label: 'Phone: other', group: 'Phone', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_phone_home', label: 'Phone: home', group: 'Phone', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_phone_office', label: 'Phone: work', group: 'Phone', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_phone_fax', label: 'Phone: fax', group: 'Phone', type: 'string', fullAccessOnly: false, documented: true },

  // Appendix 1 (§9.1): Other data
  { name: 'birthdate', label: 'Other data: date of birth', group: 'Other data', type: 'string', scope: 'profile', fullAccessOnly: false, documented: true },
  { name: 'gender', label: 'Other data: gender', group: 'Other data', type: 'string', scope: 'profile', fullAccessOnly: false, documented: true },
  { name: 'mojeid_age', label: 'Other data: age', group: 'Other data', type: 'integer', fullAccessOnly: false, documented: true },
  { name: 'mojeid_ident_card', label: 'Other data: ID number', group: 'Other data', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_ident_pass', label: 'Other data: passport number', group: 'Other data', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_ident_ssn', label: 'Other data: MPSV identifier', group: 'Other data', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_isic', label: 'Other data: ISIC card number', group: 'Other data', type: 'string', fullAccessOnly: true, documented: true },
  { name: 'mojeid_is_adult', label: 'Other data: flag – older than 18', group: 'Other data', type: 'boolean', fullAccessOnly: false, documented: true },
  { name: 'mojeid_student', label: 'Other data: flag – student', group: 'Other data', type: 'boolean', fullAccessOnly: true, documented: true },
  { name: 'mojeid_valid', label: 'Other data: flag – validation', group: 'Other data', type: 'boolean', fullAccessOnly: true, documented: true },
  { name: 'mojeid_organization', label: 'Other data: organization', group: 'Other data', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_vat', label: 'Other data: VAT (DIČ)', group: 'Other data', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_ident_vat', label: 'Other data: VAT (IČO)', group: 'Other data', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_public_pgp', label: 'Other data: public PGP key', group: 'Other data', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_bank_account', label: 'Other data: bank account', group: 'Other data', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_bank_account_iban', label: 'Other data: bank account (IBAN)', group: 'Other data', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_isds', label: 'Other data: data box', group: 'Other data', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_nia', label: 'Other data: flag – NIA', group: 'Other data', type: 'boolean', fullAccessOnly: true, documented: true },

  // Appendix 1 (§9.1): URL. `profile` and `website` are the standard OIDC Core §5.1 claims.
  { name: 'profile', label: 'URL: main', group: 'URL', type: 'string', scope: 'profile', fullAccessOnly: false, documented: true },
  { name: 'website', label: 'URL: personal', group: 'URL', type: 'string', scope: 'profile', fullAccessOnly: false, documented: true },
  { name: 'mojeid_url_blog', label: 'URL: blog', group: 'URL', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_url_office', label: 'URL: work', group: 'URL', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_url_rss', label: 'URL: RSS', group: 'URL', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_url_facebook', label: 'URL: Facebook', group: 'URL', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_url_twitter', label: 'URL: Twitter', group: 'URL', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_url_linkedin', label: 'URL: LinkedIn', group: 'URL', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_url_instagram', label: 'URL: Instagram', group: 'URL', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_url_pinterest', label: 'URL: Pinterest', group: 'URL', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_url_tumblr', label: 'URL: Tumblr', group: 'URL', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_url_wordpress', label: 'URL: WordPress', group: 'URL', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_url_foursquare', label: 'URL: Foursquare', group: 'URL', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_url_youtube', label: 'URL: YouTube', group: 'URL', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_url_blogger', label: 'URL: Blogger', group: 'URL', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_url_gravatar', label: 'URL: Gravatar', group: 'URL', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_url_about_me', label: 'URL: about_me', group: 'URL', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_url_flickr', label: 'URL: Flickr', group: 'URL', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_url_vimeo', label: 'URL: Vimeo', group: 'URL', type: 'string', fullAccessOnly: false, documented: true },

  // Appendix 1 (§9.1): IM
  { name: 'mojeid_im_icq', label: 'IM: ICQ', group: 'IM', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_im_skype', label: 'IM: Skype', group: 'IM', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_im_jabber', label: 'IM: Jabber', group: 'IM', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_im_google_talk', label: 'IM: Hangouts', group: 'IM', type: 'string', fullAccessOnly: false, documented: true },
  { name: 'mojeid_im_windows_live', label: 'IM: Windows Live', group: 'IM', type: 'string', fullAccessOnly: false, documented: true },

  // Not in Appendix 1: production discovery `claims_supported` (October 2024), field notes.
  // Second and third shipping addresses; CZ.NIC's `mojeid-connect-js` parses the full addresses
  // from JSON strings like the Appendix 1 ones, so they are `address_string` too.
  { name: 'mojeid_address_ship2', label: 'Shipping address 2: full address', group: 'Shipping address 2', type: 'address_string', fullAccessOnly: false, documented: false },
  { name: 'mojeid_address_ship2_company_name', label: 'Shipping address 2: company name', group: 'Shipping address 2', type: 'string', fullAccessOnly: false, documented: false },
  { name: 'mojeid_address_ship2_street', label: 'Shipping address 2: street', group: 'Shipping address 2', type: 'string', fullAccessOnly: false, documented: false },
  { name: 'mojeid_address_ship2_street2', label: 'Shipping address 2: street 2', group: 'Shipping address 2', type: 'string', fullAccessOnly: false, documented: false },
  { name: 'mojeid_address_ship2_street3', label: 'Shipping address 2: street 3', group: 'Shipping address 2', type: 'string', fullAccessOnly: false, documented: false },
  { name: 'mojeid_address_ship2_city', label: 'Shipping address 2: city', group: 'Shipping address 2', type: 'string', fullAccessOnly: false, documented: false },
  { name: 'mojeid_address_ship2_state', label: 'Shipping address 2: state', group: 'Shipping address 2', type: 'string', fullAccessOnly: false, documented: false },
  { name: 'mojeid_address_ship2_postal_code', label: 'Shipping address 2: ZIP code', group: 'Shipping address 2', type: 'string', fullAccessOnly: false, documented: false },
  { name: 'mojeid_address_ship2_country', label: 'Shipping address 2: country', group: 'Shipping address 2', type: 'string', fullAccessOnly: false, documented: false },
  { name: 'mojeid_address_ship3', label: 'Shipping address 3: full address', group: 'Shipping address 3', type: 'address_string', fullAccessOnly: false, documented: false },
  { name: 'mojeid_address_ship3_company_name', label: 'Shipping address 3: company name', group: 'Shipping address 3', type: 'string', fullAccessOnly: false, documented: false },
  { name: 'mojeid_address_ship3_street', label: 'Shipping address 3: street', group: 'Shipping address 3', type: 'string', fullAccessOnly: false, documented: false },
  { name: 'mojeid_address_ship3_street2', label: 'Shipping address 3: street 2', group: 'Shipping address 3', type: 'string', fullAccessOnly: false, documented: false },
  { name: 'mojeid_address_ship3_street3', label: 'Shipping address 3: street 3', group: 'Shipping address 3', type: 'string', fullAccessOnly: false, documented: false },
  { name: 'mojeid_address_ship3_city', label: 'Shipping address 3: city', group: 'Shipping address 3', type: 'string', fullAccessOnly: false, documented: false },
  { name: 'mojeid_address_ship3_state', label: 'Shipping address 3: state', group: 'Shipping address 3', type: 'string', fullAccessOnly: false, documented: false },
  { name: 'mojeid_address_ship3_postal_code', label: 'Shipping address 3: ZIP code', group: 'Shipping address 3', type: 'string', fullAccessOnly: false, documented: false },
  { name: 'mojeid_address_ship3_country', label: 'Shipping address 3: country', group: 'Shipping address 3', type: 'string', fullAccessOnly: false, documented: false },
  // The account's username and the NIA (eIDAS "substantial") pseudonym; meaning inferred from
  // the names only, unconfirmed (field notes).
  { name: 'mojeid_username', label: 'Other data: username', group: 'Other data', type: 'string', fullAccessOnly: false, documented: false },
  { name: 'mojeid_nia_substantial_pseudonym', label: 'Other data: NIA pseudonym (substantial level)', group: 'Other data', type: 'string', fullAccessOnly: false, documented: false },
  // Production advertises this misspelling and not the Appendix 1 spelling `mojeid_url_twitter`
  // (field notes), so either may arrive. Both are catalogued.
  { name: 'mojeid_url_twiter', label: 'URL: Twitter (misspelled identifier)', group: 'URL', type: 'string', fullAccessOnly: false, documented: false },
  // Standard claims of OIDC Core §5.1 that production advertises (`claims_supported`, October
  // 2024) though Appendix 1 does not list them; `preferred_username` is also in §5.1.10's own
  // UserInfo example. Released by the `profile` scope (OIDC Core §5.4); `updated_at` is a number
  // of seconds since the epoch, `picture` a URL.
  { name: 'middle_name', label: 'Name: middle name', group: 'Name', type: 'string', scope: 'profile', fullAccessOnly: false, documented: false },
  { name: 'preferred_username', label: 'Name: preferred username', group: 'Name', type: 'string', scope: 'profile', fullAccessOnly: false, documented: false },
  { name: 'picture', label: 'URL: profile picture', group: 'URL', type: 'string', scope: 'profile', fullAccessOnly: false, documented: false },
  { name: 'locale', label: 'Other data: locale', group: 'Other data', type: 'string', scope: 'profile', fullAccessOnly: false, documented: false },
  { name: 'zoneinfo', label: 'Other data: time zone', group: 'Other data', type: 'string', scope: 'profile', fullAccessOnly: false, documented: false },
  { name: 'updated_at', label: 'Other data: last update of the data (seconds since the epoch)', group: 'Other data', type: 'integer', scope: 'profile', fullAccessOnly: false, documented: false },
] as const satisfies readonly ClaimDefinition[];

/** Name of a catalogued claim (Appendix 1 (§9.1) plus the undocumented production ones). */
export type MojeIdClaimName = (typeof CLAIM_CATALOGUE)[number]['name'];

const BY_NAME: ReadonlyMap<string, ClaimDefinition> = new Map(
  CLAIM_CATALOGUE.map((definition): [string, ClaimDefinition] => [definition.name, definition]),
);

/** Names of all catalogued claims, for membership checks. */
export const CLAIM_NAMES: ReadonlySet<string> = new Set(BY_NAME.keys());

/** Whether `name` is a catalogued claim (Appendix 1 (§9.1) or seen in production discovery). */
export function isMojeIdClaimName(name: string): name is MojeIdClaimName {
  return BY_NAME.has(name);
}

/** The catalogue entry for `name`, or `undefined` for a claim mojeID does not describe. */
export function claimDefinition(name: string): ClaimDefinition | undefined {
  // A Map, not an object lookup, so names like `__proto__` or `constructor` find nothing.
  return BY_NAME.get(name);
}

/**
 * Flags behind the "accept only validated / adult / NIA-verified accounts" option. `mojeid_valid`
 * and `mojeid_nia` are "Only for full access" in Appendix 1 (§9.1); `mojeid_is_adult` is not, but
 * it is a yes/no account property of the same kind.
 */
export const FULL_ACCESS_FLAGS = ['mojeid_valid', 'mojeid_is_adult', 'mojeid_nia'] as const satisfies readonly MojeIdClaimName[];
