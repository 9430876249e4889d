/**
 * The example app on Redis (REDIS_URL): what several instances behind one address must share.
 *
 *   sessions                    connect-redis, under <prefix>sess:<id>: a login started on one
 *                               instance finishes on another, a logout anywhere logs out everywhere
 *   pending registrations       RedisRegistrationStore, under <prefix>mojeid:: mojeID's notification
 *                               (ch. 6) may land on any instance, and is accepted once
 *   renewed client credentials  RedisCredentialStore, under <prefix>mojeid:client-credentials:<id>:
 *                               one instance renews (§5.1.3), the others read the new secret
 *
 * One node-redis connection serves all three. Commands are never queued while Redis is away: a
 * request then fails at once with the app's "try again" page, instead of hanging until Redis
 * returns and then replaying writes the browser has long given up on.
 */
import { RedisStore } from 'connect-redis';
import { RedisCredentialStore, RedisRegistrationStore, type RedisCommandClient } from 'passport-mojeid-oidc';
import { createClient } from 'redis';

export interface AppRedis {
  readonly sessionStore: RedisStore;
  readonly registrationStore: RedisRegistrationStore;
  credentialStore(clientId: string): RedisCredentialStore;
  close(): Promise<void>;
}

/** Redis could not be reached at start; `start.ts` prints the message, without a stack. */
export class RedisUnavailableError extends Error {
  constructor(url: string, reason: string) {
    super(`Redis is not reachable at REDIS_URL=${redactUrl(url)} (${reason}). Start Redis there, or unset REDIS_URL to keep sessions in this process.`);
    this.name = 'RedisUnavailableError';
  }
}

/** How long the first connection may take before the start is given up. */
const CONNECT_TIMEOUT_MS = 5000;

export async function connectRedis(url: string, keyPrefix: string, onError: (message: string) => void = (m) => console.error(m)): Promise<AppRedis> {
  let connected = false;
  let reported: string | undefined;
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      // At start a failure is final (the operator gets one clear message); once running, the
      // connection is retried without end, so the app recovers by itself when Redis is back.
      // (A new Error rather than `cause` itself: node-redis tells the two answers apart with
      // instanceof, which fails for an error made in another realm, as under a test runner's VM.)
      reconnectStrategy: (retries: number, cause: Error) => (connected ? Math.min(50 * 2 ** retries, 2000) : new Error(cause.message, { cause })),
    },
  });
  client.on('error', (error: Error) => {
    // One line per outage, not one per reconnection attempt.
    const message = error.message || error.name;
    if (connected && reported !== message) onError(`[example-app] Redis: ${message}`);
    reported = message;
  });
  client.on('ready', () => {
    if (connected && reported !== undefined) onError('[example-app] Redis: connected again');
    reported = undefined;
  });
  try {
    await client.connect();
  } catch (error) {
    client.destroy();
    throw new RedisUnavailableError(url, describe(error));
  }
  connected = true;

  // The library's stores need only ioredis's generic call(); node-redis has sendCommand.
  const commands: RedisCommandClient = { call: (command, ...args) => client.sendCommand([command, ...args.map(String)]) };
  return {
    sessionStore: new RedisStore({ client, prefix: `${keyPrefix}sess:` }),
    registrationStore: new RedisRegistrationStore({ client: commands, keyPrefix: `${keyPrefix}mojeid:` }),
    credentialStore: (clientId) => new RedisCredentialStore({ client: commands, key: `${keyPrefix}mojeid:client-credentials:${clientId}` }),
    async close() {
      connected = false;
      try {
        await client.close();
      } catch {
        client.destroy();
      }
    },
  };
}

function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error && parts.length < 3; e = e.cause) {
    // Node's AggregateError (IPv4 and IPv6 both refused) has an empty message.
    const text = e.message || (e as NodeJS.ErrnoException).code || e.name;
    if (!parts.includes(text)) parts.push(text);
  }
  return parts.join(': ') || String(error);
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href.replace(/\/$/, '');
  } catch {
    return '(unparseable URL)';
  }
}
