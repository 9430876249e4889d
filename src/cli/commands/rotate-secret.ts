/**
 * `rotate-secret`: §5.1.3's `{"client_secret": null}` Registration Change. mojeID generates a new
 * secret (a dynamic registration's lives another 24 hours) and the old one stops working, so the
 * new one is written where the app reads it, or printed, and never lost when writing fails.
 */
import { rotateClientSecret } from '../../client-registration/configuration-endpoint.js';
import { storedCredentialsOf } from '../../client-registration/credential-store.js';
import { FileCredentialStore } from '../../client-registration/file-store.js';
import type { Command } from '../command.js';
import { ACCESS_HELP, ACCESS_OPTIONS, COMMON_HELP, COMMON_OPTIONS, accessOf, envFileOf, stringOption, targetOf, type Context } from '../context.js';
import { assertWritable, printableEnvLine, writeEnvVariables } from '../env-file.js';
import { EXIT } from '../errors.js';
import { expiryText } from '../output.js';

export const rotateSecret: Command = {
  name: 'rotate-secret',
  summary: 'get a new client secret (renews a dynamic registration); prints it',
  options: { ...COMMON_OPTIONS, ...ACCESS_OPTIONS, force: { type: 'boolean' } },
  help: `Usage: passport-mojeid-oidc rotate-secret [options]

Asks mojeID for a new client secret (§5.1.3: a Registration Change with "client_secret": null).
The old secret stops working at once. For a dynamic registration this is also the renewal: the new
secret is valid for another 24 hours. Apps configured with the registration access token do this by
themselves; this command is for doing it by hand.

Output (one of):
  --credentials-file <path>  also the input: the new credentials replace the old ones there (an app
                             using this file picks them up when mojeID refuses its old secret)
  --env-file <path>          also the input: MOJEID_CLIENT_SECRET and MOJEID_CLIENT_SECRET_EXPIRES_AT
                             are replaced there; needs --force, as they are already set
  (neither)                  print the new MOJEID_CLIENT_SECRET and MOJEID_CLIENT_SECRET_EXPIRES_AT
  --force                    replace the variables the .env file already sets
${ACCESS_HELP}
${COMMON_HELP}

Example:
  passport-mojeid-oidc rotate-secret --env-file .env --force`,

  async run(context: Context): Promise<number> {
    const { io, values } = context;
    const target = targetOf(context);
    const access = await accessOf(context, target);
    const envFile = envFileOf(values);
    const credentialsFile = stringOption(values, 'credentials-file');
    const force = values['force'] === true;
    // Refuse before rotating: afterwards the old secret is gone.
    if (envFile) {
      await assertWritable(
        envFile,
        [
          ['MOJEID_CLIENT_SECRET', undefined],
          ['MOJEID_CLIENT_SECRET_EXPIRES_AT', undefined],
          ['MOJEID_REGISTRATION_ACCESS_TOKEN', access.registration_access_token],
          ['MOJEID_REGISTRATION_CLIENT_URI', access.registration_client_uri],
        ],
        force,
      );
    }

    const registration = await rotateClientSecret(access, target);
    const variables: Array<[string, string]> = [
      ['MOJEID_CLIENT_SECRET', registration.client_secret as string],
      ['MOJEID_CLIENT_SECRET_EXPIRES_AT', String(registration.client_secret_expires_at)],
    ];
    if (registration.registration_access_token && registration.registration_access_token !== access.registration_access_token) {
      variables.push(['MOJEID_REGISTRATION_ACCESS_TOKEN', registration.registration_access_token]);
    }
    if (registration.registration_client_uri && registration.registration_client_uri !== access.registration_client_uri) {
      variables.push(['MOJEID_REGISTRATION_CLIENT_URI', registration.registration_client_uri]);
    }
    const printVariables = (): void => io.out(variables.map(([name, value]) => printableEnvLine(name, value)).join('\n'));
    try {
      if (credentialsFile) {
        await new FileCredentialStore(credentialsFile).save(storedCredentialsOf(registration));
        io.out(`Updated ${credentialsFile}.`);
      }
      if (envFile) {
        const change = await writeEnvVariables(envFile, variables, force, `mojeID client ${registration.client_id} (passport-mojeid-oidc rotate-secret, ${new Date().toISOString()})`);
        io.out(`Updated ${envFile}: ${[...change.replaced, ...change.added].join(', ')}.`);
        if (change.tightenedFrom !== undefined) io.err(`${envFile} now holds secrets: its mode went from ${change.tightenedFrom.toString(8).padStart(4, '0')} to owner-only.`);
      }
      if (!credentialsFile && !envFile) printVariables();
    } catch (error) {
      io.err('The secret was rotated, but it could not be saved; here it is, keep it:');
      printVariables();
      throw error;
    }
    io.err(`New client secret for ${registration.client_id}; it expires: ${expiryText(registration)}.`);
    io.err('The old secret no longer works: give the app the new one now.');
    return EXIT.ok;
  },
};
