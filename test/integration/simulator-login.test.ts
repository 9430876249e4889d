/**
 * The whole flow against the local mojeID simulator, through real HTTP: login page ->
 * authorization -> simulator login and consent -> callback -> /me -> logout -> mojeID logout.
 */
import { startSimulator, loginThroughSimulator, type RunningSimulator } from 'mojeid-simulator';
import { startApp, type TestApp } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import type { MojeIdRouterOptions } from '../../src/index.js';

let simulator: RunningSimulator;
let app: TestApp;
const CLIENT = { client_id: 'exampleClient', client_secret: 'example-secret-for-tests-only' };

async function setup(options: MojeIdRouterOptions = {}, authMethod: 'client_secret_basic' | 'client_secret_post' = 'client_secret_basic'): Promise<void> {
  simulator = await startSimulator();
  // The redirect URI depends on the app's port, so the client is registered once the app listens.
  app = await startApp({ issuer: simulator.issuer, clientId: CLIENT.client_id, clientSecret: CLIENT.client_secret, tokenEndpointAuthMethod: authMethod, ...options });
  simulator.addClient({ ...CLIENT, redirect_uris: [`${app.origin}/auth/mojeid/callback`], token_endpoint_auth_method: authMethod });
}

afterEach(async () => {
  await app?.close();
  await simulator?.close();
});

async function loginAs(account: string, opts: { withhold?: string[]; deny?: boolean; start?: string } = {}): Promise<{ browser: TestBrowser; status: number; body: string; location?: string }> {
  const browser = new TestBrowser();
  const page = await browser.get(`${app.origin}/auth/mojeid`);
  const href = /class="mojeid-button" href="([^"]+)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&');
  expect(href).toBeDefined();
  const started = await browser.get(`${app.origin}${opts.start ?? href}`);
  expect(started.status).toBe(302);
  const callback = await loginThroughSimulator(started.location as string, { account, ...(opts.withhold ? { withhold: opts.withhold } : {}), ...(opts.deny ? { deny: true } : {}) });
  expect(callback.origin).toBe(app.origin);
  const done = await browser.get(callback);
  return { browser, status: done.status, body: done.body, ...(done.location ? { location: done.location } : {}) };
}

async function me(browser: TestBrowser): Promise<{ id: string; email?: string; claims: Record<string, unknown> }> {
  const response = await browser.get(`${app.origin}/me`);
  expect(response.status).toBe(200);
  return (JSON.parse(response.body) as { user: { id: string; email?: string; claims: Record<string, unknown> } }).user;
}

describe('logging in through the simulator', () => {
  it.each(['partial', 'nia-high', 'business'])('logs in the %s test account (§8.1), then logs out and offers mojeID logout', async (account) => {
    await setup({ scope: 'openid profile email phone address', sessionClaims: ['email', 'address'] });
    const { browser, status } = await loginAs(account);
    expect(status).toBe(303);
    const user = await me(browser);
    expect(user.id).toMatch(/^\w{12}$/);
    expect(user.claims['email']).toEqual(expect.stringContaining('@'));
    expect(typeof user.claims['address']).toBe('object');

    const loginPage = await browser.get(`${app.origin}/auth/mojeid`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(loginPage.body)?.[1] as string;
    const loggedOut = await browser.post(`${app.origin}/auth/mojeid/logout`, { _csrf: csrf });
    expect(loggedOut.status).toBe(200);
    expect(loggedOut.body).toContain(`href="${simulator.logoutUrl}"`);
    expect((await browser.get(`${app.origin}/me`)).status).toBe(401);
    const mojeIdLogout = await browser.get(simulator.logoutUrl);
    expect(mojeIdLogout.status).toBe(200);
  });

  it('gets individual claims through the claims parameter, normalised', async () => {
    await setup({
      claims: { email: 'essential', mojeid_valid: 'optional', mojeid_is_adult: 'optional', mojeid_address_def: 'optional', mojeid_age: 'optional' },
      // given_name is listed but not asked for, so its absence below shows what mojeID released.
      sessionClaims: ['mojeid_valid', 'mojeid_is_adult', 'mojeid_address_def', 'mojeid_age', 'given_name'],
    });
    const { browser, status } = await loginAs('nia-high');
    expect(status).toBe(303);
    const { claims } = await me(browser);
    expect(claims['mojeid_valid']).toBe(true);
    expect(claims['mojeid_is_adult']).toBe(true);
    expect(typeof claims['mojeid_age']).toBe('number');
    expect(claims['mojeid_address_def']).toEqual(expect.objectContaining({ locality: expect.any(String) }));
    expect(claims['given_name']).toBeUndefined(); // not asked for
  });

  it('gets claims from the ID token alone when UserInfo is off', async () => {
    await setup({ userinfo: false, claims: { email: 'essential', family_name: 'optional' }, sessionClaims: ['email'] });
    const { browser, status } = await loginAs('partial');
    expect(status).toBe(303);
    expect((await me(browser)).claims['email']).toEqual(expect.stringContaining('@'));
  });

  it('works with client_secret_post when the client is registered so', async () => {
    await setup({ scope: 'openid email' }, 'client_secret_post');
    expect((await loginAs('partial')).status).toBe(303);
  });

  it('exposes openid2_id with the openid2 scope (§5.3.2)', async () => {
    await setup({ scope: 'openid openid2', sessionClaims: ['openid2_id'] });
    const { browser } = await loginAs('partial');
    expect((await me(browser)).claims['openid2_id']).toEqual(expect.any(String));
  });

  it('accepts the NIA account when acr_values high is requested (§5.1.12)', async () => {
    await setup({ acrValues: 'high' });
    expect((await loginAs('nia-high')).status).toBe(303);
  });

  it('refuses the partially identified account when acr_values high is requested', async () => {
    await setup({ acrValues: 'high' });
    const { browser, status, body } = await loginAs('partial');
    expect(status).toBe(403);
    expect(body).toContain('data-code="insufficient_assurance"');
    expect((await browser.get(`${app.origin}/me`)).status).toBe(401);
  });

  it('accepts only validated accounts when configured (business yes, partial no)', async () => {
    await setup({ accept: ['validated'] });
    expect((await loginAs('business')).status).toBe(303);
    expect((await loginAs('partial')).body).toContain('data-code="account_not_accepted"');
  });

  it('explains a refused consent (access_denied) and offers a retry', async () => {
    await setup();
    const { status, body } = await loginAs('partial', { deny: true });
    expect(status).toBe(401);
    expect(body).toContain('data-code="access_denied"');
    expect(body).toContain('class="mojeid-retry"');
  });

  it('names the essential claims the user withheld at consent', async () => {
    await setup({ claims: { email: 'essential', phone_number: 'optional' } });
    const { browser, status, body } = await loginAs('partial', { withhold: ['email', 'phone_number'] });
    expect(status).toBe(403);
    expect(body).toContain('<code>email</code>');
    expect(body).not.toContain('<code>phone_number</code>');
    expect((await browser.get(`${app.origin}/me`)).status).toBe(401);
  });

  it('logs in when an optional claim is withheld', async () => {
    await setup({ claims: { email: 'essential', phone_number: 'optional' }, sessionClaims: ['email', 'phone_number'] });
    const { browser, status } = await loginAs('partial', { withhold: ['phone_number'] });
    expect(status).toBe(303);
    const { claims } = await me(browser);
    expect(claims['email']).toEqual(expect.stringContaining('@'));
    expect(claims['phone_number']).toBeUndefined();
  });

  it('refuses a client whose token auth method differs from its registration', async () => {
    simulator = await startSimulator();
    app = await startApp({ issuer: simulator.issuer, clientId: CLIENT.client_id, clientSecret: CLIENT.client_secret, tokenEndpointAuthMethod: 'client_secret_basic' });
    simulator.addClient({ ...CLIENT, redirect_uris: [`${app.origin}/auth/mojeid/callback`], token_endpoint_auth_method: 'client_secret_post' });
    const { body } = await loginAs('partial');
    expect(body).toContain('data-code="unauthorized_client"');
  });
});
