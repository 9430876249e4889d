/**
 * Test helper: the facts of mojeID's documents the catalogue is checked against, read from the
 * data fixtures in test/fixtures/mojeid/: the rows of Appendix 1 (§9.1) and the production
 * discovery document. The documents themselves live outside the repository; the fixtures are
 * generated from them by `npm run fixtures:mojeid`, and test/fixtures/mojeid.test.ts checks that
 * they still agree whenever the documents are at hand.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { APPENDIX_1_FIXTURE, DATA_TYPES, FIXTURES_DIR, type Appendix1Fixture, type DataType } from '../../scripts/mojeid-manual.js';

const fixtures = path.resolve(process.cwd(), FIXTURES_DIR);

/** Appendix 1 data type → catalogue value type. */
export const TYPE_TOKENS = {
  SINGLE_OPTIONAL_STRING: 'string',
  SINGLE_OPTIONAL_BOOLEAN: 'boolean',
  SINGLE_OPTIONAL_INT: 'integer',
  OPTIONAL_ADDRESS: 'address',
  OPTIONAL_ADDRESS_STRING: 'address_string',
} as const satisfies Record<DataType, string>;

export interface AppendixRow {
  /** The "Data" column without its notes, e.g. "Flag – student". */
  readonly label: string;
  readonly name: string;
  readonly type: (typeof TYPE_TOKENS)[DataType];
  /** The group heading above the row; `undefined` for the first row, which has none. */
  readonly group: string | undefined;
  readonly fullAccessOnly: boolean;
}

function readFixture(name: string): unknown {
  return JSON.parse(readFileSync(path.join(fixtures, name), 'utf8'));
}

/** The rows of Appendix 1 (§9.1), in the manual's order. */
export function readAppendix1(): AppendixRow[] {
  const { rows } = readFixture(APPENDIX_1_FIXTURE) as Partial<Appendix1Fixture>;
  if (rows === undefined || !Array.isArray(rows)) throw new Error(`${APPENDIX_1_FIXTURE} has no "rows" array`);
  return (rows as Appendix1Fixture['rows']).map((row) => {
    if (!(DATA_TYPES as readonly string[]).includes(row.dataType)) throw new Error(`${APPENDIX_1_FIXTURE}: ${row.name} has an unknown data type ${row.dataType}`);
    return { label: row.label, name: row.name, type: TYPE_TOKENS[row.dataType], group: row.group ?? undefined, fullAccessOnly: row.fullAccessOnly };
  });
}

/** `claims_supported` of the production discovery document (October 2024). */
export function productionClaimsSupported(): string[] {
  const document = readFixture('production-openid-configuration-2024-10.json') as { claims_supported?: unknown };
  const claims = document.claims_supported;
  if (!Array.isArray(claims) || !claims.every((c): c is string => typeof c === 'string')) {
    throw new Error('claims_supported missing from the production discovery document');
  }
  return claims;
}
