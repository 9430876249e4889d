/**
 * `register`: dynamic registration (§5.1.3) in one command, printing the `MOJEID_*` variables an
 * app needs or writing them to a `.env` file. Whatever would be overwritten is checked before
 * mojeID is asked, and if writing fails after registering, the variables are printed instead:
 * the secret and the registration access token are shown only once.
 */
import { existsSync } from 'node:fs';
import { storedCredentialsOf } from '../../client-registration/credential-store.js';
import { FileCredentialStore } from '../../client-registration/file-store.js';
import { registerClient } from '../../client-registration/register.js';
import type { ClientMetadata } from '../../client-registration/types.js';
import type { TokenEndpointAuthMethod } from '../../config.js';
import type { Command } from '../command.js';
import { COMMON_HELP, COMMON_OPTIONS, envFileOf, listOption, stringOption, targetOf, type Context } from '../context.js';
import { assertWritable, printableEnvLine, writeEnvVariables } from '../env-file.js';
import { CliError, EXIT } from '../errors.js';
import { expiryText, registrationVariables } from '../output.js';

const VARIABLES_WRITTEN = [
  'MOJEID_CLIENT_ID',
  'MOJEID_CLIENT_SECRET',
  'MOJEID_TOKEN_AUTH_METHOD',
  'MOJEID_CLIENT_SECRET_EXPIRES_AT',
  'MOJEID_REGISTRATION_ACCESS_TOKEN',
  'MOJEID_REGISTRATION_CLIENT_URI',
];

/** The app's own callback, as its configuration defines it: MOJEID_REDIRECT_URI, else MOJEID_BASE_URL + mount path + /callback. */
function defaultRedirectUris(context: Context): string[] {
  const v = context.variables;
  const explicit = v['MOJEID_REDIRECT_URI'];
  if (explicit) return [explicit];
  const base = v['MOJEID_BASE_URL'] ?? v['BASE_URL'];
  if (!base) return [];
  return [`${base.replace(/\/+$/, '')}${(v['MOJEID_MOUNT_PATH'] ?? '/auth/mojeid').replace(/\/+$/, '')}/callback`];
}

export const register: Command = {
  name: 'register',
  summary: 'register a client dynamically and print (or write) its MOJEID_* variables',
  options: {
    ...COMMON_OPTIONS,
    'redirect-uri': { type: 'string', multiple: true },
    'client-name': { type: 'string' },
    'logo-uri': { type: 'string' },
    'client-uri': { type: 'string' },
    'policy-uri': { type: 'string' },
    'auth-method': { type: 'string' },
    'assertion-uri': { type: 'string', multiple: true },
    'subject-type': { type: 'string' },
    'credentials-file': { type: 'string' },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  help: `Usage: passport-mojeid-oidc register --redirect-uri <url> [options]

Registers a client with mojeID dynamically (§5.1.3 "Automatic Registration") and prints the
MOJEID_* variables an app needs, or writes them to a .env file. The secret expires after 24 hours;
with MOJEID_REGISTRATION_ACCESS_TOKEN set, the library renews it before then by itself.
A dynamic registration never has full access: for full access sign a contract with CZ.NIC and
register manually in the consumer admin (https://mojeid.cz/consumer_admin/, test instance
https://mojeid.regtest.nic.cz/consumer_admin/). See docs/registration.md.

Client metadata:
  --redirect-uri <url>       your callback, e.g. https://shop.example.cz/auth/mojeid/callback
                             (repeatable; cannot be changed later). Default: the app's own, from
                             MOJEID_REDIRECT_URI or MOJEID_BASE_URL (+ MOJEID_MOUNT_PATH) + /callback
  --client-name <name>       the service's name on mojeID's login page
  --logo-uri <url>           the favicon shown next to it (§4.4.1)
  --client-uri <url>         the service's home page
  --policy-uri <url>         its privacy policy
  --auth-method <method>     client_secret_basic (default; mojeID's default) or client_secret_post
  --assertion-uri <url>      where notifications about accounts created from the service are sent
                             (§6.2; repeatable)
  --subject-type <type>      public (default) or pairwise: a sub that differs per sector (docs/assurance.md)
Output:
  --env-file <path>          write the variables to this .env file instead of printing them: a new
                             file gets mode 0600; variables it already sets are not replaced
  --credentials-file <path>  also write the credentials file renewal keeps (MOJEID_CREDENTIALS_FILE)
  --force                    replace variables the .env file sets, and an existing credentials file
  --json                     print mojeID's whole answer as JSON (secrets included)
${COMMON_HELP}

Example:
  passport-mojeid-oidc register --env test --redirect-uri https://shop.example.cz/auth/mojeid/callback \\
    --client-name "Example shop" --dotenv .env`,

  async run(context: Context): Promise<number> {
    const { io, values } = context;
    const target = targetOf(context);
    const redirectUris = listOption(values, 'redirect-uri') ?? defaultRedirectUris(context);
    if (redirectUris.length === 0) {
      throw new CliError(EXIT.usage, '--redirect-uri is required (or MOJEID_BASE_URL / MOJEID_REDIRECT_URI set): your callback URL, e.g. https://shop.example.cz/auth/mojeid/callback');
    }
    const method = stringOption(values, 'auth-method') ?? 'client_secret_basic';
    if (method !== 'client_secret_basic' && method !== 'client_secret_post') {
      throw new CliError(EXIT.usage, `--auth-method must be client_secret_basic or client_secret_post, got ${JSON.stringify(method)}`);
    }
    const optional = (flag: string): string | undefined => stringOption(values, flag);
    const metadata: ClientMetadata = {
      redirect_uris: redirectUris,
      token_endpoint_auth_method: method as TokenEndpointAuthMethod,
      ...(optional('client-name') ? { client_name: optional('client-name') } : {}),
      ...(optional('logo-uri') ? { logo_uri: optional('logo-uri') } : {}),
      ...(optional('client-uri') ? { client_uri: optional('client-uri') } : {}),
      ...(optional('policy-uri') ? { policy_uri: optional('policy-uri') } : {}),
      ...(listOption(values, 'assertion-uri') ? { assertion_uris: listOption(values, 'assertion-uri') } : {}),
      ...(optional('subject-type') ? { subject_type: optional('subject-type') as ClientMetadata['subject_type'] } : {}),
    };

    // Refuse before registering: afterwards the secret would exist only in this process.
    const force = values['force'] === true;
    const envFile = envFileOf(values);
    const credentialsFile = stringOption(values, 'credentials-file');
    if (envFile) await assertWritable(envFile, [[target.selector[0], target.selector[1]], ...VARIABLES_WRITTEN.map((name) => [name, undefined] as const)], force);
    if (credentialsFile && existsSync(credentialsFile) && !force) {
      throw new CliError(EXIT.exists, `${credentialsFile} exists: nothing was registered; run again with --force to replace it`);
    }

    const registration = await registerClient(metadata, target);
    const variables = registrationVariables(target, registration);
    const printVariables = (): void => io.out(variables.map(([name, value]) => printableEnvLine(name, value)).join('\n'));
    try {
      if (credentialsFile) {
        await new FileCredentialStore(credentialsFile).save(storedCredentialsOf(registration));
      }
      if (envFile) {
        const change = await writeEnvVariables(envFile, variables, force, `mojeID client ${registration.client_id} (passport-mojeid-oidc register, ${new Date().toISOString()})`);
        const what = [change.added.length ? `added ${change.added.join(', ')}` : '', change.replaced.length ? `replaced ${change.replaced.join(', ')}` : ''].filter(Boolean).join('; ');
        io.out(`${change.created ? 'Created' : 'Updated'} ${envFile}: ${what || 'nothing to change'}.`);
        if (change.tightenedFrom !== undefined) io.err(`${envFile} now holds secrets: its mode went from ${change.tightenedFrom.toString(8).padStart(4, '0')} to owner-only.`);
      } else if (values['json'] === true) {
        const { other, ...named } = registration;
        io.out(JSON.stringify({ ...named, ...other }, null, 2));
      } else {
        printVariables();
      }
    } catch (error) {
      // mojeID shows the secret and the token only in this answer: never lose them.
      io.err('Registered, but the credentials could not be saved; here they are, keep them:');
      printVariables();
      throw error;
    }

    io.err(`Registered client ${registration.client_id} at ${target.issuerUrl} for ${registration.redirect_uris.join(', ')}.`);
    io.err(`The client secret expires: ${expiryText(registration)}.`);
    if (registration.client_secret_expires_at !== 0) {
      io.err('Keep MOJEID_REGISTRATION_ACCESS_TOKEN in the app\'s configuration: the library then renews the secret before it expires (§5.1.3).');
    }
    io.err('A dynamic registration has partial access only; full access needs a contract and a manual registration (§5.1.3).');
    return EXIT.ok;
  },
};
