/**
 * `update`: a Registration Change (§5.1.3): POST to the configuration endpoint with the
 * registration access token. `redirect_uris` cannot change: `--redirect-uri` is refused with an
 * explanation instead of being sent.
 */
import { updateClientRegistration } from '../../client-registration/configuration-endpoint.js';
import type { ClientMetadataChanges } from '../../client-registration/types.js';
import type { TokenEndpointAuthMethod } from '../../config.js';
import { RegistrationChangeRefusedError } from '../../errors.js';
import type { Command } from '../command.js';
import { ACCESS_HELP, ACCESS_OPTIONS, COMMON_HELP, COMMON_OPTIONS, accessOf, listOption, stringOption, targetOf, type Context } from '../context.js';
import { EXIT } from '../errors.js';
import { describeRegistration, withoutSecrets } from '../output.js';

export const update: Command = {
  name: 'update',
  summary: 'change the registration (name, logo, pages, notification addresses)',
  options: {
    ...COMMON_OPTIONS,
    ...ACCESS_OPTIONS,
    'client-name': { type: 'string' },
    'logo-uri': { type: 'string' },
    'client-uri': { type: 'string' },
    'policy-uri': { type: 'string' },
    'auth-method': { type: 'string' },
    'assertion-uri': { type: 'string', multiple: true },
    'redirect-uri': { type: 'string', multiple: true },
    json: { type: 'boolean' },
  },
  help: `Usage: passport-mojeid-oidc update [changes] [options]

Changes the registration with a Registration Change (§5.1.3: a POST to the configuration endpoint
with the registration access token). What is not given stays as it is. The redirect URIs and the
client id cannot be changed: register a new client for new redirect URIs. The secret is changed
with \`rotate-secret\`.

Changes:
  --client-name <name>      the service's name on mojeID's login page
  --logo-uri <url>          the favicon shown next to it (§4.4.1)
  --client-uri <url>        the service's home page
  --policy-uri <url>        its privacy policy
  --auth-method <method>    client_secret_basic or client_secret_post (then set MOJEID_TOKEN_AUTH_METHOD to match)
  --assertion-uri <url>     notification addresses (§6.2; repeatable; replaces the list)
  --json                    print the result as JSON (secrets hidden)
  --env-file <path>         read MOJEID_* variables from this .env file
${ACCESS_HELP}
${COMMON_HELP}

Example:
  passport-mojeid-oidc update --env-file .env --logo-uri https://shop.example.cz/favicon.png`,

  async run(context: Context): Promise<number> {
    const { values } = context;
    if (listOption(values, 'redirect-uri')) {
      throw new RegistrationChangeRefusedError(['redirect_uris'], 'redirect URIs cannot be changed after registration (§5.1.3): register a new client with `passport-mojeid-oidc register --redirect-uri ...` (a manual registration is edited in the consumer admin)');
    }
    const changes: ClientMetadataChanges = {};
    const text = (flag: string): string | undefined => stringOption(values, flag);
    if (text('client-name') !== undefined) changes.client_name = text('client-name');
    if (text('logo-uri') !== undefined) changes.logo_uri = text('logo-uri');
    if (text('client-uri') !== undefined) changes.client_uri = text('client-uri');
    if (text('policy-uri') !== undefined) changes.policy_uri = text('policy-uri');
    if (text('auth-method') !== undefined) changes.token_endpoint_auth_method = text('auth-method') as TokenEndpointAuthMethod;
    const assertionUris = listOption(values, 'assertion-uri');
    if (assertionUris) changes.assertion_uris = assertionUris;
    const target = targetOf(context);
    const access = await accessOf(context, target);
    const registration = await updateClientRegistration(access, changes, target);
    context.io.out(values['json'] === true ? JSON.stringify(withoutSecrets(registration), null, 2) : describeRegistration(registration));
    context.io.err(`Changed the registration of client ${registration.client_id}.`);
    return EXIT.ok;
  },
};
