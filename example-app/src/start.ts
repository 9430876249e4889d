/**
 * Starts the example app: reads the configuration, opens the database, starts the mojeID
 * simulator if no real mojeID client is configured, and listens on PORT.
 *
 *   npm start        (builds the library and this app, then runs example-app/dist/start.js)
 *
 * A configuration error, or a Redis it cannot reach (REDIS_URL), stops it with exit code 1 and a
 * message naming the variable, no stack trace.
 */
import http from 'node:http';
import https from 'node:https';
import { createExampleApp, type ExampleApp } from './app.js';
import { describeConfigError, loadConfig } from './config.js';
import { DEMO_ACCOUNT } from './db.js';
import { RedisUnavailableError, redactUrl } from './redis.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  for (const warning of config.warnings) console.warn(`Warning: ${warning}`);
  const example: ExampleApp = await createExampleApp({ config });
  // HTTPS_CERT_FILE/HTTPS_KEY_FILE: TLS terminated here, with an optional client-certificate
  // request so mojeID's registration notifications can be verified (§6.2).
  const server = example.httpsOptions ? https.createServer(example.httpsOptions, example.app) : http.createServer(example.app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, () => resolve());
  });

  if (example.simulator) {
    console.log(`mojeID: the local simulator at ${example.simulator.origin} (no MOJEID_CLIENT_ID set).`);
    console.log('        Test accounts to choose there: partial, nia-high, business.');
    if (example.notificationUrl) {
      console.log(`        Its registration notifications (ch. 6) come to ${example.notificationUrl}`);
      console.log("        over mutual TLS, with a client certificate from the simulator's own test CA (§6.2).");
    }
  } else {
    console.log(`mojeID: ${example.mojeid.issuer} as client ${example.mojeid.clientId}; redirect URI ${example.mojeid.redirectUri}`);
  }
  if (config.redis) console.log(`Sessions, account registrations and renewed credentials: Redis at ${redactUrl(config.redis.url)} (REDIS_URL).`);
  if (example.demoAccountCreated) console.log(`Created the demo account ${DEMO_ACCOUNT.email} (password ${DEMO_ACCOUNT.password}).`);
  console.log(`\nExample app ready. Open ${config.baseUrl}/\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections();
    void example.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const configProblem = describeConfigError(error);
  if (configProblem) {
    console.error(configProblem);
  } else if (error instanceof RedisUnavailableError) {
    console.error(`The example app cannot start: ${error.message}`);
  } else if ((error as { code?: unknown } | null)?.code === 'EADDRINUSE') {
    console.error(`The example app cannot start: ${(error as Error).message}. Set PORT (and SIMULATOR_PORT) to free ports.`);
  } else {
    console.error('The example app failed to start:', error);
  }
  process.exit(1);
});
