/**
 * Command-line options of `mojeid-simulator` (see `cli.ts`), parsed without side effects so
 * they can be tested.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import type { SimulatorClient } from './types.js';

export const HELP = `Usage: mojeid-simulator [options]

Runs a local mojeID (CZ.NIC OpenID Connect provider) simulator.

Options:
  --port <n>             Port to listen on (default 9400; 0 = any free port)
  --host <address>       Address to listen on (default 127.0.0.1)
  --client-id <id>       Register a client with this client_id
  --client-secret <s>    Its client_secret (required with --client-id)
  --redirect-uri <url>   Its redirect URI (repeatable; required with --client-id)
  --auth-method <m>      client_secret_basic (default, as mojeID) or client_secret_post
  --client-name <name>   Name shown on the consent page
  --partial-access       Do not give the client full access (Appendix 1 "Only for full access" claims)
  -h, --help             Show this help

Without --client-id, clients can still register dynamically at <issuer>registration/ (§5.1.3).
`;

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'error'; message: string }
  | { kind: 'run'; host: string; port: number; clients: SimulatorClient[] };

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

  const clientId = values['client-id'];
  if (clientId === undefined) {
    if (values['client-secret'] || values['redirect-uri'] || values['auth-method'] || values['client-name']) {
      return { kind: 'error', message: '--client-secret, --redirect-uri, --auth-method and --client-name need --client-id' };
    }
    return { kind: 'run', host: values.host, port, clients: [] };
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
  return { kind: 'run', host: values.host, port, clients: [client] };
}
