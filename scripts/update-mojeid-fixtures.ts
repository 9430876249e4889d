/**
 * `npm run fixtures:mojeid`: regenerates test/fixtures/mojeid/ from mojeID's documents, which live
 * outside the repository (MOJEID_DOCS_DIR, else ../shared/mojeid-docs beside the repository).
 * The tests read only the fixtures; run this after the documents change and commit the result.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURES_DIR, docsDir, renderFixtures } from './mojeid-manual.js';

// Compiled to scripts/dist/, so the repository root is two folders up.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const documents = docsDir(root);
if (!existsSync(documents)) {
  console.error(`mojeID's documents not found at ${documents}: set MOJEID_DOCS_DIR to the folder that holds them`);
  process.exit(1);
}

const target = path.join(root, FIXTURES_DIR);
mkdirSync(target, { recursive: true });
for (const [name, content] of renderFixtures(documents)) {
  const file = path.join(target, name);
  const changed = !existsSync(file) || !readFileSync(file).equals(content);
  if (changed) writeFileSync(file, content);
  console.log(`${changed ? 'wrote    ' : 'unchanged'} ${path.relative(root, file)}`);
}
