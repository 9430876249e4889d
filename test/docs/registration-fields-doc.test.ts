/**
 * docs/account-creation.md carries the Appendix 5 field table generated from
 * `REGISTRATION_FIELDS`, so the documented fields, formats and limits are the ones the register
 * route validates. `npm run docs` rewrites the generated part.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderRegistrationFieldTable } from '../../src/registration/fields.js';

const FILE = path.resolve(process.cwd(), 'docs', 'account-creation.md');
const START = '<!-- generated from src/registration/fields.ts: start -->';
const END = '<!-- generated from src/registration/fields.ts: end -->';

function withTable(doc: string): string {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${FILE} lacks the generated-table markers`);
  return `${doc.slice(0, start + START.length)}\n${renderRegistrationFieldTable()}\n${doc.slice(end)}`;
}

it('docs/account-creation.md lists exactly the Appendix 5 fields the register route validates', () => {
  const doc = readFileSync(FILE, 'utf8');
  if (process.env['UPDATE_DOCS'] === '1') writeFileSync(FILE, withTable(doc));
  expect(readFileSync(FILE, 'utf8')).toBe(withTable(doc));
});
