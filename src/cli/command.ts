/** The shape of one CLI command: its options for `node:util` parseArgs, its help, and what it does. */
import type { ParseArgsConfig } from 'node:util';
import type { Context } from './context.js';

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The whole `--help` text. */
  readonly help: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Resolves with the exit code; throws for failures (see `errors.ts`). */
  run(context: Context): Promise<number>;
}
