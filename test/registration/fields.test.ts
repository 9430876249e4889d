/** Appendix 5 as data, and the validation the register route applies to an app's data. */
import { REGISTRATION_FIELDS, isRegistrationDate, isRegistrationEmail, validateRegistrationFields } from '../../src/registration/fields.js';
import { ISO_3166_ALPHA2 } from '../../src/registration/countries.js';
import { MemoryRegistrationStore } from '../../src/registration/store.js';

const NOW = new Date('2026-03-01T12:00:00Z');

describe('the Appendix 5 table', () => {
  it('lists every registration field of Appendix 5 once, plus the username of §6.1', () => {
    const names = REGISTRATION_FIELDS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    // 2 names + 3 e-mails + 4 addresses (7 fields, shipping 8) + 5 phones + 9 other + 17 URLs + 5 IM, + username
    expect(names).toHaveLength(1 + 2 + 3 + 29 + 5 + 9 + 17 + 5);
    for (const name of ['first_name', 'email_notify_email', 'address_shipping_company_name', 'address_mailing_country', 'phone_fax_number', 'vat_reg_num', 'urladdress_about_me_url', 'imaccount_google_talk_username']) {
      expect(names).toContain(name);
    }
  });

  it('has the limits of Appendix 5', () => {
    const limit = (name: string): number | undefined => REGISTRATION_FIELDS.find((f) => f.name === name)?.maxLength;
    expect(limit('first_name')).toBe(50);
    expect(limit('email_default_email')).toBe(200);
    expect(limit('address_billing_street3')).toBe(200);
    expect(limit('address_default_postal_code')).toBe(50);
    expect(limit('organization')).toBe(200);
    expect(limit('urladdress_blog_url')).toBe(255);
    expect(limit('imaccount_skype_username')).toBe(255);
  });

  it('knows the 249 ISO 3166-1 alpha-2 codes', () => {
    expect(ISO_3166_ALPHA2.size).toBe(249);
    expect(ISO_3166_ALPHA2.has('CZ')).toBe(true);
    expect(ISO_3166_ALPHA2.has('XK')).toBe(false);
  });
});

describe('validateRegistrationFields', () => {
  it('keeps valid values, trimmed and normalised', () => {
    const { fields, dropped } = validateRegistrationFields(
      {
        first_name: '  Jana ',
        last_name: 'Nováková',
        email_default_email: 'jana.novakova+shop@example.cz',
        phone_default_number: '+420.603123456',
        address_default_country: 'cz',
        birth_date: '1990-02-28',
        gender: 'female',
        username: 'jana-novakova',
        urladdress_main_url: 'https://jana.example.cz/',
      },
      NOW,
    );
    expect(dropped).toEqual([]);
    expect(fields).toEqual({
      first_name: 'Jana',
      last_name: 'Nováková',
      email_default_email: 'jana.novakova+shop@example.cz',
      phone_default_number: '+420.603123456',
      address_default_country: 'CZ',
      birth_date: '1990-02-28',
      gender: 'F',
      username: 'jana-novakova',
      urladdress_main_url: 'https://jana.example.cz/',
    });
  });

  it('drops invalid values with a reason each, never with the value', () => {
    const { fields, dropped } = validateRegistrationFields(
      {
        first_name: 'x'.repeat(51),
        email_default_email: 'not-an-address',
        phone_default_number: '+420 603 123 456',
        address_default_country: 'Czechia',
        birth_date: '1990-02-30',
        gender: 'X',
        last_name: 'Line\nbreak',
        shoe_size: '44',
        username: '-bad-',
      },
      NOW,
    );
    expect(fields).toEqual({});
    expect(Object.fromEntries(dropped.map((d) => [d.field, d.reason]))).toEqual({
      first_name: 'too_long',
      email_default_email: 'invalid_email',
      phone_default_number: 'invalid_phone',
      address_default_country: 'invalid_country',
      birth_date: 'invalid_date',
      gender: 'invalid_gender',
      last_name: 'control_characters',
      shoe_size: 'unknown_field',
      username: 'invalid_username',
    });
    for (const d of dropped) {
      expect(d.message).not.toContain('not-an-address');
      expect(d.message).not.toContain('Czechia');
    }
  });

  it.each(['constructor', 'toString', '__proto__', 'valueOf'])('reports gender=%s as invalid_gender, not as an inherited property', (gender) => {
    const { fields, dropped } = validateRegistrationFields({ gender }, NOW);
    expect(fields).toEqual({});
    expect(dropped.map((d) => [d.field, d.reason])).toEqual([['gender', 'invalid_gender']]);
  });

  it('counts characters, not bytes (Appendix 5 "max 50 characters")', () => {
    expect(validateRegistrationFields({ first_name: 'ř'.repeat(50) }).dropped).toEqual([]);
    expect(validateRegistrationFields({ first_name: 'ř'.repeat(51) }).dropped[0]?.reason).toBe('too_long');
  });

  it('treats empty values as absent, and non-text as dropped', () => {
    const result = validateRegistrationFields({ first_name: '', last_name: null, organization: undefined, birth_date: new Date('1985-06-15T00:00:00Z'), id_card_num: 12 as unknown as string });
    expect(result.fields).toEqual({ birth_date: '1985-06-15' });
    expect(result.dropped).toEqual([expect.objectContaining({ field: 'id_card_num', reason: 'not_text' })]);
  });

  it.each([
    ['jana@example.cz', true],
    ["o'neil.j@mail.example.co.uk", true],
    ['"quoted"@example.cz', false],
    ['jana@localhost', false],
    ['jana@[127.0.0.1]', false],
    ['jana..x@example.cz', false],
    ['jana@-example.cz', false],
    ['jana@example.123', false],
    [`${'a'.repeat(65)}@example.cz`, false],
  ])('e-mail %s is %s (RFC 2822 dot-atom, deliverable)', (email, valid) => {
    expect(isRegistrationEmail(email)).toBe(valid);
  });

  it.each([
    ['2000-02-29', true],
    ['1900-01-01', true],
    ['2026-03-01', true],
    ['2026-03-02', false],
    ['1899-12-31', false],
    ['2001-02-29', false],
    ['2000-13-01', false],
    ['20000101', false],
  ])('date %s is %s (RFC 3339 full-date, not in the future)', (date, valid) => {
    expect(isRegistrationDate(date, NOW)).toBe(valid);
  });

  it('holds the fax to the same pattern as the other phones', () => {
    expect(validateRegistrationFields({ phone_fax_number: '+420.541123456' }).dropped).toEqual([]);
    expect(validateRegistrationFields({ phone_fax_number: '+420541123456' }).dropped[0]?.reason).toBe('invalid_phone');
  });
});

describe('MemoryRegistrationStore', () => {
  const registration = (nonce: string, expiresAt: number) => ({ registrationNonce: nonce, localUser: 'u', variant: 'registration' as const, createdAt: 0, expiresAt });

  it('gives a nonce to exactly one of many concurrent consumers', async () => {
    const store = new MemoryRegistrationStore();
    await store.save(registration('n1', Date.now() + 60_000));
    const results = await Promise.all(Array.from({ length: 20 }, () => store.consume('n1')));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('forgets expired nonces', async () => {
    let now = 1000;
    const store = new MemoryRegistrationStore({ now: () => now });
    await store.save(registration('n1', 2000));
    now = 2000;
    expect(await store.consume('n1')).toBeUndefined();
  });

  it('is bounded: when full, new users are refused and nobody’s entry is dropped (memory-store.test.ts)', async () => {
    const store = new MemoryRegistrationStore({ maxEntries: 3 });
    for (const n of ['a', 'b', 'c']) await store.save({ ...registration(n, Date.now() + 60_000), localUser: `user-${n}` });
    await expect(store.save({ ...registration('d', Date.now() + 60_000), localUser: 'user-d' })).rejects.toMatchObject({ code: 'registration_unavailable' });
    expect(store.size).toBe(3);
    expect(await store.consume('a')).toBeDefined();
    expect(await store.consume('d')).toBeUndefined();
  });

  it('records deliveries once until they expire or are forgotten', async () => {
    let now = 0;
    const store = new MemoryRegistrationStore({ now: () => now });
    expect(await store.markDelivered('k', 10)).toBe(true);
    expect(await store.markDelivered('k', 10)).toBe(false);
    await store.forgetDelivered('k');
    expect(await store.markDelivered('k', 10)).toBe(true);
    now = 10_000;
    expect(await store.markDelivered('k', 10)).toBe(true);
  });
});
