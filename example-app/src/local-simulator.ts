/**
 * With no real mojeID client configured (no MOJEID_CLIENT_ID / MOJEID_ISSUER / MOJEID_ENV), the
 * local simulator plays mojeID in-process: started here, the app registered with it as a client.
 * It is imported only then, so a deployment against the real mojeID does not load it.
 */
import { randomBytes } from 'node:crypto';
import type { RunningSimulator } from 'mojeid-simulator';
import type { AppConfig } from './config.js';

export interface LocalSimulator {
  readonly simulator: RunningSimulator;
  /** The client this app uses at the simulator; registered by `register` once the router exists. */
  readonly provider: { issuer: string; clientId: string; clientSecret: string };
}

export async function startLocalSimulator(config: AppConfig, host: string): Promise<LocalSimulator> {
  const { startSimulator } = await import('mojeid-simulator');
  const simulator = await startSimulator({
    host,
    port: config.simulatorPort,
    // Accounts created from the profile get their status changes after SIMULATOR_STATUS_DELAY
    // (§6.3); over HTTPS the simulator trusts this app's certificate (self-signed in development).
    accountCreation: {
      statusDelay: config.simulatorStatusDelay * 1000,
      statusChanges: ['CONDITIONALLY_IDENTIFIED', 'VALIDATED'],
      ...(config.tls ? { serverCa: config.tls.cert } : {}),
    },
  });
  return { simulator, provider: { issuer: simulator.issuer, clientId: 'example-app', clientSecret: randomBytes(24).toString('base64url') } };
}

/** Registers the app at the simulator with the router's redirect URI and auth method. */
export function registerWithSimulator(
  local: LocalSimulator,
  mojeIdConfig: { readonly redirectUri: string; readonly tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post' },
  notificationUrl: string | undefined,
): void {
  local.simulator.addClient({
    client_id: local.provider.clientId,
    client_secret: local.provider.clientSecret,
    redirect_uris: [mojeIdConfig.redirectUri],
    token_endpoint_auth_method: mojeIdConfig.tokenEndpointAuthMethod,
    client_name: 'Ukázková aplikace / Example app',
    // §6.2: where mojeID sends the registration notifications.
    ...(notificationUrl ? { assertion_uris: [notificationUrl] } : {}),
  });
}
