/**
 * Type-level specification of the claim types. The assertions are checked by `tsc` (ts-jest runs
 * without diagnostics); the runtime test only keeps jest from reporting an empty file.
 */
import type { MojeIdAddress, MojeIdClaimName, MojeIdClaims, RawMojeIdClaims } from '../../src/claims/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

describe('claim types derived from the catalogue', () => {
  it('give each normalised claim its Appendix 1 type, optional', () => {
    assertType<Equal<MojeIdClaims['mojeid_valid'], boolean | undefined>>();
    assertType<Equal<MojeIdClaims['mojeid_age'], number | undefined>>();
    assertType<Equal<MojeIdClaims['mojeid_address_def'], MojeIdAddress | undefined>>();
    assertType<Equal<MojeIdClaims['address'], MojeIdAddress | undefined>>();
    assertType<Equal<MojeIdClaims['email'], string | undefined>>();
    assertType<Equal<MojeIdClaims['sub'], string>>();

    const claims: MojeIdClaims = { sub: 's', mojeid_valid: true, mojeid_address_ship2: { locality: 'Brno' } };
    // @ts-expect-error normalised flags are booleans, not strings
    const wrong: MojeIdClaims = { sub: 's', mojeid_valid: 'true' };
    // @ts-expect-error sub is required
    const noSub: MojeIdClaims = { email: 'a@b.cz' };
    expect([claims, wrong, noSub]).toHaveLength(3);
  });

  it('describe raw claims as mojeID sends them: string flags, numeric strings, JSON addresses, null', () => {
    assertType<Equal<RawMojeIdClaims['mojeid_valid'], boolean | 'true' | 'false' | null | undefined>>();
    assertType<Equal<RawMojeIdClaims['mojeid_address_def'], string | null | undefined>>();
    assertType<Equal<RawMojeIdClaims['address'], MojeIdAddress | null | undefined>>();

    const raw: RawMojeIdClaims = { sub: 's', mojeid_valid: 'false', mojeid_age: '18', mojeid_address_def: '{}', email: null, locale: 'cs' };
    // @ts-expect-error address_string claims are JSON strings in the raw form
    const wrong: RawMojeIdClaims = { sub: 's', mojeid_address_def: { locality: 'Brno' } };
    expect([raw, wrong]).toHaveLength(2);
  });

  it('name every catalogued claim in MojeIdClaimName and nothing else', () => {
    const known: MojeIdClaimName = 'mojeid_url_twiter';
    // @ts-expect-error not a catalogued claim
    const unknownName: MojeIdClaimName = 'mojeid_url_myspace';
    expect([known, unknownName]).toHaveLength(2);
  });
});
