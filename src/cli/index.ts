#!/usr/bin/env node
/**
 * `passport-mojeid-oidc`, the package's command line: client registration with mojeID (§5.1.3).
 * `npx passport-mojeid-oidc --help`, or `node dist/cli/index.js --help` after `npm run build`.
 *
 * @module
 */
import { runCli } from './run.js';

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
});
process.exitCode = code;
