/**
 * Every ts/js code block of README.md and docs/*.md type-checks against the library's sources
 * (`passport-mojeid-oidc` maps to src/ as in tsconfig.json). A failure names the Markdown file and
 * line. Fragments (`<!-- fragment -->` before the fence) get the declarations of `FRAGMENT_PREAMBLE`.
 */
import { allCodeBlocks, runnableBlock, typeErrors, type CodeBlock } from './code-blocks.js';

const blocks = allCodeBlocks();
// A block may import the quick start's app (`./app.js`), as the testing guide's examples do.
const siblings = { 'app.ts': runnableBlock('docs/quick-start.md', 'app').code };

it('finds the code blocks, the quick start app among them', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(10);
  expect(blocks.map((b) => b.file)).toEqual(expect.arrayContaining(['README.md', 'docs/quick-start.md', 'docs/testing-with-the-simulator.md']));
});

it.each(blocks.map((b): [string, CodeBlock] => [`${b.file}:${b.line} (${b.lang}${b.fragment ? ', fragment' : ''}${b.run ? `, run: ${b.run}` : ''})`, b]))(
  '%s compiles',
  (_name, block) => {
    expect(typeErrors(block, siblings)).toEqual([]);
  },
);

it('reports a type error with the Markdown file and line, and a fragment without its marker', () => {
  const broken: CodeBlock = { file: 'docs/example.md', line: 40, lang: 'ts', code: "import { mojeid } from 'passport-mojeid-oidc';\nmojeid({ verify: 42 });", fragment: false, run: undefined };
  expect(typeErrors(broken)).toEqual([expect.stringMatching(/^docs\/example\.md:41:10: TS2769 /)]);
  const fragment: CodeBlock = { file: 'docs/example.md', line: 10, lang: 'js', code: "app.get('/', showOrders);", fragment: true, run: undefined };
  expect(typeErrors(fragment)).toEqual([]);
  expect(typeErrors({ ...fragment, fragment: false })).toEqual([
    expect.stringMatching(/^docs\/example\.md:10:1: TS2304 Cannot find name 'app'/),
    expect.stringMatching(/^docs\/example\.md:10:14: TS2304 Cannot find name 'showOrders'/),
  ]);
});
