/**
 * docs/configuration.md carries the option table generated from the configuration schema, so the
 * documented variables, defaults and meanings are the ones the code validates.
 * `npm run docs` rewrites the generated part.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderConfigurationTable } from '../../src/config.js';

const FILE = path.resolve(process.cwd(), 'docs', 'configuration.md');
const START = '<!-- generated from src/config.ts: start -->';
const END = '<!-- generated from src/config.ts: end -->';

function withTable(doc: string): string {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${FILE} lacks the generated-table markers`);
  return `${doc.slice(0, start + START.length)}\n${renderConfigurationTable()}\n${doc.slice(end)}`;
}

it('docs/configuration.md lists exactly the options the schema validates', () => {
  const doc = readFileSync(FILE, 'utf8');
  if (process.env['UPDATE_DOCS'] === '1') writeFileSync(FILE, withTable(doc));
  expect(readFileSync(FILE, 'utf8')).toBe(withTable(doc));
});
