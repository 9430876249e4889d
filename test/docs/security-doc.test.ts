/**
 * docs/security.md names, for each case, the test that proves it. This keeps those names real:
 * each must be a test title in the named file (verbatim, or an `it.each` template whose case
 * string is in that file).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = process.cwd();
const rows = readFileSync(path.join(root, 'docs', 'security.md'), 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('| ') && line.includes('test/') && !line.startsWith('| Case'))
  .map((line) => line.split('|').map((cell) => cell.trim()).filter(Boolean) as [string, string, string]);

function titleExists(source: string, title: string): boolean {
  if (source.includes(`'${title}'`) || source.includes(`\`${title}\``)) return true;
  for (const [, template] of source.matchAll(/it\.each[\s\S]*?\)\(\s*'([^']*%[sp][^']*)'/g)) {
    const pattern = new RegExp(`^${(template as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%[sp]/, '(.+)')}$`);
    const match = pattern.exec(title);
    if (match && (template === title || source.includes(`'${match[1]}'`))) return true;
  }
  return false;
}

it('lists at least the cases of the hostile-provider plan', () => {
  expect(rows.length).toBeGreaterThan(50);
});

it.each(rows)('%s is proved by %s › %s', (_case, file, title) => {
  const source = readFileSync(path.join(root, file), 'utf8');
  expect(titleExists(source, title)).toBe(true);
});
