/**
 * `registerClient`: dynamic registration (§5.1.3 "Automatic Registration", OpenID Connect Dynamic
 * Client Registration 1.0): discovery gives the registration endpoint, a JSON POST registers.
 * mojeID needs no initial access token. The client gets a secret that expires after 24 hours unless
 * renewed, and never full access (§5.1.3 "Caution"): services with full access register manually.
 */
import { ClientRegistrationError } from '../errors.js';
import { registrationEndpoint } from './discovery.js';
import { requestJson } from './http.js';
import { assertValidMetadata } from './metadata.js';
import { parseClientRegistration } from './parse.js';
import type { ClientMetadata, ClientRegistration, ClientRegistrationOptions } from './types.js';

export async function registerClient(metadata: ClientMetadata, options: ClientRegistrationOptions): Promise<ClientRegistration> {
  assertValidMetadata(metadata as unknown as Record<string, unknown>, true);
  const body: Record<string, unknown> = { application_type: 'web', ...metadata };
  for (const [key, value] of Object.entries(body)) if (value === undefined) delete body[key];
  const endpoint = await registrationEndpoint(options);
  const answer = await requestJson(endpoint, { method: 'POST', body, what: 'registering the client' }, options);
  const registration = parseClientRegistration(answer.body, 'registering the client');
  // Both methods this library supports authenticate with the secret (field notes).
  if (!registration.client_secret) throw new ClientRegistrationError("registering the client: mojeID's answer has no client_secret");
  return registration;
}
