import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { CLAIM_CATALOGUE, renderClaimsReference } from '../../src/claims/index.js';

const DOC = path.resolve(process.cwd(), 'docs', 'claims.md');

describe('docs/claims.md', () => {
  const rendered = renderClaimsReference();

  if (process.env.UPDATE_DOCS === '1') {
    // Regenerate on request; the equality test below then passes by construction.
    mkdirSync(path.dirname(DOC), { recursive: true });
    writeFileSync(DOC, rendered);
  }

  it('is exactly what renderClaimsReference() produces (regenerate with UPDATE_DOCS=1)', () => {
    expect(readFileSync(DOC, 'utf8')).toBe(rendered);
  });

  it('starts with the "Claims reference" title after the do-not-edit notice', () => {
    expect(rendered).toMatch(/^<!-- Generated from src\/claims\/catalogue\.ts[\s\S]*?-->\n\n# Claims reference\n/);
  });

  it('has one table row for every catalogued claim', () => {
    for (const { name } of CLAIM_CATALOGUE) {
      expect(rendered).toContain(`| \`${name}\` |`);
    }
    expect(rendered.split('\n').filter((line) => line.startsWith('| `')).length).toBe(CLAIM_CATALOGUE.length);
  });

  it('has one section per group, in catalogue order', () => {
    const groups: string[] = [...new Set(CLAIM_CATALOGUE.map((c) => c.group))];
    const headings = rendered.split('\n').filter((line) => line.startsWith('## ')).map((line) => line.slice(3));
    expect(headings.filter((h) => groups.includes(h))).toEqual(groups);
  });

  it('shows full access, scope and Appendix 1 status in the rows', () => {
    expect(rendered).toContain('| `mojeid_valid` | Other data: flag – validation | `boolean` | — (`claims` parameter) | yes | yes |');
    expect(rendered).toContain('| `email` | Email: main | `string` | `email` | no | yes |');
    expect(rendered).toContain('| `mojeid_url_twiter` | URL: Twitter (misspelled identifier) | `string` | — (`claims` parameter) | no | no (production discovery only) |');
  });
});
