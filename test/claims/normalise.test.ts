import { CLAIM_CATALOGUE, type ClaimDefinition, type ClaimValueType, normaliseClaims } from '../../src/claims/index.js';

const catalogue: readonly ClaimDefinition[] = CLAIM_CATALOGUE;
const namesOfType = (type: ClaimValueType): string[] => catalogue.filter((c) => c.type === type).map((c) => c.name);

/** Normalises `{ sub, ...claims }` so tests only list what they are about. */
const normalise = (claims: Record<string, unknown>) => normaliseClaims({ sub: 'subject-1', ...claims });

describe('normaliseClaims: flags (SINGLE_OPTIONAL_BOOLEAN)', () => {
  it('turns the string "false" into false for mojeid_valid', () => {
    expect(normalise({ mojeid_valid: 'false' })).toEqual({ claims: { sub: 'subject-1', mojeid_valid: false }, problems: [] });
  });

  it('turns the string "true" into true for mojeid_is_adult', () => {
    expect(normalise({ mojeid_is_adult: 'true' }).claims.mojeid_is_adult).toBe(true);
  });

  it('ignores case and surrounding spaces: " TRUE " and "False\\n"', () => {
    const { claims, problems } = normalise({ email_verified: ' TRUE ', phone_number_verified: 'False\n' });
    expect(claims).toEqual({ sub: 'subject-1', email_verified: true, phone_number_verified: false });
    expect(problems).toEqual([]);
  });

  it('keeps real booleans for every boolean claim of the catalogue', () => {
    for (const name of namesOfType('boolean')) {
      expect(normalise({ [name]: true }).claims[name]).toBe(true);
      expect(normalise({ [name]: false }).claims[name]).toBe(false);
      expect(normalise({ [name]: 'false' }).claims[name]).toBe(false);
    }
  });

  it.each([['yes'], ['1'], ['0'], [''], [1], [0], [{}], [['true']]])('drops %j from mojeid_nia and reports that a boolean was expected', (value) => {
    const { claims, problems } = normalise({ mojeid_nia: value });
    expect(claims).toEqual({ sub: 'subject-1' });
    expect(problems).toEqual([{ claim: 'mojeid_nia', reason: expect.stringContaining('expected a boolean') }]);
  });
});

describe('normaliseClaims: whole numbers (SINGLE_OPTIONAL_INT)', () => {
  it('keeps the number 42 for mojeid_age', () => {
    expect(normalise({ mojeid_age: 42 })).toEqual({ claims: { sub: 'subject-1', mojeid_age: 42 }, problems: [] });
  });

  it('turns the string "18" (spaces around allowed) into the number 18', () => {
    expect(normalise({ mojeid_age: '18' }).claims.mojeid_age).toBe(18);
    expect(normalise({ mojeid_age: ' 18 ' }).claims.mojeid_age).toBe(18);
  });

  it.each([[4.5], ['4.5'], ['-3'], ['1e3'], ['0x10'], [''], ['12 years'], [Number.NaN], [Number.POSITIVE_INFINITY], [2 ** 60], ['99999999999999999999'], [true], [[18]]])(
    'drops %p from mojeid_age and reports that a whole number was expected',
    (value) => {
      const { claims, problems } = normalise({ mojeid_age: value });
      expect(claims).toEqual({ sub: 'subject-1' });
      expect(problems).toEqual([{ claim: 'mojeid_age', reason: expect.stringContaining('expected a whole number') }]);
    },
  );
});

describe('normaliseClaims: full addresses sent as JSON strings (OPTIONAL_ADDRESS_STRING)', () => {
  const full = {
    formatted: 'Sunny 5, Prague', street_address: 'Sunny 5', locality: 'Prague', region: 'Praha', postal_code: '11000', country: 'CZ',
  };

  it('parses the JSON string of every address_string claim (def, bill, ship, ship2, ship3) into an object', () => {
    expect(namesOfType('address_string').sort()).toEqual(
      ['mojeid_address_bill', 'mojeid_address_def', 'mojeid_address_ship', 'mojeid_address_ship2', 'mojeid_address_ship3'],
    );
    for (const name of namesOfType('address_string')) {
      expect(normalise({ [name]: JSON.stringify(full) })).toEqual({ claims: { sub: 'subject-1', [name]: full }, problems: [] });
    }
  });

  it('parses the Appendix 1 example "{\\"formatted\\": \\"Sunny 5, Prague\\"}"', () => {
    expect(normalise({ mojeid_address_def: '{"formatted": "Sunny 5, Prague"}' }).claims.mojeid_address_def).toEqual({ formatted: 'Sunny 5, Prague' });
  });

  it('keeps only the six address fields and drops unknown keys silently', () => {
    const { claims, problems } = normalise({ mojeid_address_bill: JSON.stringify({ locality: 'Brno', extra: 'x', nested: { a: 1 } }) });
    expect(claims.mojeid_address_bill).toEqual({ locality: 'Brno' });
    expect(problems).toEqual([]);
  });

  it('drops a null address field silently but reports a field of another type', () => {
    const { claims, problems } = normalise({ mojeid_address_ship: JSON.stringify({ locality: null, postal_code: 11000, country: 'CZ' }) });
    expect(claims.mojeid_address_ship).toEqual({ country: 'CZ' });
    expect(problems).toEqual([{ claim: 'mojeid_address_ship', reason: expect.stringContaining('"postal_code" is not a string') }]);
  });

  it('accepts an address object too, as CZ.NIC\'s mojeid-connect-js does', () => {
    expect(normalise({ mojeid_address_def: { ...full, extra: true } })).toEqual({ claims: { sub: 'subject-1', mojeid_address_def: full }, problems: [] });
  });

  it.each([['not json'], ['{"formatted": '], [''], ['[]'], ['"Sunny 5"'], ['42'], ['null'], [42], [true], [['{}']]])(
    'drops %p from mojeid_address_def and reports it',
    (value) => {
      const { claims, problems } = normalise({ mojeid_address_def: value });
      expect(claims).toEqual({ sub: 'subject-1' });
      expect(problems).toEqual([{ claim: 'mojeid_address_def', reason: expect.stringContaining('claim dropped') }]);
    },
  );

  it('does not let "__proto__" inside the JSON reach the address or Object.prototype', () => {
    const { claims } = normalise({ mojeid_address_def: '{"__proto__": {"polluted": "yes", "formatted": "evil"}, "locality": "Praha"}' });
    expect(claims.mojeid_address_def).toEqual({ locality: 'Praha' });
    expect(Object.getPrototypeOf(claims.mojeid_address_def)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('normaliseClaims: the standard address claim (OPTIONAL_ADDRESS)', () => {
  it('keeps the six fields of the address object', () => {
    const address = { formatted: 'Sunny 5, Prague', country: 'CZ' };
    expect(normalise({ address })).toEqual({ claims: { sub: 'subject-1', address }, problems: [] });
  });

  it('returns a copy, not the object that was sent', () => {
    const address = { locality: 'Prague' };
    expect(normalise({ address }).claims.address).not.toBe(address);
  });

  it('accepts the same object sent as a JSON string', () => {
    expect(normalise({ address: '{"locality": "Prague", "junk": 1}' }).claims.address).toEqual({ locality: 'Prague' });
  });

  it.each([[[]], [7], ['Prague'], [false]])('drops %p and reports that an address was expected', (value) => {
    const { claims, problems } = normalise({ address: value });
    expect(claims).toEqual({ sub: 'subject-1' });
    expect(problems).toEqual([{ claim: 'address', reason: expect.stringContaining('expected an address object') }]);
  });
});

describe('normaliseClaims: strings (SINGLE_OPTIONAL_STRING)', () => {
  it('keeps strings as they are, the empty string included', () => {
    expect(normalise({ email: 'jan@example.cz', nickname: '', mojeid_url_twiter: 'https://x.com/jan' })).toEqual({
      claims: { sub: 'subject-1', email: 'jan@example.cz', nickname: '', mojeid_url_twiter: 'https://x.com/jan' },
      problems: [],
    });
  });

  it.each([[42], [true], [{ first: 'Jan' }], [['Jan']]])('drops %p from given_name and reports that a string was expected', (value) => {
    const { claims, problems } = normalise({ given_name: value });
    expect(claims).toEqual({ sub: 'subject-1' });
    expect(problems).toEqual([{ claim: 'given_name', reason: expect.stringContaining('expected a string') }]);
  });
});

describe('normaliseClaims: withheld claims (null)', () => {
  it('drops null silently for every claim of the catalogue (Appendix 1 types are "or null")', () => {
    const allNull = Object.fromEntries(catalogue.map((c) => [c.name, null]));
    expect(normalise(allNull)).toEqual({ claims: { sub: 'subject-1' }, problems: [] });
  });

  it('drops null silently for claims outside the catalogue too', () => {
    expect(normalise({ locale: null })).toEqual({ claims: { sub: 'subject-1' }, problems: [] });
  });
});

describe('normaliseClaims: claims outside the catalogue', () => {
  it('passes them through unchanged, objects by reference', () => {
    const custom = { nested: [1, 2] };
    const { claims, problems } = normalise({ locale: 'cs', updated_at: 1700000000, custom, aud: ['a', 'b'] });
    expect(claims).toEqual({ sub: 'subject-1', locale: 'cs', updated_at: 1700000000, custom, aud: ['a', 'b'] });
    expect(claims.custom).toBe(custom);
    expect(problems).toEqual([]);
  });
});

describe('normaliseClaims: the subject identifier', () => {
  it('keeps sub', () => {
    expect(normaliseClaims({ sub: 'abc' })).toEqual({ claims: { sub: 'abc' }, problems: [] });
  });

  it.each([[{}], [{ sub: null }], [{ sub: 42 }], [{ sub: '' }], [{ sub: ['abc'] }]])('sets sub to "" and reports it for %p', (raw) => {
    const { claims, problems } = normaliseClaims(raw);
    expect(claims.sub).toBe('');
    expect(problems).toContainEqual({ claim: 'sub', reason: expect.stringContaining('non-empty string') });
  });
});

describe('normaliseClaims: hostile input', () => {
  it('skips a "__proto__" claim so it cannot change the prototype of the result', () => {
    const raw = JSON.parse('{"sub": "s", "__proto__": {"polluted": "yes", "mojeid_valid": true}, "email": "a@b.cz"}') as Record<string, unknown>;
    const { claims, problems } = normaliseClaims(raw);
    expect(Object.getPrototypeOf(claims)).toBe(Object.prototype);
    expect(claims).toEqual({ sub: 's', email: 'a@b.cz' });
    expect(claims.polluted).toBeUndefined();
    expect(claims.mojeid_valid).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(problems).toEqual([{ claim: '__proto__', reason: expect.stringContaining('ignored') }]);
  });

  it('skips "constructor" and "prototype" claims', () => {
    const { claims, problems } = normaliseClaims({ sub: 's', constructor: 'x', prototype: 'y' });
    expect(Object.hasOwn(claims, 'constructor')).toBe(false);
    expect(Object.hasOwn(claims, 'prototype')).toBe(false);
    expect(problems.map((p) => p.claim)).toEqual(['constructor', 'prototype']);
  });

  it('ignores inherited properties: only own claims are read', () => {
    const raw = Object.create({ mojeid_valid: true }) as Record<string, unknown>;
    raw.sub = 's';
    expect(normaliseClaims(raw).claims).toEqual({ sub: 's' });
  });

  it.each([[null], [undefined], [[]], [['sub']], ['{"sub":"s"}'], [42], [true]])('does not throw for %p and reports that an object was expected', (raw) => {
    const result = normaliseClaims(raw as unknown as Record<string, unknown>);
    expect(result.claims).toEqual({ sub: '' });
    expect(result.problems).toContainEqual({ claim: '(claims)', reason: expect.stringContaining('expected a JSON object') });
  });

  it('does not throw on a getter that throws, and drops that claim', () => {
    const raw: Record<string, unknown> = { sub: 's' };
    Object.defineProperty(raw, 'email', { enumerable: true, get: () => { throw new Error('boom'); } });
    expect(normaliseClaims(raw)).toEqual({ claims: { sub: 's' }, problems: [{ claim: 'email', reason: expect.stringContaining('could not be read') }] });
  });

  it('does not throw on a Proxy whose key listing throws', () => {
    const raw = new Proxy({}, { ownKeys: () => { throw new Error('boom'); } }) as Record<string, unknown>;
    expect(() => normaliseClaims(raw)).not.toThrow();
    expect(normaliseClaims(raw).claims).toEqual({ sub: '' });
  });
});

describe('normaliseClaims: problems never contain values (they are personal data)', () => {
  it('names the claim and the expected kind, never the value, for every kind of rejection', () => {
    const secret = 'Secret-Novak-775';
    const raw: Record<string, unknown> = {
      sub: 42,
      mojeid_valid: secret,
      mojeid_age: `${secret}1`,
      mojeid_address_def: `{"formatted": "${secret}"`, // invalid JSON: V8's SyntaxError would quote it
      mojeid_address_bill: JSON.stringify({ postal_code: 775775775, formatted: secret }),
      address: secret,
      given_name: { secret },
    };
    const { problems } = normaliseClaims(raw);
    expect(problems.map((p) => p.claim).sort()).toEqual(
      ['address', 'given_name', 'mojeid_address_bill', 'mojeid_address_def', 'mojeid_age', 'mojeid_valid', 'sub'],
    );
    const text = JSON.stringify(problems);
    expect(text).not.toContain('Secret');
    expect(text).not.toContain('Novak');
    expect(text).not.toContain('775');
    expect(text).not.toContain('42');
  });
});

// ---- generated inputs -----------------------------------------------------------------------

/** mulberry32: a tiny deterministic PRNG, so failures can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MARKER = 'PIIMARK';

function generator(seed: number) {
  const random = prng(seed);
  const int = (n: number): number => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  // Every generated string carries the marker, so a leak into `problems` is detectable.
  const text = (): string => `${MARKER}${pick(['', ' ', 'true', 'FALSE', '17', '{', '"', '\\', '\u0000', 'ž', '__proto__'])}${int(1000)}`;

  const value = (depth: number): unknown => {
    switch (int(depth > 2 ? 14 : 17)) {
      case 0: return null;
      case 1: return undefined;
      case 2: return random() < 0.5;
      case 3: return pick(['true', 'false', ' True ', 'TRUE', 'yes', '']);
      case 4: return int(200) - 50;
      case 5: return pick([Number.NaN, Number.POSITIVE_INFINITY, -0, 1.5, 2 ** 60, Number.MAX_SAFE_INTEGER]);
      case 6: return String(int(120));
      case 7: return text();
      case 8: return JSON.stringify({ formatted: text(), locality: text(), postal_code: int(99999) });
      case 9: return `{"formatted": "${text()}"`;
      case 10: return pick(['[]', 'null', '{}', '"x"', '{"__proto__": {"polluted": 1}}']);
      case 11: return BigInt(int(1000));
      case 12: return Symbol(text());
      case 13: return () => text();
      case 14: return Array.from({ length: int(4) }, () => value(depth + 1));
      case 15: return Object.fromEntries(Array.from({ length: int(5) }, () => [pick(['formatted', 'country', '__proto__', text()]), value(depth + 1)]));
      default: return new Date(0);
    }
  };

  const keys = [...catalogue.map((c) => c.name), 'sub', 'locale', '__proto__', 'constructor', 'toString'];
  const input = (): unknown => {
    if (random() < 0.03) return value(0); // not even an object
    const raw: Record<string, unknown> = {};
    const count = int(12);
    for (let i = 0; i < count; i += 1) {
      const key = random() < 0.9 ? pick(keys) : text();
      // defineProperty creates an own "__proto__" key, as JSON.parse does.
      Object.defineProperty(raw, key, { value: value(0), enumerable: true, configurable: true, writable: true });
    }
    return raw;
  };
  return input;
}

/** What a normalised value of each type must look like. */
const fitsType: { [T in ClaimValueType]: (value: unknown) => boolean } = {
  string: (v) => typeof v === 'string',
  boolean: (v) => typeof v === 'boolean',
  integer: (v) => typeof v === 'number' && Number.isSafeInteger(v),
  address: (v) => isAddress(v),
  address_string: (v) => isAddress(v),
};
function isAddress(value: unknown): boolean {
  const fields = ['formatted', 'street_address', 'locality', 'region', 'postal_code', 'country'];
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    && Object.entries(value).every(([k, v]) => fields.includes(k) && typeof v === 'string');
}

describe('normaliseClaims on 500 generated inputs (seeded, replayable)', () => {
  const input = generator(20241001);
  const cases = Array.from({ length: 500 }, (_, i) => ({ i, raw: input() }));

  it('never throws', () => {
    for (const { i, raw } of cases) {
      expect({ i, threw: (() => { try { normaliseClaims(raw as Record<string, unknown>); return false; } catch { return true; } })() }).toEqual({ i, threw: false });
    }
  });

  it('always returns catalogued claims in their normalised type, a string sub and a plain prototype', () => {
    for (const { raw } of cases) {
      const { claims } = normaliseClaims(raw as Record<string, unknown>);
      expect(Object.getPrototypeOf(claims)).toBe(Object.prototype);
      expect(typeof claims.sub).toBe('string');
      for (const [name, value] of Object.entries(claims)) {
        const definition = catalogue.find((c) => c.name === name);
        if (definition !== undefined) expect({ name, fits: fitsType[definition.type](value) }).toEqual({ name, fits: true });
        expect(value).not.toBeNull();
      }
    }
  });

  it('never puts a value into a problem', () => {
    for (const { raw } of cases) {
      const { problems } = normaliseClaims(raw as Record<string, unknown>);
      for (const problem of problems) expect(problem.reason).not.toContain(MARKER);
    }
  });

  it('leaves Object.prototype untouched', () => {
    for (const { raw } of cases) normaliseClaims(raw as Record<string, unknown>);
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
