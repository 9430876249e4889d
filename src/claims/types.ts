/**
 * Typed claim objects, derived from the catalogue so that no claim list is written twice.
 *
 * `RawMojeIdClaims` describes what mojeID sends (Appendix 1 (§9.1) types, plus the looser forms
 * seen in production: flags as "true"/"false" strings, addresses as JSON strings; field notes).
 * `MojeIdClaims` is what `normaliseClaims` returns.
 *
 * @module
 */
import type { CLAIM_CATALOGUE, ClaimValueType } from './catalogue.js';

/** The OPTIONAL_ADDRESS object of Appendix 1 (§9.1), Listing 1 (OIDC Core §5.1.1 address). */
export interface MojeIdAddress {
  formatted?: string;
  street_address?: string;
  locality?: string;
  region?: string;
  postal_code?: string;
  country?: string;
}

type CatalogueEntry = (typeof CLAIM_CATALOGUE)[number];

// Both tables extend Record<ClaimValueType, unknown>, so a new value type cannot be forgotten.

/**
 * Raw value per type. Every Appendix 1 type is "… or null" (null: the user withheld the claim).
 * Booleans and integers also come as strings (field notes: flags as "true"/"false").
 */
interface RawValueByType extends Record<ClaimValueType, unknown> {
  string: string | null;
  boolean: boolean | 'true' | 'false' | null;
  integer: number | `${number}` | null;
  address: MojeIdAddress | null;
  address_string: string | null;
}

/** Value per type after normalisation: no nulls, no strings standing in for other types. */
interface NormalisedValueByType extends Record<ClaimValueType, unknown> {
  string: string;
  boolean: boolean;
  integer: number;
  address: MojeIdAddress;
  address_string: MojeIdAddress;
}

/** Claims as mojeID sends them in the ID token or the UserInfo response. */
export type RawMojeIdClaims = {
  sub: string;
  [other: string]: unknown;
} & {
  [E in CatalogueEntry as E['name']]?: RawValueByType[E['type']];
};

/**
 * Claims after `normaliseClaims`: every catalogued claim is optional (absent when not released,
 * withheld or malformed) and has its normalised type. Claims outside the catalogue are passed
 * through unchanged, hence the `unknown` index signature.
 */
export type MojeIdClaims = {
  sub: string;
  [other: string]: unknown;
} & {
  [E in CatalogueEntry as E['name']]?: NormalisedValueByType[E['type']];
};
