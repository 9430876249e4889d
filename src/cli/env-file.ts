/**
 * Reading and writing `.env` files for the CLI. Writing never replaces a variable the file already
 * sets unless forced (it may hold the only copy of a working secret), adds the others at the end,
 * and swaps the file atomically (`writeFileAtomically`). The file holds secrets, so a new one is
 * created with mode 0600 and an existing one loses its group and other permissions. Every value is
 * written so that Node's own reader (`util.parseEnv`, `node --env-file`) reads it back unchanged,
 * or not at all.
 */
import { readFile, stat } from 'node:fs/promises';
import { parseEnv } from 'node:util';
import { writeFileAtomically } from '../client-registration/atomic-write.js';
import { CliError, EXIT } from './errors.js';

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/;

/** The file's text, or `undefined` when it does not exist. */
async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw new CliError(EXIT.failed, `cannot read ${file}: ${(error as Error).message}`);
  }
}

function parsed(text: string | undefined): Record<string, string> {
  if (text === undefined) return {};
  return Object.fromEntries(Object.entries(parseEnv(text)).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** The variables a `.env` file sets; empty when it does not exist. */
export async function readEnvFile(file: string): Promise<Record<string, string>> {
  return parsed(await readIfExists(file));
}

/**
 * `NAME=value` in the first spelling `util.parseEnv` reads back as exactly `value`. Node's reader
 * has no escapes but `\n` in double quotes, drops `\r`, and ends a value at `#` or its quote, so
 * some values have no spelling at all: refused rather than written as something else.
 */
export function envLine(name: string, value: string): string {
  const candidates = [
    ...(/^[A-Za-z0-9_./:?&=%+@,~-]*$/.test(value) ? [`${name}=${value}`] : []),
    `${name}='${value}'`,
    `${name}="${value.replace(/\n/g, '\\n')}"`,
    `${name}=\`${value}\``,
  ];
  // One line per variable, so a later run can replace it in place.
  const line = candidates.find((candidate) => !/[\r\n]/.test(candidate) && parseEnv(candidate)[name] === value);
  if (line === undefined) {
    throw new CliError(EXIT.failed, `the value of ${name} cannot be written to a .env file so that it reads back the same (it mixes quotes, line breaks or carriage returns)`);
  }
  return line;
}

/** For printing credentials that must not be lost: `envLine`, or the value as JSON when it has no spelling. */
export function printableEnvLine(name: string, value: string): string {
  try {
    return envLine(name, value);
  } catch {
    return `# ${name} as JSON (no .env spelling reads it back the same): ${JSON.stringify(value)}`;
  }
}

/**
 * Refuses (exit code 3) to overwrite, unless `force`, a variable the file sets to something else
 * (or to anything, when the new value is not known yet: `undefined`). Call it before changing
 * anything at mojeID.
 */
export async function assertWritable(file: string, variables: ReadonlyArray<readonly [string, string | undefined]>, force: boolean): Promise<void> {
  refuseConflicts(file, await readEnvFile(file), variables, force);
}

function refuseConflicts(file: string, existing: Record<string, string>, variables: ReadonlyArray<readonly [string, string | undefined]>, force: boolean): void {
  const conflicts = variables.filter(([name, value]) => name in existing && (value === undefined || existing[name] !== value)).map(([name]) => name);
  if (conflicts.length && !force) {
    throw new CliError(EXIT.exists, `${file} already sets ${conflicts.join(', ')}: nothing was changed; run again with --force to replace ${conflicts.length > 1 ? 'them' : 'it'}`);
  }
}

export interface EnvFileChange {
  created: boolean;
  replaced: string[];
  added: string[];
  /** The mode an existing file had, when group or other could read it: now owner-only. */
  tightenedFrom?: number;
}

/**
 * Sets `variables` in the file: a variable it already sets to another value is replaced in place
 * (only with `force`), one it sets to the same value is left alone, the rest are appended.
 */
export async function writeEnvVariables(file: string, variables: ReadonlyArray<readonly [string, string]>, force: boolean, heading: string): Promise<EnvFileChange> {
  const text = await readIfExists(file);
  const current = parsed(text);
  refuseConflicts(file, current, variables, force);
  const values = new Map(variables.filter(([name, value]) => current[name] !== value));
  const replaced: string[] = [];
  const lines = text === undefined ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  const kept: string[] = [];
  for (const line of lines) {
    const name = ASSIGNMENT.exec(line)?.[1];
    if (name === undefined || !values.has(name)) kept.push(line);
    else if (!replaced.includes(name)) {
      replaced.push(name);
      kept.push(envLine(name, values.get(name) as string));
    } // a repeated assignment of a replaced variable is dropped: the file means one value
  }
  const added = [...values.keys()].filter((name) => !replaced.includes(name));
  if (added.length) {
    if (kept.length && kept[kept.length - 1] !== '') kept.push('');
    kept.push(`# ${heading}`, ...added.map((name) => envLine(name, values.get(name) as string)));
  }
  const written = `${kept.join('\n')}\n`;
  // Whatever the app's own lines do to the reader, ours must come back as written.
  const reread = parseEnv(written);
  const misread = variables.filter(([name, value]) => reread[name] !== value).map(([name]) => name);
  if (misread.length) {
    throw new CliError(EXIT.failed, `${file} would not read back ${misread.join(', ')} as written (check the lines above them for an unclosed quote): nothing was changed`);
  }
  // Secrets: readable by the owner only, whatever the file allowed before.
  const before = text === undefined ? undefined : (await stat(file)).mode & 0o777;
  const mode = before === undefined ? 0o600 : before & 0o700;
  try {
    await writeFileAtomically(file, written, mode);
  } catch (error) {
    throw new CliError(EXIT.failed, `cannot write ${file}: ${(error as Error).message}`);
  }
  return { created: text === undefined, replaced, added, ...(before !== undefined && before !== mode ? { tightenedFrom: before } : {}) };
}

