/**
 * `passport-mojeid-oidc <command> [options]`: picks the command, parses its options with
 * `node:util` parseArgs (strict: an unknown or misspelt option is an error, not ignored), runs it
 * and turns failures into a message on standard error and an exit code (`errors.ts`).
 */
import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { discover } from './commands/discover.js';
import { register } from './commands/register.js';
import { rotateSecret } from './commands/rotate-secret.js';
import { show } from './commands/show.js';
import { update } from './commands/update.js';
import { createContext, type CliIo, type Values } from './context.js';
import { describeFailure, EXIT, exitCodeOf } from './errors.js';

export const COMMANDS: readonly Command[] = [register, show, update, rotateSecret, discover];

export const HELP = `Usage: passport-mojeid-oidc <command> [options]

Manages a service's client registration with mojeID (CZ.NIC), §5.1.3 of its technical documentation.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(14)}${c.summary}`).join('\n')}

Every command takes --env test|production or --issuer <url>, and --help.
Run \`passport-mojeid-oidc <command> --help\` for its options. Guide: docs/registration.md.

Exit codes: 0 done; 1 mojeID refused or could not be reached, or a file could not be written;
2 wrong command line or configuration; 3 a file or variable exists (use --force).`;

export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(HELP);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`passport-mojeid-oidc: unknown command ${JSON.stringify(name)}\n\n${HELP}`);
    return EXIT.usage;
  }
  let values: Values;
  try {
    ({ values } = parseArgs({ args: [...rest], options: command.options, strict: true, allowPositionals: false }));
  } catch (error) {
    io.err(`passport-mojeid-oidc ${command.name}: ${(error as Error).message}\nRun \`passport-mojeid-oidc ${command.name} --help\` for its options.`);
    return EXIT.usage;
  }
  if (values['help'] === true) {
    io.out(command.help);
    return EXIT.ok;
  }
  try {
    return await command.run(await createContext(io, values));
  } catch (error) {
    io.err(`passport-mojeid-oidc ${command.name}: ${describeFailure(error)}`);
    return exitCodeOf(error);
  }
}
