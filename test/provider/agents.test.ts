/** `agents`: an app's own connection pool (a proxy agent, its own CA) carries every request to the provider. */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { startApp, type TestApp } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { startTestProvider, type TestProvider } from '../helpers/test-provider.js';

let provider: TestProvider;
let app: TestApp;

afterEach(async () => {
  await app?.close();
  await provider?.close();
});

/** An agent that records the host of every connection it opens, as a proxy agent would see them. */
class RecordingAgent extends http.Agent {
  readonly opened: string[] = [];
  override createConnection(options: http.ClientRequestArgs, callback?: (error: Error | null, socket: Duplex) => void): Duplex {
    this.opened.push(`${options.host ?? ''}:${String(options.port ?? '')}`);
    return (http.Agent.prototype as unknown as { createConnection: (o: unknown, c: unknown) => Duplex }).createConnection.call(this, options, callback);
  }
}

it("sends discovery, keys, token and UserInfo requests through the app's agent", async () => {
  provider = await startTestProvider();
  const agent = new RecordingAgent({ keepAlive: false });
  app = await startApp({ issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, agents: { http: agent } });
  const browser = new TestBrowser();
  const started = await browser.get(`${app.origin}/auth/mojeid/login`);
  expect(started.status).toBe(302);
  const answered = await browser.get(started.location as string);
  const done = await browser.get(answered.location as string);
  expect(done.status).toBe(303);
  // Without keep-alive, one connection per request: discovery, JWKS, token, UserInfo.
  const providerHost = new URL(provider.issuer).host;
  expect(agent.opened).toEqual([providerHost, providerHost, providerHost, providerHost]);
});
