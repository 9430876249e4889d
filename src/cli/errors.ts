/**
 * Exit codes of `passport-mojeid-oidc`, and the error that carries one. Messages never contain a
 * secret: the library's errors do not, and the CLI adds only names and paths.
 */
import { ConfigurationError, MojeIdError, RegistrationChangeRefusedError } from '../errors.js';

export const EXIT = Object.freeze({
  ok: 0,
  /** mojeID refused the request, could not be reached, or a file could not be written. */
  failed: 1,
  /** The command line or the configuration is wrong: fix it and run again. */
  usage: 2,
  /** A file or variable exists and `--force` was not given. */
  exists: 3,
});

export class CliError extends Error {
  readonly exitCode: number;

  constructor(exitCode: number, message: string) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof ConfigurationError || error instanceof RegistrationChangeRefusedError) return EXIT.usage;
  return EXIT.failed;
}

/** What to print for a failure: the message, and for library errors the stable code. */
export function describeFailure(error: unknown): string {
  if (error instanceof CliError) return error.message;
  if (error instanceof MojeIdError) return `${error.message} [${error.code}]`;
  return error instanceof Error ? error.message : String(error);
}
