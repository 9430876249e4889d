/**
 * Command-line options of `mojeid-simulator` (see `cli.ts`), parsed without side effects so
 * they can be tested.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { TEST_ACCOUNTS } from './accounts.js';
import type { SimulatorAccount, SimulatorClient, SimulatorMode } from './types.js';

/** The English half of an account's bilingual description (`"Czech / English, §x"`). */
function englishDescription(account: SimulatorAccount): string {
  const parts = account.description.split(' / ');
  return parts[parts.length - 1] ?? account.description;
}

function accountLines(accounts: readonly SimulatorAccount[], indent: string): string[] {
  const width = Math.max(...accounts.map((a) => a.id.length));
  return accounts.map((a) => `${indent}${a.id.padEnd(width)}  ${a.label}: ${englishDescription(a)}`);
}

export const HELP = `Usage: mojeid-simulator [options]

Runs a local mojeID (CZ.NIC OpenID Connect provider) simulator, for development and tests: log in
as one of its test accounts without a mojeID account or a client registration at CZ.NIC.

Options:
  --port <n>             Port to listen on (default 9400; 0 = any free port)
  --host <address>       Address to listen on (default 127.0.0.1)
  --client-id <id>       Register a client with this client_id
  --client-secret <s>    Its client_secret (required with --client-id)
  --redirect-uri <url>   Its redirect URI, your app's <MOJEID_BASE_URL>/auth/mojeid/callback
                         (repeatable; required with --client-id)
  --auth-method <m>      client_secret_basic (default, as mojeID) or client_secret_post
  --client-name <name>   Name shown on the consent page
  --partial-access       Do not give the client full access (Appendix 1 "Only for full access" claims)
  --mode <m>             production (default): discovery, acr values and withheld claims (null) as
                         production mojeID; manual: as the manual 3.1.4 (§5.1.12 acr spelling,
                         withheld claims left out)
  -h, --help             Show this help

On start it prints the MOJEID_* variables for your app (MOJEID_ISSUER is
http://<host>:<port>/oidc/), the client and the test accounts (the three kinds of §8.1):
${accountLines(TEST_ACCOUNTS, '  ').join('\n')}

Without --client-id, register a client dynamically at <issuer>registration/ (§5.1.3), e.g.
  npx passport-mojeid-oidc register --issuer http://127.0.0.1:9400/oidc/ \\
    --redirect-uri http://localhost:3000/auth/mojeid/callback
Clients and logins live in memory: a restart forgets them.

Example:
  mojeid-simulator --client-id my-app --client-secret dev-secret \\
    --redirect-uri http://localhost:3000/auth/mojeid/callback
`;

/** What the startup text needs of a running simulator. */
export interface StartupInfo {
  origin: string;
  issuer: string;
  logoutUrl: string;
  /** The account-creation notification CA (ch. 6). */
  caFile: string;
  /** Named only when not the default, so the usual output stays as the docs show it. */
  mode?: SimulatorMode;
}

/**
 * What `mojeid-simulator` prints once it listens: first the variables to copy into the app's
 * environment, then what it serves. Pure, so the docs can show exactly this (docs/testing-with-the-simulator.md).
 */
export function startupText(info: StartupInfo, clients: readonly SimulatorClient[], accounts: readonly SimulatorAccount[] = TEST_ACCOUNTS): string {
  const lines = [`mojeID simulator running at ${info.origin}`];
  if (info.mode === 'manual') lines.push("Mode: manual (the manual 3.1.4's acr spelling; withheld claims left out)");
  lines.push('', 'Variables for your app:', `  MOJEID_ISSUER=${info.issuer}`);
  const [client] = clients;
  const redirect = client?.redirect_uris[0];
  if (client && redirect) {
    lines.push(`  MOJEID_CLIENT_ID=${client.client_id}`, `  MOJEID_CLIENT_SECRET=${client.client_secret}`);
    const url = new URL(redirect);
    // The router's default callback is <MOJEID_BASE_URL>/auth/mojeid/callback; any other redirect
    // URI has to be given as it is.
    if (url.pathname === '/auth/mojeid/callback' && !url.search) lines.push(`  MOJEID_BASE_URL=${url.origin}`);
    else lines.push(`  MOJEID_REDIRECT_URI=${redirect}`, `  MOJEID_BASE_URL=<your app's origin>`);
    if (client.token_endpoint_auth_method === 'client_secret_post') lines.push('  MOJEID_TOKEN_AUTH_METHOD=client_secret_post');
    lines.push('');
    for (const c of clients) {
      const access = c.full_access === false ? 'partial access' : 'full access';
      lines.push(`Client ${c.client_id} (${c.token_endpoint_auth_method ?? 'client_secret_basic'}, ${access}), redirect URIs:`);
      for (const uri of c.redirect_uris) lines.push(`  ${uri}`);
    }
  } else {
    lines.push(
      '',
      'No client yet: restart with --client-id, --client-secret and --redirect-uri, or register one',
      'dynamically (§5.1.3), which prints MOJEID_CLIENT_ID and MOJEID_CLIENT_SECRET:',
      `  npx passport-mojeid-oidc register --issuer ${info.issuer} --redirect-uri <MOJEID_BASE_URL>/auth/mojeid/callback`,
    );
  }
  lines.push(
    '',
    'Test accounts (§8.1), offered on the login page:',
    ...accountLines(accounts, '  '),
    '',
    `Discovery:  ${info.issuer}.well-known/openid-configuration`,
    `Logout:     ${info.logoutUrl}`,
    // Ch. 6: notifications to https assertion_uris carry a certificate from this CA.
    `Notify CA:  ${info.caFile} (MOJEID_NOTIFY_CA_FILE, for account creation)`,
    '',
    'Clients and logins live in memory. Ctrl+C stops the simulator.',
  );
  return lines.join('\n');
}

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'error'; message: string }
  | { kind: 'run'; host: string; port: number; mode: SimulatorMode; clients: SimulatorClient[] };

export function parseCliOptions(args: readonly string[]): CliCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        port: { type: 'string', default: '9400' },
        host: { type: 'string', default: '127.0.0.1' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        'redirect-uri': { type: 'string', multiple: true },
        'auth-method': { type: 'string' },
        'client-name': { type: 'string' },
        'partial-access': { type: 'boolean', default: false },
        mode: { type: 'string', default: 'production' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { kind: 'help' };

  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) return { kind: 'error', message: `--port must be a port number, got ${values.port}` };

  const mode = values.mode;
  if (mode !== 'production' && mode !== 'manual') return { kind: 'error', message: `--mode must be production or manual, got ${mode}` };

  const clientId = values['client-id'];
  if (clientId === undefined) {
    if (values['client-secret'] || values['redirect-uri'] || values['auth-method'] || values['client-name']) {
      return { kind: 'error', message: '--client-secret, --redirect-uri, --auth-method and --client-name need --client-id' };
    }
    return { kind: 'run', host: values.host, port, mode, clients: [] };
  }
  const secret = values['client-secret'];
  const redirectUris = values['redirect-uri'] ?? [];
  if (!secret) return { kind: 'error', message: '--client-secret is required with --client-id' };
  if (redirectUris.length === 0) return { kind: 'error', message: '--redirect-uri is required with --client-id' };
  const method = values['auth-method'] ?? 'client_secret_basic';
  if (method !== 'client_secret_basic' && method !== 'client_secret_post') {
    return { kind: 'error', message: '--auth-method must be client_secret_basic or client_secret_post' };
  }
  const client: SimulatorClient = {
    client_id: clientId,
    client_secret: secret,
    redirect_uris: redirectUris,
    token_endpoint_auth_method: method,
    full_access: !values['partial-access'],
    ...(values['client-name'] ? { client_name: values['client-name'] } : {}),
  };
  return { kind: 'run', host: values.host, port, mode, clients: [client] };
}
