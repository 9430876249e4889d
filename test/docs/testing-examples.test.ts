/**
 * docs/testing-with-the-simulator.md runs: its Jest, Vitest and node:test examples are written
 * out next to the quick start's app, each run by its own runner in a child process against the
 * built package (`dist/`, which `passport-mojeid-oidc` resolves to inside this repository, as in
 * an app that installed it), and the simulator CLI prints what the page shows.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { CONFIGURATION_SCHEMA } from '../../src/index.js';
import { parseCliOptions, startupText } from '../../simulator/src/cli-options.js';
import { TEST_ACCOUNTS, loginThroughSimulator } from 'mojeid-simulator';
import { startApp, type TestApp } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { ROOT, removeGeneratedIfEmpty, runnableBlock } from './code-blocks.js';

const PAGE = 'docs/testing-with-the-simulator.md';
const GENERATED = path.join(ROOT, 'test', 'docs', '.generated', `testing-examples-${process.pid}`);
const APP_CODE = runnableBlock('docs/quick-start.md', 'app').code;
const CHILD_TIMEOUT = 120_000;

/** The children's environment: none of this process's MOJEID_* settings or Jest worker state. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('MOJEID_') && !name.startsWith('JEST_') && name !== 'NODE_ENV' && name !== 'NODE_OPTIONS') env[name] = value;
  }
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0', CI: '1' };
}

async function run(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args, { cwd, env: childEnv(), timeout: CHILD_TIMEOUT, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: `${stdout}\n${stderr}` };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, output: `${failed.stdout ?? ''}\n${failed.stderr ?? ''}` };
  }
}

function writeExample(runner: string, files: Record<string, string>): string {
  const dir = path.join(GENERATED, runner);
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

beforeAll(() => {
  // The examples import the package by its name, which resolves to the build, as for an app.
  for (const built of ['dist/index.js', 'simulator/dist/index.js', 'simulator/dist/cli.js']) {
    if (!existsSync(path.join(ROOT, built))) throw new Error(`${built} is missing: run npm run build (npm test does) first`);
  }
  mkdirSync(GENERATED, { recursive: true });
});

afterAll(() => {
  rmSync(GENERATED, { recursive: true, force: true });
  removeGeneratedIfEmpty();
});

describe(`${PAGE} examples run`, () => {
  it(
    'the node:test example passes with node --test, next to the compiled quick start app',
    async () => {
      const appJs = ts.transpileModule(APP_CODE, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
      const dir = writeExample('node-test', { 'app.js': appJs, 'app.test.mjs': runnableBlock(PAGE, 'node-test').code });
      const { code, output } = await run(['--test', '--test-reporter=tap', 'app.test.mjs'], dir);
      expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('# pass 1') });
      expect(output).toContain('# fail 0');
    },
    CHILD_TIMEOUT,
  );

  it(
    'the Jest example passes with the jest.config.js the page shows (ts-jest, ESM)',
    async () => {
      const dir = writeExample('jest', {
        'app.ts': APP_CODE,
        // Named .spec.ts so that this repository's own Jest run never collects it.
        'app.spec.ts': runnableBlock(PAGE, 'jest').code,
        'jest.config.js': runnableBlock(PAGE, 'jest-config').code,
        'tsconfig.json': JSON.stringify({
          compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, esModuleInterop: true, skipLibCheck: true, isolatedModules: true, types: ['node', 'jest'] },
        }),
      });
      const { code, output } = await run(['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci'], dir);
      expect({ code, output }).toEqual({ code: 0, output: expect.stringMatching(/Tests:\s+1 passed, 1 total/) });
    },
    CHILD_TIMEOUT,
  );

  it(
    'the Vitest example passes with vitest run',
    async () => {
      const dir = writeExample('vitest', { 'app.ts': APP_CODE, 'app.spec.ts': runnableBlock(PAGE, 'vitest').code });
      const { code, output } = await run([path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', dir], dir);
      expect({ code, output }).toEqual({ code: 0, output: expect.stringMatching(/Tests\s+1 passed \(1\)/) });
    },
    CHILD_TIMEOUT,
  );
});

/** The text block after `<!-- output: name -->` in the page. */
function outputBlock(name: string): string {
  const page = readFileSync(path.join(ROOT, PAGE), 'utf8');
  const match = new RegExp(`<!-- output: ${name} -->\\n\`\`\`text\\n([\\s\\S]*?)\\n\`\`\``).exec(page);
  if (!match?.[1]) throw new Error(`${PAGE} has no text block after <!-- output: ${name} -->`);
  return match[1];
}

/** The arguments of the page's first `npx mojeid-simulator` command. */
function documentedCommand(): string[] {
  const page = readFileSync(path.join(ROOT, PAGE), 'utf8');
  const command = /```sh\n(npx mojeid-simulator[^`]*?)\n```/.exec(page)?.[1];
  if (!command) throw new Error(`${PAGE} shows no npx mojeid-simulator command`);
  return command.replace(/\\\n/g, ' ').split(/\s+/).filter(Boolean).slice(2);
}

describe('the simulator CLI as the page shows it', () => {
  it('prints, for the documented command, the output the page shows', () => {
    const command = parseCliOptions(documentedCommand());
    if (command.kind !== 'run') throw new Error(`the documented command does not parse: ${JSON.stringify(command)}`);
    const shown = outputBlock('mojeid-simulator');
    const caFile = /Notify CA:\s+(\S+)/.exec(shown)?.[1] ?? '';
    const origin = `http://127.0.0.1:${command.port}`;
    expect(shown).toBe(startupText({ origin, issuer: `${origin}/oidc/`, logoutUrl: `${origin}/logout/`, caFile }, command.clients));
  });

  it('lists the test accounts the simulator has, in the page and in --help', async () => {
    const page = readFileSync(path.join(ROOT, PAGE), 'utf8');
    const section = page.slice(page.indexOf('### The test accounts'), page.indexOf('## In your tests'));
    const table = [...section.matchAll(/^\| `([\w-]+)` \| /gm)].map((m) => m[1]);
    expect(table).toEqual(TEST_ACCOUNTS.map((a) => a.id));
    const help = await run([path.join(ROOT, 'simulator', 'dist', 'cli.js'), '--help'], ROOT);
    expect(help.code).toBe(0);
    for (const account of TEST_ACCOUNTS) expect(help.output).toMatch(new RegExp(`^  ${account.id}\\s+${account.label.replace(/[()]/g, '\\$&')}: `, 'm'));
  });

  describe('its printed variables configure an app that logs in', () => {
    let app: TestApp | undefined;
    let stopCli: (() => Promise<number | null>) | undefined;
    afterEach(async () => {
      await app?.close();
      expect(await stopCli?.()).toBe(0);
    });

    it('for a client given on the command line', async () => {
      let printed = '';
      app = await startApp(async (origin) => {
        const child = spawn(process.execPath, [path.join(ROOT, 'simulator', 'dist', 'cli.js'), '--port', '0', '--client-id', 'cli-app', '--client-secret', 'cli-secret', '--redirect-uri', `${origin}/auth/mojeid/callback`], {
          env: childEnv(),
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
        stopCli = () => {
          child.kill('SIGTERM');
          return exited;
        };
        await new Promise<void>((resolve, reject) => {
          child.stdout.on('data', (chunk: Buffer) => {
            printed += chunk.toString();
            if (printed.includes('Ctrl+C stops')) resolve();
          });
          void exited.then((code) => reject(new Error(`mojeid-simulator exited (${code}) before it was ready:\n${printed}`)));
        });
        const variables = Object.fromEntries([...printed.matchAll(/^ {2}(MOJEID_[A-Z_]+)=(\S+)$/gm)].map((m) => [m[1] as string, m[2] as string]));
        // Every variable it prints is one the library reads.
        const known = new Set(CONFIGURATION_SCHEMA.map((entry) => entry.variable));
        expect(Object.keys(variables).filter((name) => !known.has(name))).toEqual([]);
        expect(variables).toEqual({ MOJEID_ISSUER: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/oidc\/$/), MOJEID_CLIENT_ID: 'cli-app', MOJEID_CLIENT_SECRET: 'cli-secret', MOJEID_BASE_URL: origin });
        return { useEnvironment: true, env: variables };
      });
      const browser = new TestBrowser();
      const start = await browser.get(`${app.origin}/auth/mojeid/login`);
      expect(start.status).toBe(302);
      const callback = await loginThroughSimulator(start.location as string, { account: 'business' });
      expect((await browser.get(callback)).status).toBe(303);
      const me = await browser.get(`${app.origin}/me`);
      expect(me.status).toBe(200);
    }, CHILD_TIMEOUT);
  });
});
