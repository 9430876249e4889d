import Provider from 'oidc-provider';
import * as client from 'openid-client';
import type { AddressInfo } from 'node:net';
import http from 'node:http';

test('oidc-provider + openid-client discovery works under jest ESM', async () => {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}/oidc/`;
  const provider = new Provider(issuer, { clients: [{ client_id: 'c', client_secret: 's', redirect_uris: ['http://127.0.0.1/cb'] }] });
  server.on('request', (req, res) => { if (req.url?.startsWith('/oidc')) { req.url = req.url.slice(5) || '/'; } provider.callback()(req, res); });
  const cfg = await client.discovery(new URL(issuer), 'c', 's', undefined, { execute: [client.allowInsecureRequests] });
  expect(cfg.serverMetadata().issuer).toBe(issuer);
  server.close();
});
