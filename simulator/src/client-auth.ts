/**
 * Token endpoint client authentication the way mojeID does it.
 *
 * - Only the method the client registered is accepted (field notes: mojeID's pyoidc rejects any
 *   other with "Wrong authentication method used"; its default is `client_secret_basic`).
 *   oidc-provider takes `client_secret_basic` and `client_secret_post` for each other, so the
 *   simulator checks the method when the token endpoint looks the client up, before the
 *   authorization code is used.
 * - A failed client authentication is `unauthorized_client` (Appendix 6.6: "Wrong client_id,
 *   wrong client_secret, incorrectly used authentication"), HTTP 401 with pyoidc's
 *   "Failed to verify client due to: ..." and no `WWW-Authenticate` challenge.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type Provider from 'oidc-provider';

export const WRONG_METHOD = 'Wrong authentication method used';

const DETAIL_KEY = 'simulatorClientAuthDetail';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function enforceMojeidClientAuth(provider: Provider, InvalidClientAuth: new (detail: string) => Error): void {
  const tokenRequests = new AsyncLocalStorage<{ basic: boolean }>();

  provider.use(async (ctx, next) => {
    if (ctx.method !== 'POST' || !/^\/token\/?$/i.test(ctx.path)) return next();
    await tokenRequests.run({ basic: /^basic\s/i.test(ctx.get('authorization')) }, next);
    const body = ctx.body;
    if (ctx.oidc?.route === 'token' && isRecord(body) && body['error'] === 'invalid_client') {
      const detail = ctx.state[DETAIL_KEY];
      const reason = typeof detail === 'string' ? detail : 'client authentication failed';
      ctx.remove('WWW-Authenticate');
      ctx.body = { error: 'unauthorized_client', error_description: `Failed to verify client due to: ${reason}` };
    }
  });

  // oidc-provider keeps the reason of a failed client authentication in `error_detail`.
  provider.on('grant.error', (ctx, error) => {
    ctx.state[DETAIL_KEY] = error.error_detail;
  });

  const { Client } = provider;
  const find = Client.find.bind(Client);
  Client.find = async (id) => {
    const client = await find(id);
    const request = tokenRequests.getStore();
    const registered = client?.clientAuthMethod;
    if (request && (registered === 'client_secret_basic' || registered === 'client_secret_post')) {
      const used = request.basic ? 'client_secret_basic' : 'client_secret_post';
      if (used !== registered) throw new InvalidClientAuth(WRONG_METHOD);
    }
    return client;
  };
}
