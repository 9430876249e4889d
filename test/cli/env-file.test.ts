/**
 * The `.env` files the CLI writes hold secrets and are read by Node itself (`node --env-file`,
 * `util.parseEnv`): every value must read back exactly as written, or not be written at all, and
 * the file must not stay readable by others.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { writeEnvVariables } from '../../src/cli/env-file.js';
import { CliError } from '../../src/cli/errors.js';
import { temporaryDirectory } from '../client-registration/helpers.js';

const VALUES: ReadonlyArray<readonly [string, string]> = [
  ['PLAIN', 'abcDEF123456'],
  ['HASH', 'secret#not-a-comment'],
  ['DOUBLE', 'say "hi"'],
  ['SINGLE', "it's"],
  ['BOTH', `a"b'c`],
  ['BACKSLASH', 'C:\\path\\n\\to'],
  ['NEWLINE', 'line one\nline two'],
  ['SPACES', '  padded  '],
  ['EMPTY', ''],
  ['URL', 'https://mojeid.cz/oidc/registration/?client_id=a&x=y'],
];

it('writes values with quotes, #, backslashes and line breaks so that util.parseEnv reads them back the same', async () => {
  const file = path.join(temporaryDirectory(), '.env');
  writeFileSync(file, '# the app\nPORT=3000\n', { mode: 0o600 });
  await writeEnvVariables(file, VALUES, false, 'test');
  const reread = parseEnv(readFileSync(file, 'utf8'));
  for (const [name, value] of VALUES) expect({ name, value: reread[name] }).toEqual({ name, value });
  expect(reread['PORT']).toBe('3000');
});

it('refuses a value no .env spelling reads back (a lone carriage return, every quote and a line break), changing nothing', async () => {
  const file = path.join(temporaryDirectory(), '.env');
  writeFileSync(file, 'PORT=3000\n', { mode: 0o600 });
  for (const value of ['one\rtwo', `a'b"c\`d\ne`]) {
    const refused = await writeEnvVariables(file, [['MOJEID_CLIENT_SECRET', value]], false, 'test').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CliError);
    expect((refused as CliError).message).toContain('MOJEID_CLIENT_SECRET');
    expect(readFileSync(file, 'utf8')).toBe('PORT=3000\n');
  }
});

it('tightens an existing 0644 .env file to 0600 when it writes secrets to it', async () => {
  const file = path.join(temporaryDirectory(), '.env');
  writeFileSync(file, 'PORT=3000\n');
  const { chmodSync } = await import('node:fs');
  chmodSync(file, 0o644);
  const change = await writeEnvVariables(file, [['MOJEID_CLIENT_SECRET', 'abcDEF123456']], false, 'test');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(change.tightenedFrom).toBe(0o644);
  expect(parseEnv(readFileSync(file, 'utf8'))['MOJEID_CLIENT_SECRET']).toBe('abcDEF123456');
});
