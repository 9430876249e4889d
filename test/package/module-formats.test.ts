/**
 * The package is ESM (openid-client v6 is ESM-only), but a CommonJS app on Node >= 20.19 must be
 * able to `require()` it. These run the built package (`npm test` builds first) in a real Node
 * process, the way an app would load it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(process.cwd());

function runNode(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
}

describe('the published package', () => {
  beforeAll(() => {
    if (!existsSync(path.join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  });

  it('declares Node >= 20.19, the first release that can require() ES modules', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe('>=20.19');
  });

  it('can be required from CommonJS', () => {
    const out = runNode([
      '--input-type=commonjs',
      '-e',
      "const m = require('passport-mojeid-oidc'); process.stdout.write(JSON.stringify([typeof m.MojeIdStrategy, typeof m.mojeid, typeof m.requireMojeIdLogin, m.ENVIRONMENTS.production.issuer]))",
    ]);
    expect(JSON.parse(out)).toEqual(['function', 'function', 'function', 'https://mojeid.cz/oidc/']);
  });

  it('can be imported from ESM', () => {
    const out = runNode(['--input-type=module', '-e', "import { MojeIdStrategy } from 'passport-mojeid-oidc'; process.stdout.write(typeof MojeIdStrategy)"]);
    expect(out).toBe('function');
  });

  it('does not import oidc-provider (the simulator) from the library entry point', () => {
    // Walk the built import graph from dist/index.js: the simulator's dependency is optional.
    const seen = new Set<string>();
    const packages = new Set<string>();
    /** Packages loaded only by `import()`, when a feature needs them (optional peers). */
    const lazyPackages = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const specifier = (match[1] ?? match[2]) as string;
        if (specifier.startsWith('.')) visit(path.resolve(path.dirname(file), specifier));
        else (match[1] ? packages : lazyPackages).add(specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
      }
    };
    visit(path.join(root, 'dist', 'index.js'));
    expect(seen.size).toBeGreaterThan(10);
    expect([...packages, ...lazyPackages].sort()).not.toContain('oidc-provider');
    expect([...packages].filter((p) => !p.startsWith('node:')).sort()).toEqual(['express', 'helmet', 'openid-client', 'passport']);
    // ioredis (an optional peer dependency) only by RedisRegistrationStore.connect().
    expect([...lazyPackages].filter((p) => !p.startsWith('node:')).sort()).toEqual(['ioredis']);
  });
});
