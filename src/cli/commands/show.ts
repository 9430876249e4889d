/** `show`: the registration as mojeID has it now (§5.1.3 "Information about Registration"), secrets hidden. */
import { readClientRegistration } from '../../client-registration/configuration-endpoint.js';
import type { Command } from '../command.js';
import { ACCESS_HELP, ACCESS_OPTIONS, COMMON_HELP, COMMON_OPTIONS, accessOf, targetOf, type Context } from '../context.js';
import { EXIT } from '../errors.js';
import { describeRegistration, withoutSecrets } from '../output.js';

export const show: Command = {
  name: 'show',
  summary: 'show the registration as mojeID has it (secrets hidden)',
  options: { ...COMMON_OPTIONS, ...ACCESS_OPTIONS, json: { type: 'boolean' } },
  help: `Usage: passport-mojeid-oidc show [options]

Reads the registration from mojeID's configuration endpoint with the registration access token
(§5.1.3 "Information about Registration") and shows it, with when the client secret expires.
The client secret and the registration access token are never shown.

  --json                           print it as JSON
  --env-file <path>                read MOJEID_* variables from this .env file
${ACCESS_HELP}
${COMMON_HELP}

Example:
  passport-mojeid-oidc show --env-file .env`,

  async run(context: Context): Promise<number> {
    const target = targetOf(context);
    const registration = await readClientRegistration(await accessOf(context, target), target);
    context.io.out(context.values['json'] === true ? JSON.stringify(withoutSecrets(registration), null, 2) : describeRegistration(registration));
    return EXIT.ok;
  },
};
