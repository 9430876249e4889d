/**
 * Turns mojeID's documents (kept outside the repository, in `../shared/mojeid-docs/` or where
 * MOJEID_DOCS_DIR says) into the data fixtures the tests read from `test/fixtures/mojeid/`:
 * the rows of Appendix 1 (§9.1) as structured data, and the discovery documents verbatim.
 *
 * Used by `scripts/update-mojeid-fixtures.ts` (`npm run fixtures:mojeid`) to write the fixtures
 * and by `test/fixtures/mojeid.test.ts` to check they still agree with the documents. Nothing
 * else in the project reads the documents: a clone of the repository alone builds and passes.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** The manual, release 3.1.4, as a text file in the documents folder. */
export const MANUAL_FILE = 'mojeid-technical-documentation-3.1.4.txt';

/** Where the fixtures live, relative to the repository root. */
export const FIXTURES_DIR = path.join('test', 'fixtures', 'mojeid');

/** The fixture with the rows of Appendix 1 (§9.1), relative to {@link FIXTURES_DIR}. */
export const APPENDIX_1_FIXTURE = 'appendix-1.json';

/** The data types Appendix 1 uses, as written in its "Data type" column. */
export const DATA_TYPES = [
  'SINGLE_OPTIONAL_STRING',
  'SINGLE_OPTIONAL_BOOLEAN',
  'SINGLE_OPTIONAL_INT',
  'OPTIONAL_ADDRESS',
  'OPTIONAL_ADDRESS_STRING',
] as const;

export type DataType = (typeof DATA_TYPES)[number];

/** One row of Appendix 1 (§9.1), as stored in the fixture. */
export interface AppendixRow {
  /** The "Claim identifier" column. */
  readonly name: string;
  /** The "Data" column without its notes ("Only for full access", `("true"/"false")`, "As of …"). */
  readonly label: string;
  /** The "Data type" column. */
  readonly dataType: DataType;
  /** The group heading above the row; `null` for the first row, which has none. */
  readonly group: string | null;
  /** The "Data" column says "Only for full access". */
  readonly fullAccessOnly: boolean;
}

export interface Appendix1Fixture {
  readonly source: string;
  readonly regenerate: string;
  readonly rows: readonly AppendixRow[];
}

/** The documents folder: MOJEID_DOCS_DIR, else `shared/mojeid-docs` beside the repository. */
export function docsDir(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return env['MOJEID_DOCS_DIR'] ?? path.resolve(root, '..', 'shared', 'mojeid-docs');
}

const ROW = new RegExp(`^(.*)\\t([a-z0-9_]+)\\t<i>(${DATA_TYPES.join('|')})</i>\\s*$`);
// A group heading is a row with only the "Data" column, e.g. "Home address\t\t".
const HEADING = /^([^\t]+)\t\t\s*$/;

/** The Appendix 1 label without its notes: "Flag – student <i>Only for full access</i> (…)" → "Flag – student". */
export function bareLabel(data: string): string {
  return data
    .replace(/<i>Only for full access<\/i>/gi, '')
    .replace(/\("true"\/"false"\)/g, '')
    .replace(/ As of .*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The rows of Appendix 1 (§9.1) in the manual's text: the lines between its heading and
 * Appendix 3's that end with a data type, each under the group heading last seen.
 */
export function parseAppendix1(manual: string): AppendixRow[] {
  const lines = manual.split('\n');
  const start = lines.findIndex((line) => line.startsWith('9.1 Appendix 1'));
  const end = lines.findIndex((line) => line.startsWith('9.2 Appendix 3'));
  if (start < 0 || end < start) throw new Error('Appendix 1 (§9.1) not found in the manual');

  const rows: AppendixRow[] = [];
  let group: string | null = null;
  for (const line of lines.slice(start + 1, end)) {
    const heading = HEADING.exec(line);
    if (heading?.[1] !== undefined) {
      group = heading[1].trim();
      continue;
    }
    const match = ROW.exec(line);
    if (match === null) continue;
    const [, data = '', name = '', dataType = ''] = match;
    rows.push({
      name,
      label: bareLabel(data),
      dataType: dataType as DataType,
      group,
      fullAccessOnly: /only for full access/i.test(data.replace(/<\/?i>/g, '')),
    });
  }
  return rows;
}

/** The Appendix 1 fixture as text: a short header, then one row per line (readable diffs). */
export function appendix1FixtureText(manual: string): string {
  const rows = parseAppendix1(manual);
  const header: Omit<Appendix1Fixture, 'rows'> = {
    source: `mojeID technical documentation 3.1.4 (${MANUAL_FILE}), 9.1 Appendix 1 – List of Data to be Handed Over (OpenID Connect)`,
    regenerate: 'npm run fixtures:mojeid (needs the documents in ../shared/mojeid-docs or MOJEID_DOCS_DIR)',
  };
  const head = Object.entries(header).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)},`);
  const body = rows.map((row, i) => `    ${JSON.stringify(row)}${i < rows.length - 1 ? ',' : ''}`);
  return ['{', ...head, '  "rows": [', ...body, '  ]', '}', ''].join('\n');
}

/**
 * Every fixture and the exact bytes it must hold, by file name in {@link FIXTURES_DIR}: the
 * Appendix 1 rows, and each `discovery/*.json` of the documents copied verbatim.
 * Throws, naming the file, when the documents folder lacks the manual.
 */
export function renderFixtures(documents: string): Map<string, Buffer> {
  const manual = path.join(documents, MANUAL_FILE);
  if (!existsSync(manual)) throw new Error(`${manual} is missing: MOJEID_DOCS_DIR (or ../shared/mojeid-docs) must hold mojeID's documents`);
  const out = new Map<string, Buffer>();
  out.set(APPENDIX_1_FIXTURE, Buffer.from(appendix1FixtureText(readFileSync(manual, 'utf8')), 'utf8'));
  const discovery = path.join(documents, 'discovery');
  if (existsSync(discovery)) {
    for (const name of readdirSync(discovery).filter((n) => n.endsWith('.json')).sort()) {
      out.set(name, readFileSync(path.join(discovery, name)));
    }
  }
  return out;
}
