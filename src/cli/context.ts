/**
 * What every command shares: the options saying which mojeID to talk to, the variables read from
 * the environment and an optional `.env` file, and where the registration access token comes from.
 */
import type { ParseArgsConfig } from 'node:util';
import { FileCredentialStore } from '../client-registration/file-store.js';
import type { ClientRegistrationOptions, RegistrationAccess } from '../client-registration/types.js';
import { ENVIRONMENTS, registrationClientUriFor } from '../environments.js';
import { CliError, EXIT } from './errors.js';
import { readEnvFile } from './env-file.js';

export interface CliIo {
  /** Standard output: what the user asked for (variables, the registration). */
  out(text: string): void;
  /** Standard error: notes and errors. */
  err(text: string): void;
  /** The process environment. */
  env: Readonly<Record<string, string | undefined>>;
  fetch?: typeof fetch;
}

type Options = NonNullable<ParseArgsConfig['options']>;

export const COMMON_OPTIONS = {
  env: { type: 'string' },
  issuer: { type: 'string' },
  timeout: { type: 'string' },
  'env-file': { type: 'string' },
  dotenv: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export const COMMON_HELP = `Which mojeID (default: MOJEID_ISSUER or MOJEID_ENV from the environment or --env-file):
  --env <test|production>  mojeID's test instance (mojeid.regtest.nic.cz) or production (mojeid.cz)
  --issuer <url>           any other issuer, e.g. the local simulator http://127.0.0.1:9400/oidc/
                           (https, except on a loopback host); wins over --env
Other:
  --timeout <seconds>      give up on a request after this long (default MOJEID_HTTP_TIMEOUT or 10)
  --dotenv <path>          the same as --env-file. Node 20 reads --env-file itself, even after the
                           script name, and stops with "node: <path>: not found" when the file does
                           not exist yet: use --dotenv for a new file
  -h, --help               show this help`;

export type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

export interface Context {
  readonly io: CliIo;
  readonly values: Values;
  /** process.env with the `--env-file` variables over it (the file was named explicitly). */
  readonly variables: Readonly<Record<string, string | undefined>>;
}

/** `--env-file`, or its alias `--dotenv`. */
export function envFileOf(values: Values): string | undefined {
  const envFile = stringOption(values, 'env-file');
  const dotenv = stringOption(values, 'dotenv');
  if (envFile !== undefined && dotenv !== undefined && envFile !== dotenv) throw new CliError(EXIT.usage, '--env-file and --dotenv name different files: give one');
  return envFile ?? dotenv;
}

export async function createContext(io: CliIo, values: Values): Promise<Context> {
  const envFile = envFileOf(values);
  const fromFile = envFile ? await readEnvFile(envFile) : {};
  return { io, values, variables: { ...io.env, ...fromFile } };
}

export function stringOption(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function listOption(values: Values, name: string): string[] | undefined {
  const value = values[name];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;
}

export interface Target extends ClientRegistrationOptions {
  /** The variable that selects this mojeID in an app: `MOJEID_ENV` or `MOJEID_ISSUER`, and its value. */
  readonly selector: readonly [string, string];
  readonly issuerUrl: string;
}

/** Which mojeID: `--issuer`, `--env`, then `MOJEID_ISSUER`, `MOJEID_ENV`. */
export function targetOf(context: Context): Target {
  const { values, variables } = context;
  const timeoutText = stringOption(values, 'timeout') ?? variables['MOJEID_HTTP_TIMEOUT'];
  let timeout: number | undefined;
  if (timeoutText !== undefined) {
    if (!/^\d+$/.test(timeoutText.trim()) || Number(timeoutText) <= 0) throw new CliError(EXIT.usage, `--timeout must be a whole number of seconds above 0, got ${JSON.stringify(timeoutText)}`);
    timeout = Number(timeoutText);
  }
  const common = { ...(timeout ? { timeout } : {}), ...(context.io.fetch ? { fetch: context.io.fetch } : {}) };
  const issuer = stringOption(values, 'issuer') ?? (stringOption(values, 'env') === undefined ? variables['MOJEID_ISSUER'] : undefined);
  if (issuer) return { ...common, issuer, issuerUrl: issuer, selector: ['MOJEID_ISSUER', issuer] };
  const environment = (stringOption(values, 'env') ?? variables['MOJEID_ENV'])?.trim().toLowerCase();
  if (environment === 'test' || environment === 'production') {
    return { ...common, environment, issuerUrl: ENVIRONMENTS[environment].issuer, selector: ['MOJEID_ENV', environment] };
  }
  if (environment !== undefined) throw new CliError(EXIT.usage, `--env must be "test" or "production", got ${JSON.stringify(environment)}`);
  throw new CliError(EXIT.usage, 'say which mojeID: --env test (mojeid.regtest.nic.cz), --env production (mojeid.cz) or --issuer <url>');
}

export const ACCESS_OPTIONS = {
  'credentials-file': { type: 'string' },
  'registration-client-uri': { type: 'string' },
  'client-id': { type: 'string' },
} as const satisfies Options;

export const ACCESS_HELP = `The registration (from what \`register\` printed or wrote):
  --credentials-file <path>         read it from this credentials file (the app's MOJEID_CREDENTIALS_FILE)
  --registration-client-uri <url>   default MOJEID_REGISTRATION_CLIENT_URI, or derived from the client id
  --client-id <id>                  default MOJEID_CLIENT_ID
  The registration access token is read from MOJEID_REGISTRATION_ACCESS_TOKEN (environment or
  --env-file) or the credentials file, never from the command line, where other users could see it.`;

export interface Access extends RegistrationAccess {
  readonly client_id: string | undefined;
}

/** The registration access (§5.1.3) from the options, the credentials file or the variables. */
export async function accessOf(context: Context, target: Target): Promise<Access> {
  const { values, variables } = context;
  const file = stringOption(values, 'credentials-file');
  const stored = file ? await new FileCredentialStore(file).load() : undefined;
  if (file && !stored) throw new CliError(EXIT.usage, `${file} does not exist`);
  const clientId = stringOption(values, 'client-id') ?? stored?.client_id ?? variables['MOJEID_CLIENT_ID'];
  const token = stored?.registration_access_token ?? variables['MOJEID_REGISTRATION_ACCESS_TOKEN'];
  const derived = clientId ? registrationClientUriFor(target.issuerUrl, clientId) : undefined;
  const uri = stringOption(values, 'registration-client-uri') ?? stored?.registration_client_uri ?? variables['MOJEID_REGISTRATION_CLIENT_URI'] ?? derived;
  if (!token) {
    throw new CliError(
      EXIT.usage,
      'no registration access token: set MOJEID_REGISTRATION_ACCESS_TOKEN (in the environment or the --env-file) or give --credentials-file. `register` printed it; a manual registration has none and is changed in the consumer admin (§5.1.3)',
    );
  }
  if (!uri) throw new CliError(EXIT.usage, 'no registration client URI: give --registration-client-uri or --client-id, or set MOJEID_REGISTRATION_CLIENT_URI or MOJEID_CLIENT_ID');
  return { client_id: clientId, registration_access_token: token, registration_client_uri: uri };
}
