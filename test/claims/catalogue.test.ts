import {
  CLAIM_CATALOGUE,
  CLAIM_NAMES,
  FULL_ACCESS_FLAGS,
  claimDefinition,
  isMojeIdClaimName,
  type ClaimDefinition,
} from '../../src/claims/index.js';
import { productionClaimsSupported, readAppendix1 } from './manual.js';

const catalogue: readonly ClaimDefinition[] = CLAIM_CATALOGUE;
const appendix = readAppendix1();
const documented = catalogue.filter((c) => c.documented);
const undocumented = catalogue.filter((c) => !c.documented);

/** Dashes vary in the manual ("Flag – NIA" vs "Flag - NIA"); compare words, not typography. */
const comparable = (text: string): string => text.replace(/[–-]/g, '-').toLowerCase();

describe('claims catalogue against Appendix 1 (§9.1)', () => {
  it('reads a plausible number of rows from the Appendix 1 fixture', () => {
    expect(appendix.length).toBeGreaterThan(90);
    expect(appendix.map((r) => r.name)).toEqual(expect.arrayContaining(['openid2_id', 'mojeid_address_def', 'mojeid_im_windows_live']));
  });

  it('lists every Appendix 1 claim identifier as documented, and no other claim as documented', () => {
    expect(new Set(documented.map((c) => c.name))).toEqual(new Set(appendix.map((r) => r.name)));
  });

  it('keeps the Appendix 1 order for documented claims', () => {
    expect(documented.map((c) => c.name)).toEqual(appendix.map((r) => r.name));
  });

  it('gives each documented claim the type derived from its Appendix 1 data type', () => {
    for (const row of appendix) {
      expect({ name: row.name, type: claimDefinition(row.name)?.type }).toEqual({ name: row.name, type: row.type });
    }
  });

  it('marks exactly the claims Appendix 1 says are "Only for full access"', () => {
    for (const row of appendix) {
      expect({ name: row.name, fullAccessOnly: claimDefinition(row.name)?.fullAccessOnly }).toEqual({ name: row.name, fullAccessOnly: row.fullAccessOnly });
    }
    expect(appendix.filter((r) => r.fullAccessOnly).map((r) => r.name).sort()).toEqual(
      ['mojeid_address_mail_verified', 'mojeid_isic', 'mojeid_nia', 'mojeid_student', 'mojeid_valid'],
    );
  });

  it('puts each documented claim in the Appendix 1 group it is listed under (the heading-less first row is "Migration")', () => {
    for (const row of appendix) {
      expect({ name: row.name, group: claimDefinition(row.name)?.group }).toEqual({ name: row.name, group: row.group ?? 'Migration' });
    }
  });

  it('labels each documented claim "<group>: <Appendix 1 label>"', () => {
    for (const row of appendix) {
      const expected = row.group === undefined ? row.label : `${row.group}: ${row.label}`;
      expect({ name: row.name, label: comparable(claimDefinition(row.name)?.label ?? '') }).toEqual({ name: row.name, label: comparable(expected) });
    }
  });
});

describe('claims catalogue against production discovery (field notes)', () => {
  const supported = new Set(productionClaimsSupported());

  it('marks as undocumented only claims that production advertises and Appendix 1 lacks', () => {
    const inAppendix = new Set(appendix.map((r) => r.name));
    for (const claim of undocumented) {
      expect({ name: claim.name, advertised: supported.has(claim.name), inAppendix: inAppendix.has(claim.name) })
        .toEqual({ name: claim.name, advertised: true, inAppendix: false });
    }
  });

  it('covers every claim that production advertises, but sub (issue 11: the configuration refused preferred_username & co.)', () => {
    expect([...supported].filter((name) => name !== 'sub' && !CLAIM_NAMES.has(name))).toEqual([]);
    expect(claimDefinition('updated_at')?.type).toBe('integer');
  });

  it('covers every mojeid_* claim that production advertises', () => {
    const missing = [...supported].filter((name) => name.startsWith('mojeid_') && !CLAIM_NAMES.has(name));
    expect(missing).toEqual([]);
  });

  it('includes the claims the field notes name: mojeid_username, the NIA pseudonym, ship2/ship3 and mojeid_url_twiter', () => {
    for (const name of ['mojeid_username', 'mojeid_nia_substantial_pseudonym', 'mojeid_address_ship2', 'mojeid_address_ship3_country', 'mojeid_url_twiter']) {
      expect({ name, documented: claimDefinition(name)?.documented }).toEqual({ name, documented: false });
    }
  });

  it('treats the second and third shipping addresses as JSON strings, like the Appendix 1 ones', () => {
    expect(claimDefinition('mojeid_address_ship2')?.type).toBe('address_string');
    expect(claimDefinition('mojeid_address_ship3')?.type).toBe('address_string');
  });
});

describe('claims catalogue structure', () => {
  it('has no duplicate claim names', () => {
    expect(CLAIM_NAMES.size).toBe(catalogue.length);
  });

  it('releases the standard claims by the OIDC Core §5.4 scope, and openid2_id by openid2', () => {
    const scopes = Object.fromEntries(catalogue.filter((c) => c.scope !== undefined).map((c) => [c.name, c.scope]));
    expect(scopes).toEqual({
      openid2_id: 'openid2',
      name: 'profile', given_name: 'profile', family_name: 'profile', nickname: 'profile',
      profile: 'profile', website: 'profile', gender: 'profile', birthdate: 'profile',
      middle_name: 'profile', preferred_username: 'profile', picture: 'profile', locale: 'profile', zoneinfo: 'profile', updated_at: 'profile',
      email: 'email', email_verified: 'email',
      phone_number: 'phone', phone_number_verified: 'phone',
      address: 'address',
    });
  });

  it('releases no mojeid_* claim by a scope (they are requested with the claims parameter)', () => {
    expect(catalogue.filter((c) => c.name.startsWith('mojeid_') && c.scope !== undefined)).toEqual([]);
  });

  it('recognises catalogued names and nothing else, including Object.prototype names', () => {
    expect(isMojeIdClaimName('mojeid_valid')).toBe(true);
    expect(isMojeIdClaimName('mojeid_url_twiter')).toBe(true);
    for (const name of ['sub', 'mojeid_unknown', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '']) {
      expect({ name, known: isMojeIdClaimName(name), definition: claimDefinition(name) }).toEqual({ name, known: false, definition: undefined });
    }
  });

  it('returns the catalogue entry itself from claimDefinition', () => {
    expect(claimDefinition('mojeid_age')).toEqual({
      name: 'mojeid_age', label: 'Other data: age', group: 'Other data', type: 'integer', fullAccessOnly: false, documented: true,
    });
  });

  it('lists as FULL_ACCESS_FLAGS the boolean flags mojeid_valid, mojeid_is_adult and mojeid_nia', () => {
    expect([...FULL_ACCESS_FLAGS]).toEqual(['mojeid_valid', 'mojeid_is_adult', 'mojeid_nia']);
    for (const name of FULL_ACCESS_FLAGS) expect(claimDefinition(name)?.type).toBe('boolean');
    expect(claimDefinition('mojeid_valid')?.fullAccessOnly).toBe(true);
    expect(claimDefinition('mojeid_nia')?.fullAccessOnly).toBe(true);
    expect(claimDefinition('mojeid_is_adult')?.fullAccessOnly).toBe(false);
  });
});
