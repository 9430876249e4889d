/**
 * Test helper: reads Appendix 1 (§9.1) of the mojeID manual and the production discovery
 * document, so the catalogue is checked against the sources rather than against a copy.
 * The documents live outside the repository; MOJEID_DOCS_DIR overrides their location.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

// CI clones the repository with shared/ beside it, as in the developers' checkouts.
export const DOCS_DIR = process.env.MOJEID_DOCS_DIR ?? path.resolve(process.cwd(), '..', 'shared', 'mojeid-docs');

/** Appendix 1 data type token → catalogue value type. */
export const TYPE_TOKENS = {
  SINGLE_OPTIONAL_STRING: 'string',
  SINGLE_OPTIONAL_BOOLEAN: 'boolean',
  SINGLE_OPTIONAL_INT: 'integer',
  OPTIONAL_ADDRESS: 'address',
  OPTIONAL_ADDRESS_STRING: 'address_string',
} as const;

export interface AppendixRow {
  /** The "Data" column, notes included. */
  readonly data: string;
  readonly name: string;
  readonly type: (typeof TYPE_TOKENS)[keyof typeof TYPE_TOKENS];
  /** The group heading above the row; `undefined` for the first row, which has none. */
  readonly group: string | undefined;
  readonly fullAccessOnly: boolean;
}

const ROW = new RegExp(`^(.*)\\t([a-z0-9_]+)\\t<i>(${Object.keys(TYPE_TOKENS).join('|')})</i>\\s*$`);
// A group heading is a row with only the "Data" column, e.g. "Home address\t\t".
const HEADING = /^([^\t]+)\t\t\s*$/;

/** The rows of Appendix 1 (§9.1): lines between its heading and Appendix 3's that end with a type. */
export function readAppendix1(): AppendixRow[] {
  const text = readFileSync(path.join(DOCS_DIR, 'mojeid-technical-documentation-3.1.4.txt'), 'utf8');
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith('9.1 Appendix 1'));
  const end = lines.findIndex((line) => line.startsWith('9.2 Appendix 3'));
  if (start < 0 || end < start) throw new Error('Appendix 1 (§9.1) not found in the manual');

  const rows: AppendixRow[] = [];
  let group: string | undefined;
  for (const line of lines.slice(start + 1, end)) {
    const heading = HEADING.exec(line);
    if (heading?.[1] !== undefined) {
      group = heading[1].trim();
      continue;
    }
    const match = ROW.exec(line);
    if (match === null) continue;
    const [, data = '', name = '', token = ''] = match;
    rows.push({
      data,
      name,
      type: TYPE_TOKENS[token as keyof typeof TYPE_TOKENS],
      group,
      fullAccessOnly: /only for full access/i.test(data.replace(/<\/?i>/g, '')),
    });
  }
  return rows;
}

/** The Appendix 1 label without its notes: "Flag – student <i>Only for full access</i> (…)" → "Flag – student". */
export function bareLabel(data: string): string {
  return data
    .replace(/<i>Only for full access<\/i>/gi, '')
    .replace(/\("true"\/"false"\)/g, '')
    .replace(/ As of .*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `claims_supported` of the production discovery document (October 2024). */
export function productionClaimsSupported(): string[] {
  const file = path.join(DOCS_DIR, 'discovery', 'production-openid-configuration-2024-10.json');
  const document = JSON.parse(readFileSync(file, 'utf8')) as { claims_supported?: unknown };
  const claims = document.claims_supported;
  if (!Array.isArray(claims) || !claims.every((c): c is string => typeof c === 'string')) {
    throw new Error('claims_supported missing from the production discovery document');
  }
  return claims;
}
