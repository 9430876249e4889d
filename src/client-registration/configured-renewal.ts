/**
 * The renewal a strategy's configuration asks for (§5.1.3): one when there is something to renew
 * or load (a registration access token, a credentials file, a store given in code), none otherwise.
 */
import type { MojeIdConfig } from '../config.js';
import type { CredentialStore } from './credential-store.js';
import { FileCredentialStore } from './file-store.js';
import { CredentialRenewal, type RenewalHooks, type RenewalRetryOptions } from './renewal.js';

export interface ConfiguredRenewalOptions extends RenewalHooks {
  credentialStore?: CredentialStore | undefined;
  renewalRetry?: RenewalRetryOptions | undefined;
}

export function renewalForConfig(config: MojeIdConfig, options: ConfiguredRenewalOptions): CredentialRenewal | undefined {
  const store = options.credentialStore ?? (config.credentialsFile !== undefined ? new FileCredentialStore(config.credentialsFile) : undefined);
  if (!store && !config.registrationAccessToken) return undefined;
  return new CredentialRenewal({
    issuer: config.issuer,
    configured: {
      client_id: config.clientId,
      ...(config.clientSecret ? { client_secret: config.clientSecret } : {}),
      ...(config.clientSecretExpiresAt !== undefined ? { client_secret_expires_at: config.clientSecretExpiresAt } : {}),
      ...(config.registrationAccessToken ? { registration_access_token: config.registrationAccessToken } : {}),
      ...(config.registrationClientUri ? { registration_client_uri: config.registrationClientUri } : {}),
    },
    ...(store ? { store } : {}),
    margin: config.renewalMargin,
    timeout: config.httpTimeout,
    ...(options.renewalRetry ? { retry: options.renewalRetry } : {}),
    ...(options.onCredentialsRenewed ? { onCredentialsRenewed: options.onCredentialsRenewed } : {}),
    ...(options.onRenewalError ? { onRenewalError: options.onRenewalError } : {}),
  });
}
