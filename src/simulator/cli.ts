#!/usr/bin/env node
/**
 * `mojeid-simulator`: run the local mojeID simulator from the command line.
 *
 *   mojeid-simulator --port 9400 --client-id X --client-secret Y --redirect-uri URL [--auth-method client_secret_post]
 *
 * Prints the issuer, the registered clients and the test accounts (§8.1), then serves until
 * SIGINT or SIGTERM. Options: `--help` or `cli-options.ts`.
 *
 * @module
 */
import { HELP, parseCliOptions } from './cli-options.js';
import { TEST_ACCOUNTS, startSimulator } from './index.js';

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

  const { host, port, clients } = command;
  let simulator;
  try {
    simulator = await startSimulator({ host, port, clients });
  } catch (error) {
    console.error(`mojeid-simulator: cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
    return;
  }

  console.log('mojeID simulator running');
  console.log(`  issuer:     ${simulator.issuer}`);
  console.log(`  discovery:  ${simulator.issuer}.well-known/openid-configuration`);
  console.log(`  logout:     ${simulator.logoutUrl}`);
  for (const client of clients) {
    const access = client.full_access === false ? 'partial access' : 'full access';
    console.log(`  client:     ${client.client_id} (${client.token_endpoint_auth_method ?? 'client_secret_basic'}, ${access})`);
    for (const uri of client.redirect_uris) console.log(`              redirect_uri ${uri}`);
  }
  if (clients.length === 0) console.log(`  clients:    none; register dynamically at ${simulator.issuer}registration/`);
  console.log(`  accounts:   ${TEST_ACCOUNTS.map((a) => `${a.id} (${a.label})`).join(', ')}`);
  // Ch. 6: notifications to https assertion_uris carry a certificate from this CA.
  console.log(`  notify CA:  ${simulator.accountCreation.caFile} (MOJEID_NOTIFY_CA_FILE)`);

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
