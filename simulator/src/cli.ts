#!/usr/bin/env node
/**
 * `mojeid-simulator`: run the local mojeID simulator from the command line.
 *
 *   mojeid-simulator --port 9400 --client-id X --client-secret Y --redirect-uri URL [--auth-method client_secret_post] [--mode manual]
 *
 * Prints the MOJEID_* variables for the app, the registered client and the test accounts (§8.1),
 * then serves until SIGINT or SIGTERM. Options and output: `--help` or `cli-options.ts`.
 *
 * @module
 */
import { HELP, parseCliOptions, startupText } from './cli-options.js';
import { startSimulator } from './index.js';

async function main(): Promise<void> {
  const command = parseCliOptions(process.argv.slice(2));
  if (command.kind === 'help') {
    console.log(HELP);
    return;
  }
  if (command.kind === 'error') {
    console.error(`mojeid-simulator: ${command.message}\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }

  const { host, port, mode, clients } = command;
  let simulator;
  try {
    simulator = await startSimulator({ host, port, mode, clients });
  } catch (error) {
    console.error(`mojeid-simulator: cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
    return;
  }

  console.log(
    startupText({ origin: simulator.origin, issuer: simulator.issuer, logoutUrl: simulator.logoutUrl, caFile: simulator.accountCreation.caFile, mode: simulator.mode }, clients),
  );

  const running = simulator;
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping the mojeID simulator`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
