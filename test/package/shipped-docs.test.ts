/**
 * The package as npm would publish it (`npm pack --dry-run`, `npm test` builds dist/ first): it
 * ships its licence and `.env.example`, not the screenshots, and the markdown it ships sends
 * readers only to files it ships, or to the few repository-only files listed here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { brokenReferences, referencesIn, type RepositoryOnly } from './doc-references.js';

const root = process.cwd();

/** Files the package lacks on purpose that shipped docs may still point to, and why. */
const REPOSITORY_ONLY: readonly RepositoryOnly[] = [
  { target: 'docs/screenshots/', images: true, why: "README images: npm's and GitHub's pages show them from the repository; not shipped" },
  { target: 'example-app/', paragraphSays: /\brepository\b/i, why: 'the example app, where the text says it is in the repository' },
  { target: 'simulator/', paragraphSays: /\brepository\b/i, why: 'the mojeid-simulator package, a workspace of the repository that the library does not ship' },
  { target: 'bench/', docs: ['docs/benchmarks.md'], why: 'the benchmark page describes `npm run bench`, which runs in a clone of the repository' },
  { target: 'src/', docs: ['docs/benchmarks.md'], why: 'the benchmark page names the source file of each change it measured' },
  { target: 'src/claims/catalogue.ts', docs: ['docs/claims.md'], why: 'the generated claims page names the catalogue it is generated from' },
];

/** Top-level names of a checkout that are not part of the project (installed, generated, secrets). */
const NOT_PROJECT = new Set(['node_modules', '.git', '.env', '.mojeid-credentials.json', 'coverage', 'test-results']);

function packedFiles(): string[] {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', env });
  const [pack] = JSON.parse(out) as { files: { path: string }[] }[];
  if (!pack) throw new Error(`npm pack --dry-run --json printed no package: ${out.slice(0, 300)}`);
  return pack.files.map((f) => f.path);
}

let files: Set<string>;
beforeAll(() => {
  if (!existsSync(path.join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  files = new Set(packedFiles());
}, 60000);

describe('the packed package', () => {
  it('ships LICENSE, .env.example (the docs point to it), README.md, CHANGELOG.md and the built library', () => {
    expect([...files]).toEqual(expect.arrayContaining(['LICENSE', '.env.example', 'README.md', 'CHANGELOG.md', 'package.json', 'dist/index.js', 'docs/quick-start.md']));
    expect(readFileSync(path.join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 passport-mojeid-oidc contributors\n/);
  });

  it('ships none of the simulator: it is its own package (simulator/, mojeid-simulator)', () => {
    expect([...files].filter((f) => /simulator/i.test(f) && !f.startsWith('docs/'))).toEqual([]);
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown>; bin: Record<string, string>; peerDependencies: Record<string, string> };
    expect({ exports: Object.keys(pkg.exports), bins: Object.keys(pkg.bin), peers: Object.keys(pkg.peerDependencies) }).toEqual({
      exports: ['.', './package.json'],
      bins: ['passport-mojeid-oidc'],
      peers: expect.not.arrayContaining(['oidc-provider']),
    });
  });

  it('ships no screenshots, no source maps, no tests', () => {
    expect([...files].filter((f) => f.startsWith('docs/screenshots/') || f.endsWith('.png') || f.endsWith('.map') || f.startsWith('test/') || f.startsWith('src/'))).toEqual([]);
  });

  it('ships markdown that points only to files in the package, or to the listed repository-only ones', () => {
    const topLevel = new Map(
      readdirSync(root, { withFileTypes: true }).filter((e) => !NOT_PROJECT.has(e.name)).map((e) => [e.name, e.isDirectory()] as const),
    );
    const docs = [...files].filter((f) => f.endsWith('.md'));
    expect(docs.length).toBeGreaterThan(5);
    const refs = docs.flatMap((doc) => referencesIn(doc, readFileSync(path.join(root, doc), 'utf8'), topLevel));
    // The docs link to each other and to `.env.example`: if nothing is found, the reader is broken.
    expect(refs.filter((r) => r.kind === 'link').length).toBeGreaterThan(10);
    expect(refs.some((r) => r.kind === 'code' && r.target === '.env.example')).toBe(true);
    expect(brokenReferences(refs, files, REPOSITORY_ONLY)).toEqual([]);
  });
});

describe('the reference check itself', () => {
  const topLevel = new Map([['docs', true], ['example-app', true], ['src', true], ['.env.example', false], ['README.md', false]]);
  const shipped = new Set(['README.md', 'docs/a.md', 'docs/b.md', '.env.example', 'dist/index.js']);
  const check = (doc: string, markdown: string): string[] => brokenReferences(referencesIn(doc, markdown, topLevel), shipped, REPOSITORY_ONLY);

  it('accepts links and paths the package has, external links and anchors', () => {
    expect(check('docs/a.md', '[B](b.md#part), [top](../README.md), [ext](https://example.cz/x.md), [here](#x)\n\nSee `.env.example`, `docs/b.md` and `src`.')).toEqual([]);
  });

  it('reports a link to a file the package lacks, with its line', () => {
    expect(check('README.md', 'Intro.\n\nRead [this](docs/missing.md).')).toEqual(['README.md:3 (docs/missing.md) → docs/missing.md is not in the package']);
    expect(check('docs/a.md', '[up](../LICENSE)')).toEqual(['docs/a.md:1 (../LICENSE) → LICENSE is not in the package']);
  });

  it('reports a backticked path the package lacks, and ignores fenced code', () => {
    expect(check('docs/a.md', 'Edit `src/claims/catalogue.ts`.\n\n```sh\ncat src/x.ts `src/y.ts`\n```')).toEqual(['docs/a.md:1 `src/claims/catalogue.ts` → src/claims/catalogue.ts is not in the package']);
  });

  it('accepts example-app/ only where the text says it is in the repository, and screenshots only as images', () => {
    expect(check('README.md', 'The example app (`example-app/`) does it.')).toEqual(['README.md:1 `example-app/` → example-app/ is not in the package']);
    expect(check('README.md', 'The example app (`example-app/` in the repository) does it.')).toEqual([]);
    expect(check('README.md', '![shot](docs/screenshots/a.png)')).toEqual([]);
    expect(check('README.md', '[shot](docs/screenshots/a.png)')).toEqual(['README.md:1 (docs/screenshots/a.png) → docs/screenshots/a.png is not in the package']);
  });
});
