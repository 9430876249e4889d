/**
 * docs/configuration.md carries the option table and `.env.example` the library's variables, both
 * generated from the configuration schema, so the documented variables, defaults, meanings and
 * examples are the ones the code validates. `npm run docs` (UPDATE_DOCS=1) rewrites the generated
 * parts; without it a stale file fails here.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderConfigurationTable, renderEnvExample } from '../../src/config.js';

interface Generated {
  file: string;
  start: string;
  end: string;
  render: () => string;
}

const CONFIGURATION_MD: Generated = {
  file: path.resolve(process.cwd(), 'docs', 'configuration.md'),
  start: '<!-- generated from src/config-schema.ts: start -->',
  end: '<!-- generated from src/config-schema.ts: end -->',
  render: () => `\n${renderConfigurationTable()}\n`,
};

const ENV_EXAMPLE: Generated = {
  file: path.resolve(process.cwd(), '.env.example'),
  start: '# --- generated from src/config-schema.ts by `npm run docs`: start (do not edit below) ---',
  end: '# --- generated from src/config-schema.ts: end ---',
  render: () => `\n${renderEnvExample()}`,
};

/** The file with its generated part replaced by what the schema renders now. */
function regenerated({ file, start, end, render }: Generated, text: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} lacks the generated-part markers`);
  return `${text.slice(0, from + start.length)}${render()}${text.slice(to)}`;
}

it.each([
  ['docs/configuration.md lists exactly the options the schema validates', CONFIGURATION_MD],
  ['.env.example lists exactly the variables the schema reads, with their meanings and examples', ENV_EXAMPLE],
])('%s', (_title, generated) => {
  const text = readFileSync(generated.file, 'utf8');
  if (process.env['UPDATE_DOCS'] === '1') writeFileSync(generated.file, regenerated(generated, text));
  expect(readFileSync(generated.file, 'utf8')).toBe(regenerated(generated, text));
});
