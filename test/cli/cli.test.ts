/**
 * `passport-mojeid-oidc`, the built CLI, run as a child process the way a person runs it (`node
 * dist/cli/index.js ...`) against a simulator started here. `npm test` builds `dist/` first.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { startSimulator, type RunningSimulator } from 'mojeid-simulator';
import { temporaryDirectory, tokenEndpointVerdict } from '../client-registration/helpers.js';

const CLI = path.resolve(process.cwd(), 'dist', 'cli', 'index.js');
const REDIRECT_URI = 'http://127.0.0.1:3000/auth/mojeid/callback';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI asynchronously (the simulator lives in this process) with a clean environment. */
function cli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: options.cwd ?? directory, env: { PATH: process.env['PATH'] ?? '', ...options.env }, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function variables(text: string): Record<string, string> {
  return Object.fromEntries(Object.entries(parseEnv(text)).filter((e): e is [string, string] => e[1] !== undefined));
}

let sim: RunningSimulator;
let directory: string;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (\`npm test\` does it)`);
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  directory = temporaryDirectory();
});

describe('help', () => {
  it('lists the commands and exit codes; no command is a usage error', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['register', 'show', 'update', 'rotate-secret', 'discover']) expect(help.stdout).toContain(`  ${command}`);
    expect(help.stdout).toMatch(/Exit codes: 0 done; 1 .*\n2 wrong command line or configuration; 3 a file or variable exists/);
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: passport-mojeid-oidc <command>');
    expect((await cli(['frobnicate'])).stderr).toContain('unknown command "frobnicate"');
  });

  it.each(['register', 'show', 'update', 'rotate-secret', 'discover'])('%s --help explains the command and its options', async (command) => {
    const { code, stdout, stderr } = await cli([command, '--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain(`Usage: passport-mojeid-oidc ${command}`);
    expect(stdout).toContain('--env <test|production>');
    expect(stdout).toContain('--issuer <url>');
    expect(stdout).toMatch(/§5\.1\.[35]/);
  });

  it('refuses unknown options and says where to look', async () => {
    const { code, stderr } = await cli(['register', '--redirect-url', 'x']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Unknown option '--redirect-url'[\s\S]*passport-mojeid-oidc register --help/);
  });
});

describe('register', () => {
  it('prints the MOJEID_* variables, with which an app can use the client', async () => {
    const { code, stdout, stderr } = await cli(['register', '--issuer', sim.issuer, '--redirect-uri', REDIRECT_URI, '--client-name', 'CLI shop']);
    expect(code).toBe(0);
    const printed = variables(stdout);
    expect(stdout.split('\n').filter(Boolean).map((line) => line.split('=')[0])).toEqual([
      'MOJEID_ISSUER',
      'MOJEID_CLIENT_ID',
      'MOJEID_CLIENT_SECRET',
      'MOJEID_TOKEN_AUTH_METHOD',
      'MOJEID_CLIENT_SECRET_EXPIRES_AT',
      'MOJEID_REGISTRATION_ACCESS_TOKEN',
      'MOJEID_REGISTRATION_CLIENT_URI',
    ]);
    expect(printed['MOJEID_TOKEN_AUTH_METHOD']).toBe('client_secret_basic');
    expect(stderr).toMatch(/Registered client \w{12}.*\n.*expires: .*\(in 2[34] h/);
    expect(stderr).toContain('full access needs a contract and a manual registration');
    expect((await tokenEndpointVerdict(sim.issuer, printed['MOJEID_CLIENT_ID'] as string, printed['MOJEID_CLIENT_SECRET'] as string)).accepted).toBe(true);
  });

  it('writes a new .env file with mode 0600, and never overwrites its variables without --force', async () => {
    const envFile = path.join(directory, '.env');
    // --dotenv: Node 20 itself reads --env-file and stops when the file does not exist yet.
    const first = await cli(['register', '--issuer', sim.issuer, '--redirect-uri', REDIRECT_URI, '--dotenv', envFile]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Created .*\.env: added MOJEID_ISSUER, MOJEID_CLIENT_ID, /);
    expect(first.stdout).not.toMatch(/MOJEID_CLIENT_SECRET=/); // written, not printed
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    const written = readFileSync(envFile, 'utf8');
    const firstId = variables(written)['MOJEID_CLIENT_ID'];

    const refused = await cli(['register', '--issuer', sim.issuer, '--redirect-uri', REDIRECT_URI, '--env-file', envFile]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/already sets MOJEID_CLIENT_ID, MOJEID_CLIENT_SECRET, .*: nothing was changed; run again with --force/);
    expect(readFileSync(envFile, 'utf8')).toBe(written);

    const forced = await cli(['register', '--issuer', sim.issuer, '--redirect-uri', REDIRECT_URI, '--env-file', envFile, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/^Updated .*: replaced MOJEID_CLIENT_ID, /);
    const replaced = variables(readFileSync(envFile, 'utf8'));
    expect(replaced['MOJEID_CLIENT_ID']).not.toBe(firstId);
    expect(replaced['MOJEID_ISSUER']).toBe(sim.issuer);
  });

  it("adds its variables to an existing .env file and keeps the app's own lines", async () => {
    const envFile = path.join(directory, '.env');
    writeFileSync(envFile, '# my app\nPORT=3000\nSESSION_SECRET="keep me"\n', { mode: 0o640 });
    const { code, stderr } = await cli(['register', '--issuer', sim.issuer, '--redirect-uri', REDIRECT_URI, '--env-file', envFile]);
    expect(code).toBe(0);
    const text = readFileSync(envFile, 'utf8');
    expect(text.startsWith('# my app\nPORT=3000\nSESSION_SECRET="keep me"\n\n# mojeID client ')).toBe(true);
    expect(variables(text)).toMatchObject({ PORT: '3000', SESSION_SECRET: 'keep me', MOJEID_ISSUER: sim.issuer });
    // It now holds the client secret: owner-only, and the CLI says so.
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(stderr).toMatch(/now holds secrets: its mode went from 0640 to owner-only/);
  });

  it('writes the credentials file renewal keeps', async () => {
    const credentialsFile = path.join(directory, 'credentials.json');
    const { code, stdout } = await cli(['register', '--issuer', sim.issuer, '--redirect-uri', REDIRECT_URI, '--credentials-file', credentialsFile]);
    expect(code).toBe(0);
    const saved = JSON.parse(readFileSync(credentialsFile, 'utf8')) as Record<string, unknown>;
    expect(saved['client_id']).toBe(variables(stdout)['MOJEID_CLIENT_ID']);
    expect(statSync(credentialsFile).mode & 0o777).toBe(0o600);
    const again = await cli(['register', '--issuer', sim.issuer, '--redirect-uri', REDIRECT_URI, '--credentials-file', credentialsFile]);
    expect(again.code).toBe(3);
  });

  it('explains what is wrong with the command line', async () => {
    expect(await cli(['register', '--issuer', sim.issuer])).toMatchObject({ code: 2, stderr: expect.stringContaining('--redirect-uri is required') });
    // The app's own callback when its configuration is at hand.
    const fromBase = await cli(['register', '--issuer', sim.issuer], { env: { MOJEID_BASE_URL: 'http://127.0.0.1:3000', MOJEID_MOUNT_PATH: '/login/mojeid' } });
    expect(fromBase).toMatchObject({ code: 0, stderr: expect.stringContaining('for http://127.0.0.1:3000/login/mojeid/callback.') });
    expect(await cli(['register', '--redirect-uri', REDIRECT_URI])).toMatchObject({ code: 2, stderr: expect.stringContaining('say which mojeID: --env test') });
    expect(await cli(['register', '--env', 'staging', '--redirect-uri', REDIRECT_URI])).toMatchObject({ code: 2, stderr: expect.stringContaining('--env must be "test" or "production"') });
    expect(await cli(['register', '--issuer', 'http://mojeid.example/oidc/', '--redirect-uri', REDIRECT_URI])).toMatchObject({ code: 2, stderr: expect.stringContaining('must use https') });
    expect(await cli(['register', '--issuer', sim.issuer, '--redirect-uri', 'shop/callback'])).toMatchObject({ code: 2, stderr: expect.stringContaining('redirect_uris') });
  });

  it('fails with exit code 1 when mojeID cannot be reached', async () => {
    const { code, stderr } = await cli(['register', '--issuer', 'http://127.0.0.1:9/oidc/', '--redirect-uri', REDIRECT_URI, '--timeout', '2']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/did not answer.*\[provider_unavailable\]/);
  });
});

describe('show, update, rotate-secret', () => {
  /** A registration written to `.env` in the test's directory. */
  async function registered(): Promise<{ envFile: string; values: Record<string, string> }> {
    const envFile = path.join(directory, '.env');
    const run = await cli(['register', '--issuer', sim.issuer, '--redirect-uri', REDIRECT_URI, '--client-name', 'Before', '--dotenv', envFile]);
    expect(run.code).toBe(0);
    return { envFile, values: variables(readFileSync(envFile, 'utf8')) };
  }

  it('show prints the registration without its secrets', async () => {
    const { envFile, values } = await registered();
    const { code, stdout } = await cli(['show', '--env-file', envFile]);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`client_id +${values['MOJEID_CLIENT_ID']}`));
    expect(stdout).toMatch(/client_secret +\(hidden\)/);
    expect(stdout).toMatch(/client_secret_expires_at +\d+ = .*\(in 2[34] h/);
    expect(stdout).not.toContain(values['MOJEID_CLIENT_SECRET']);
    expect(stdout).not.toContain(values['MOJEID_REGISTRATION_ACCESS_TOKEN']);
    const json = await cli(['show', '--env-file', envFile, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ client_name: 'Before', client_secret: '(hidden)', registration_access_token: '(hidden)' });
  });

  it('reads the token from the environment too', async () => {
    const { values } = await registered();
    const { code, stdout } = await cli(['show'], { env: { ...values } });
    expect(code).toBe(0);
    expect(stdout).toContain(values['MOJEID_CLIENT_ID']);
  });

  it('update changes what is given, and refuses new redirect URIs with an explanation', async () => {
    const { envFile, values } = await registered();
    const changed = await cli(['update', '--env-file', envFile, '--logo-uri', 'https://shop.example.cz/favicon.png', '--assertion-uri', 'https://shop.example.cz/notify']);
    expect(changed.code).toBe(0);
    expect(changed.stdout).toMatch(/logo_uri +https:\/\/shop\.example\.cz\/favicon\.png/);
    expect(changed.stdout).toMatch(/client_name +Before/);
    expect(changed.stdout).not.toContain(values['MOJEID_CLIENT_SECRET']);

    const refused = await cli(['update', '--env-file', envFile, '--redirect-uri', 'https://elsewhere.example/cb']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/redirect URIs cannot be changed after registration \(§5\.1\.3\).*\[registration_change_refused\]/);
  });

  it('rotate-secret replaces the secret in the .env file only with --force; the old secret stops, the new works', async () => {
    const { envFile, values } = await registered();
    const before = readFileSync(envFile, 'utf8');
    const refused = await cli(['rotate-secret', '--env-file', envFile]);
    expect(refused.code).toBe(3);
    expect(readFileSync(envFile, 'utf8')).toBe(before);
    // Refused before asking mojeID: the secret in the file still works.
    expect((await tokenEndpointVerdict(sim.issuer, values['MOJEID_CLIENT_ID'] as string, values['MOJEID_CLIENT_SECRET'] as string)).accepted).toBe(true);

    const rotated = await cli(['rotate-secret', '--env-file', envFile, '--force']);
    expect(rotated.code).toBe(0);
    // The expiry changes too, unless the rotation fell in the registration's second.
    expect(rotated.stdout).toMatch(/Updated .*: MOJEID_CLIENT_SECRET(, MOJEID_CLIENT_SECRET_EXPIRES_AT)?\./);
    expect(rotated.stderr).toContain('The old secret no longer works');
    const after = variables(readFileSync(envFile, 'utf8'));
    expect(after['MOJEID_CLIENT_SECRET']).not.toBe(values['MOJEID_CLIENT_SECRET']);
    expect(after['MOJEID_REGISTRATION_ACCESS_TOKEN']).toBe(values['MOJEID_REGISTRATION_ACCESS_TOKEN']);
    expect((await tokenEndpointVerdict(sim.issuer, values['MOJEID_CLIENT_ID'] as string, values['MOJEID_CLIENT_SECRET'] as string)).accepted).toBe(false);
    expect((await tokenEndpointVerdict(sim.issuer, values['MOJEID_CLIENT_ID'] as string, after['MOJEID_CLIENT_SECRET'] as string)).accepted).toBe(true);
  });

  it('rotate-secret prints the new secret, or updates the credentials file it read', async () => {
    const credentialsFile = path.join(directory, 'credentials.json');
    expect((await cli(['register', '--issuer', sim.issuer, '--redirect-uri', REDIRECT_URI, '--credentials-file', credentialsFile])).code).toBe(0);
    const before = JSON.parse(readFileSync(credentialsFile, 'utf8')) as Record<string, string>;
    const updated = await cli(['rotate-secret', '--issuer', sim.issuer, '--credentials-file', credentialsFile]);
    expect(updated.code).toBe(0);
    const after = JSON.parse(readFileSync(credentialsFile, 'utf8')) as Record<string, string>;
    expect(after['client_secret']).not.toBe(before['client_secret']);
    expect(updated.stdout).not.toContain(after['client_secret']);

    // Without an output file, the new secret is printed: the user asked for it.
    const { code, stdout } = await cli(['rotate-secret', '--issuer', sim.issuer], {
      env: { MOJEID_CLIENT_ID: after['client_id'] as string, MOJEID_REGISTRATION_ACCESS_TOKEN: after['registration_access_token'] as string },
    });
    expect(code).toBe(0);
    expect(Object.keys(variables(stdout)).sort()).toEqual(['MOJEID_CLIENT_SECRET', 'MOJEID_CLIENT_SECRET_EXPIRES_AT']);
  });

  it('explains a refused registration access token without printing it', async () => {
    const { values } = await registered();
    const { code, stderr } = await cli(['show', '--issuer', sim.issuer], {
      env: { MOJEID_CLIENT_ID: values['MOJEID_CLIENT_ID'] as string, MOJEID_REGISTRATION_ACCESS_TOKEN: 'wrong-token-value-42' },
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/HTTP 401 \(invalid_token.*registration access token was refused.*\[client_registration_failed\]/);
    expect(stderr).not.toContain('wrong-token-value-42');
  });

  it('says where the registration access token comes from when there is none', async () => {
    const { code, stderr } = await cli(['rotate-secret', '--issuer', sim.issuer, '--client-id', 'abc']);
    expect(code).toBe(2);
    expect(stderr).toContain('no registration access token: set MOJEID_REGISTRATION_ACCESS_TOKEN');
  });
});

describe('discover (§5.1.5)', () => {
  it('prints the main endpoints of the well-known document', async () => {
    const { code, stdout } = await cli(['discover', '--issuer', sim.issuer]);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^issuer +${sim.issuer}`, 'm'));
    expect(stdout).toMatch(new RegExp(`^registration_endpoint +${sim.issuer}registration/`, 'm'));
  });

  it('finds the issuer through WebFinger first, and prints the whole document as JSON', async () => {
    const { code, stdout, stderr } = await cli(['discover', '--issuer', sim.issuer, '--webfinger', '--resource', 'joe@mojeid.cz', '--json']);
    expect(code).toBe(0);
    expect(stderr).toContain(`WebFinger names the issuer ${sim.issuer}`);
    expect(JSON.parse(stdout)).toMatchObject({ issuer: sim.issuer, token_endpoint: `${sim.issuer}token/` });
  });
});
