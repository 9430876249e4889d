/**
 * `discover`: mojeID's OpenID Connect configuration, from the well-known document or, as §5.1.5
 * describes the initiation, by asking WebFinger for the issuer first.
 */
import { fetchProviderMetadata, webfingerIssuer } from '../../client-registration/discovery.js';
import type { Command } from '../command.js';
import { COMMON_HELP, COMMON_OPTIONS, stringOption, targetOf, type Context } from '../context.js';
import { EXIT } from '../errors.js';

/** The members a person integrating mojeID looks for first. */
const SUMMARY = [
  'issuer',
  'authorization_endpoint',
  'token_endpoint',
  'userinfo_endpoint',
  'registration_endpoint',
  'jwks_uri',
  'scopes_supported',
  'token_endpoint_auth_methods_supported',
  'acr_values_supported',
  'id_token_signing_alg_values_supported',
];

export const discover: Command = {
  name: 'discover',
  summary: "print mojeID's OpenID Connect configuration (WebFinger or the well-known document)",
  options: { ...COMMON_OPTIONS, webfinger: { type: 'boolean' }, resource: { type: 'string' }, json: { type: 'boolean' } },
  help: `Usage: passport-mojeid-oidc discover [options]

Prints the provider's configuration from <issuer>.well-known/openid-configuration, after checking it
names that issuer. With --webfinger it first asks WebFinger which issuer serves an account, as
§5.1.5 describes (GET <issuer>.well-known/webfinger?resource=acct:...&rel=...issuer).

  --webfinger          find the issuer through WebFinger first
  --resource <acct>    the account to ask about, e.g. joe@mojeid.cz (default acct:@<host>, as in §5.1.5)
  --json               print the whole document as JSON (default: the main endpoints)
${COMMON_HELP}

Example:
  passport-mojeid-oidc discover --env production --webfinger`,

  async run(context: Context): Promise<number> {
    const { io, values } = context;
    const target = targetOf(context);
    let issuer = target.issuerUrl;
    if (values['webfinger'] === true || stringOption(values, 'resource') !== undefined) {
      issuer = await webfingerIssuer(target, stringOption(values, 'resource'));
      io.err(`WebFinger names the issuer ${issuer}`);
    }
    const document = await fetchProviderMetadata({ ...target, issuer });
    if (values['json'] === true) {
      io.out(JSON.stringify(document, null, 2));
      return EXIT.ok;
    }
    const present = SUMMARY.filter((key) => document[key] !== undefined);
    const width = Math.max(...present.map((key) => key.length));
    io.out(present.map((key) => `${key.padEnd(width)}  ${Array.isArray(document[key]) ? (document[key] as unknown[]).join(' ') : String(document[key])}`).join('\n'));
    io.err('(--json prints the whole document)');
    return EXIT.ok;
  },
};
