/**
 * Dependencies point one way (routes → strategy → provider → leaves), and the lint keeps it so:
 * `import-x/no-cycle` refuses two modules of the library that import each other. The probe is a
 * real pair of files in src/, linted with the project's own configuration, then removed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';

const root = process.cwd();

it('the lint refuses an import cycle in the library, and accepts the same modules without it', async () => {
  const dir = fs.mkdtempSync(path.join(root, 'src', 'cycle-probe-'));
  const a = path.join(dir, 'a.ts');
  const b = path.join(dir, 'b.ts');
  try {
    fs.writeFileSync(a, "/** Probe. */\nimport { b } from './b.js';\n\nexport const a = (): string => b();\n");
    fs.writeFileSync(b, "/** Probe. */\nimport { a } from './a.js';\n\nexport const b = (): string => typeof a;\n");
    const eslint = new ESLint({ cwd: root });
    const cyclic = await eslint.lintFiles([a, b]);
    const rules = cyclic.flatMap((r) => r.messages.map((m) => m.ruleId));
    expect(rules.filter((rule) => rule === 'import-x/no-cycle')).toHaveLength(2);

    fs.writeFileSync(b, "/** Probe. */\nexport const b = (): string => 'b';\n");
    const acyclic = await new ESLint({ cwd: root }).lintFiles([a, b]);
    expect(acyclic.flatMap((r) => r.messages)).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
