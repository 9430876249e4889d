/**
 * The configuration schema is the one source of validation and documentation: every option has one
 * entry, a value is checked the same way from code and from its variable, every documented example
 * is a value the check accepts, and `.env.example` never carries a secret.
 */
import { resolveConfig, renderEnvExample } from '../../src/config.js';
import { SCHEMA, type SchemaEntry } from '../../src/config-schema.js';
import { ConfigurationError } from '../../src/errors.js';
import type { MojeIdOptions } from '../../src/index.js';

const entries = SCHEMA as readonly SchemaEntry[];
const BASE = { clientId: 'abcDEF123456', clientSecret: 'super-secret-value', baseUrl: 'https://shop.example.cz', environment: 'test' } as const;

/** The message resolveConfig gives for `option`, or undefined when it has none. */
function messageFor(input: MojeIdOptions, option: string): string | undefined {
  try {
    resolveConfig(input);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    return error.issues.find((i) => i.option === option)?.message;
  }
  return undefined;
}

it('has one entry per option and per variable', () => {
  expect(new Set(entries.map((e) => e.option)).size).toBe(entries.length);
  expect(new Set(entries.map((e) => e.variable)).size).toBe(entries.length);
});

// Options whose code type is no text (an object, a list given only as an array) read text differently.
const NOT_TEXT_IN_CODE = new Set(['claims', 'sessionClaims']);

it.each(entries.filter((e) => !NOT_TEXT_IN_CODE.has(e.option)).map((e) => [e.option, e.variable] as const))(
  'checks %s the same way from code and from %s',
  (option, variable) => {
    const bogus = 'bogus value';
    const fromCode = messageFor({ ...BASE, useEnvironment: false, [option]: bogus }, option);
    // Code wins over the variable, so the base must not give this option in code.
    const base: Record<string, unknown> = { ...BASE };
    delete base[option];
    const fromEnv = messageFor({ ...base, env: { [variable]: bogus } }, option);
    // The comparison would pass vacuously if neither refused it: only these accept any text.
    if (!['clientSecret', 'registrationAccessToken', 'credentialsFile'].includes(option)) expect(fromCode).toBeDefined();
    expect(fromEnv).toBe(fromCode);
  },
);

it('refuses text where code must give a number or a switch, saying what was given', () => {
  expect(messageFor({ ...BASE, useEnvironment: false, httpTimeout: '5' as unknown as number }, 'httpTimeout')).toBe('expected a whole number greater than 0, got "5"');
  expect(messageFor({ ...BASE, useEnvironment: false, pkce: 'false' as unknown as boolean }, 'pkce')).toBe('expected true or false, got "false"');
  expect(messageFor({ ...BASE, env: { MOJEID_PKCE: 'false' } }, 'pkce')).toBeUndefined();
});

it.each(['valueOf', 'constructor', '__proto__', 'toString'])('takes the inherited name %s for no known value, from code either', (name) => {
  expect(messageFor({ ...BASE, useEnvironment: false, accept: [name as 'validated'] }, 'accept')).toContain(JSON.stringify(name));
  expect(messageFor({ ...BASE, useEnvironment: false, locale: name as 'cs' }, 'locale')).toContain(JSON.stringify(name));
  expect(messageFor({ ...BASE, useEnvironment: false, scope: [name] }, 'scope')).toContain(JSON.stringify(name));
  expect(messageFor({ ...BASE, useEnvironment: false, sessionClaims: [name] }, 'sessionClaims')).toContain(JSON.stringify(name));
  expect(messageFor({ ...BASE, useEnvironment: false, claims: JSON.parse(`{${JSON.stringify(name)}:"essential"}`) }, 'claims')).toContain(JSON.stringify(name));
});

it.each(entries.filter((e) => !e.secret && e.option !== 'notifyCa').map((e) => [e.variable, e] as const))('documents an example of %s that its check accepts', (_variable, entry) => {
  const parsed = entry.fromText(entry.example);
  expect(parsed.ok && entry.check(parsed.value)).toMatchObject({ ok: true });
});

it('writes every variable into .env.example once, secrets without a value', () => {
  const text = renderEnvExample();
  for (const entry of entries) {
    const lines = text.split('\n').filter((line) => line.startsWith(`#${entry.variable}=`));
    expect(lines).toEqual([`#${entry.variable}=${entry.secret ? '' : entry.example}`]);
  }
  expect(text.split('\n').every((line) => line.length <= 100 || !line.includes(' '))).toBe(true);
});
