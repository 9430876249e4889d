/**
 * The whole life of a dynamic registration in a running app, end to end over real HTTP with the
 * simulator (§5.1.3): register -> log in -> renew -> the old secret stops, the new one works -> log
 * in again; renewal ahead of expiry with a short lifetime while logins go on; the file store and a
 * restart; failures retried and reported.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  ClientRegistrationError,
  CredentialRenewal,
  CredentialStoreError,
  FileCredentialStore,
  registerClient,
  rotateClientSecret,
  type ClientRegistration,
  type CredentialsRenewedEvent,
  type MojeIdError,
  type MojeIdRouterOptions,
  type RenewalErrorEvent,
} from '../../src/index.js';
import { startSimulator, type RunningSimulator } from 'mojeid-simulator';
import { startApp, type TestApp } from '../helpers/app.js';
import { CALLBACK_PATH, MemoryCredentialStore, eventually, loginThroughApp, temporaryDirectory, tokenEndpointVerdict } from './helpers.js';

let sim: RunningSimulator | undefined;
const apps: TestApp[] = [];

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  await sim?.close();
  sim = undefined;
});

async function startRegisteredApp(
  simulator: RunningSimulator,
  options: (registration: ClientRegistration) => MojeIdRouterOptions,
): Promise<{ app: TestApp; registration: ClientRegistration }> {
  let registration: ClientRegistration | undefined;
  const app = await startApp(async (origin) => {
    registration = await registerClient({ redirect_uris: [`${origin}${CALLBACK_PATH}`], client_name: 'Renewal test shop' }, { issuer: simulator.issuer });
    return { issuer: simulator.issuer, clientId: registration.client_id, ...options(registration) };
  });
  apps.push(app);
  return { app, registration: registration as ClientRegistration };
}

function renewalOptions(registration: ClientRegistration): MojeIdRouterOptions {
  return {
    clientSecret: registration.client_secret,
    clientSecretExpiresAt: registration.client_secret_expires_at,
    registrationAccessToken: registration.registration_access_token,
    registrationClientUri: registration.registration_client_uri,
  };
}

describe('a dynamically registered client, end to end', () => {
  it('registers, logs in, is rotated, refuses the old secret, takes the new one from the store and logs in again', async () => {
    sim = await startSimulator();
    const store = new MemoryCredentialStore();
    const { app, registration } = await startRegisteredApp(sim, (r) => ({ clientSecret: r.client_secret, credentialStore: store }));
    expect((await loginThroughApp(app)).status).toBe(303);

    // Another instance (or the CLI) rotates the secret and saves it to the shared store.
    const rotated = await rotateClientSecret(registration, { issuer: sim.issuer });
    expect((await tokenEndpointVerdict(sim.issuer, registration.client_id, registration.client_secret as string)).accepted).toBe(false);
    expect((await tokenEndpointVerdict(sim.issuer, registration.client_id, rotated.client_secret as string)).accepted).toBe(true);
    store.value = {
      client_id: rotated.client_id,
      client_secret: rotated.client_secret as string,
      client_secret_expires_at: rotated.client_secret_expires_at,
    };

    // This instance still holds the old secret: mojeID refuses it, the strategy finds the new one
    // in the store and retries the same code, and the login succeeds.
    const again = await loginThroughApp(app);
    expect(again.status).toBe(303);
    expect((await again.browser.get(`${app.origin}/me`)).status).toBe(200);
    expect(app.errors).toEqual([]);
  });

  it('without a credential source, a rotated-away secret fails the login with unauthorized_client', async () => {
    sim = await startSimulator();
    const { app, registration } = await startRegisteredApp(sim, (r) => ({ clientSecret: r.client_secret }));
    expect(app.router.strategy.renewal).toBeUndefined();
    await rotateClientSecret(registration, { issuer: sim.issuer });
    const { body } = await loginThroughApp(app);
    expect(body).toContain('data-code="unauthorized_client"');
  });

  it('renews ahead of expiry while logins go on, keeps the new secret in the file, and a restart uses it', async () => {
    sim = await startSimulator({ dynamicClientLifetime: 4 });
    const directory = temporaryDirectory();
    const credentialsFile = path.join(directory, 'credentials.json');
    const renewed: CredentialsRenewedEvent[] = [];
    const failures: MojeIdError[] = [];
    const { app, registration } = await startRegisteredApp(sim, (r) => ({
      ...renewalOptions(r),
      credentialsFile,
      renewalMargin: 2,
      onCredentialsRenewed: (event) => void renewed.push(event),
      onRenewalError: (error) => void failures.push(error),
    }));
    expect(app.router.strategy.renewal?.expiresAt?.getTime()).toBe(registration.client_secret_expires_at * 1000);

    // Log in again and again across two renewals (at about 2 s and 4 s) and past the first expiry (4 s).
    const statuses: number[] = [];
    const until = Date.now() + 6000;
    while (Date.now() < until) statuses.push((await loginThroughApp(app)).status);
    expect(renewed.length).toBeGreaterThanOrEqual(2);
    expect(statuses.length).toBeGreaterThan(5);
    expect(statuses.every((status) => status === 303)).toBe(true);
    expect(failures).toEqual([]);
    expect(app.errors).toEqual([]);

    // The file holds what is in use: owner-only, the new secret, a later expiry.
    expect(statSync(credentialsFile).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(credentialsFile, 'utf8')) as Record<string, unknown>;
    expect(saved).toMatchObject({
      client_id: registration.client_id,
      registration_access_token: registration.registration_access_token,
      registration_client_uri: registration.registration_client_uri,
    });
    expect(saved['client_secret']).not.toBe(registration.client_secret);
    expect(saved['client_secret_expires_at']).toBeGreaterThan(registration.client_secret_expires_at);
    expect(renewed.every((event) => event.saved && event.clientId === registration.client_id)).toBe(true);
    expect(JSON.stringify(renewed)).not.toContain(saved['client_secret'] as string); // the hook never sees the secret
    expect((await tokenEndpointVerdict(sim.issuer, registration.client_id, registration.client_secret as string)).accepted).toBe(false);
    expect((await tokenEndpointVerdict(sim.issuer, registration.client_id, saved['client_secret'] as string)).accepted).toBe(true);

    // A restart with the original (now dead) variables: the file's newer credentials win.
    await app.close();
    apps.splice(apps.indexOf(app), 1);
    const restarted = await startApp({
      issuer: sim.issuer,
      clientId: registration.client_id,
      ...renewalOptions(registration),
      credentialsFile,
      renewalMargin: 1,
    });
    apps.push(restarted);
    await restarted.router.strategy.renewal?.ready;
    const inFile = JSON.parse(readFileSync(credentialsFile, 'utf8')) as { client_secret: string; client_secret_expires_at: number };
    expect(restarted.router.strategy.renewal?.current()?.clientSecret).toBe(inFile.client_secret);
    expect(restarted.router.strategy.renewal?.expiresAt?.getTime()).toBe(inFile.client_secret_expires_at * 1000);
  });

  it('renews at start when the secret has already expired, and a login meanwhile still succeeds', async () => {
    sim = await startSimulator({ dynamicClientLifetime: 1 });
    const store = new MemoryCredentialStore();
    let registration: ClientRegistration | undefined;
    const app = await startApp(async (origin) => {
      registration = await registerClient({ redirect_uris: [`${origin}${CALLBACK_PATH}`] }, { issuer: sim?.issuer });
      await new Promise((resolve) => setTimeout(resolve, 1500)); // the app was "down" past the expiry
      return { issuer: sim?.issuer, clientId: registration.client_id, ...renewalOptions(registration), credentialStore: store, renewalMargin: 1 };
    });
    apps.push(app);
    expect((await loginThroughApp(app)).status).toBe(303);
    expect(store.saves.length).toBeGreaterThanOrEqual(1);
  });

  it('learns the expiry from mojeID when it is not configured, and does not renew early', async () => {
    sim = await startSimulator();
    const store = new MemoryCredentialStore();
    const { app, registration } = await startRegisteredApp(sim, (r) => ({
      clientSecret: r.client_secret,
      registrationAccessToken: r.registration_access_token,
      // No registrationClientUri: derived as mojeID lays it out (`<issuer>registration/?client_id=`).
      credentialStore: store,
    }));
    await eventually(() => app.router.strategy.renewal?.expiresAt !== undefined, 5000, 'the expiry to be read');
    expect(app.router.strategy.renewal?.expiresAt?.getTime()).toBe(registration.client_secret_expires_at * 1000);
    expect(store.saves).toEqual([]);
    expect((await loginThroughApp(app)).status).toBe(303);
  });

  it('retries a failed renewal with back-off, reports every failure, and logins keep working meanwhile', async () => {
    sim = await startSimulator({ dynamicClientLifetime: 30 });
    const errors: Array<{ error: MojeIdError; event: RenewalErrorEvent }> = [];
    const { app, registration } = await startRegisteredApp(sim, (r) => ({
      ...renewalOptions(r),
      registrationAccessToken: 'a-token-mojeID-does-not-know',
      renewalMargin: 60, // more than the lifetime: due at once
      credentialStore: new MemoryCredentialStore(),
      renewalRetry: { minDelay: 100, maxDelay: 200 },
      onRenewalError: (error, event) => void errors.push({ error, event }),
    }));
    await eventually(() => errors.length >= 3, 10_000, 'three reported failures');
    expect(errors.slice(0, 3).map((e) => e.event.attempt)).toEqual([1, 2, 3]);
    expect(errors.every((e) => e.error.code === 'client_registration_failed' && e.event.retryAt instanceof Date)).toBe(true);
    expect(errors[0]?.error.message).toMatch(/registration access token was refused/);
    expect(JSON.stringify(errors.map((e) => e.error.message))).not.toContain('a-token-mojeID-does-not-know');
    // The secret in use is still valid: logins do not notice.
    expect((await loginThroughApp(app)).status).toBe(303);
    expect(app.router.strategy.renewal?.current()?.clientSecret).toBe(registration.client_secret);
  });
});

describe('CredentialRenewal on its own', () => {
  const configured = (r: ClientRegistration): ConstructorParameters<typeof CredentialRenewal>[0]['configured'] => ({
    client_id: r.client_id,
    client_secret: r.client_secret as string,
    client_secret_expires_at: r.client_secret_expires_at,
    registration_access_token: r.registration_access_token as string,
    registration_client_uri: r.registration_client_uri as string,
  });

  it('retries a failing renewal with exponential back-off and reports each attempt', async () => {
    sim = await startSimulator();
    const registration = await registerClient({ redirect_uris: ['http://127.0.0.1:1/cb'] }, { issuer: sim.issuer });
    let failuresLeft = 3;
    const flakyFetch: typeof fetch = (input, init) => {
      if (init?.method === 'POST' && failuresLeft > 0) {
        failuresLeft -= 1;
        return Promise.reject(new TypeError('fetch failed'));
      }
      return fetch(input, init);
    };
    const reported: Array<{ error: MojeIdError; event: RenewalErrorEvent }> = [];
    const renewed: CredentialsRenewedEvent[] = [];
    const renewal = new CredentialRenewal({
      issuer: sim.issuer,
      configured: configured(registration),
      margin: 48 * 3600, // due at once
      timeout: 5,
      fetch: flakyFetch,
      retry: { minDelay: 100, maxDelay: 250 },
      onRenewalError: (error, event) => void reported.push({ error, event }),
      onCredentialsRenewed: (event) => void renewed.push(event),
    });
    try {
      await eventually(() => renewed.length === 1, 10_000, 'the renewal after three failures');
      expect(reported.map((r) => r.event.attempt)).toEqual([1, 2, 3]);
      expect(reported.every((r) => r.error.code === 'provider_unavailable')).toBe(true);
      // 100, 200, then capped at 250 ms.
      const delays = reported.map((r) => (r.event.retryAt as Date).getTime());
      expect(delays.every((at) => at > 0)).toBe(true);
      expect(renewal.current()?.clientSecret).not.toBe(registration.client_secret);
      expect(renewed[0]?.saved).toBe(false); // no store
    } finally {
      renewal.close();
    }
  });

  it('reports a refused registration access token as such, and keeps the secret it has', async () => {
    sim = await startSimulator();
    const registration = await registerClient({ redirect_uris: ['http://127.0.0.1:1/cb'] }, { issuer: sim.issuer });
    const reported: MojeIdError[] = [];
    const renewal = new CredentialRenewal({
      issuer: sim.issuer,
      configured: { ...configured(registration), registration_access_token: 'wrong-token-123' },
      margin: 48 * 3600,
      timeout: 5,
      retry: { minDelay: 5000 },
      onRenewalError: (error) => void reported.push(error),
    });
    try {
      await eventually(() => reported.length === 1, 5000, 'the failure report');
      expect(reported[0]).toBeInstanceOf(ClientRegistrationError);
      expect(reported[0]).toMatchObject({ providerError: 'invalid_token' });
      expect(reported[0]?.message).not.toContain('wrong-token-123');
      expect(renewal.current()?.clientSecret).toBe(registration.client_secret);
    } finally {
      renewal.close();
    }
  });

  it('uses the new secret even when saving it fails, reports the failure and saves it later', async () => {
    sim = await startSimulator();
    const registration = await registerClient({ redirect_uris: ['http://127.0.0.1:1/cb'] }, { issuer: sim.issuer });
    const store = new MemoryCredentialStore();
    store.failSaves = 1;
    const reported: MojeIdError[] = [];
    const renewed: CredentialsRenewedEvent[] = [];
    const renewal = new CredentialRenewal({
      issuer: sim.issuer,
      configured: configured(registration),
      store,
      margin: 48 * 3600,
      timeout: 5,
      retry: { minDelay: 100, maxDelay: 100 },
      onRenewalError: (error) => void reported.push(error),
      onCredentialsRenewed: (event) => void renewed.push(event),
    });
    try {
      await eventually(() => renewed.length >= 1, 5000, 'the renewal');
      expect(renewed[0]?.saved).toBe(false);
      expect(reported[0]).toBeInstanceOf(CredentialStoreError);
      const secret = renewal.current()?.clientSecret as string;
      expect(secret).not.toBe(registration.client_secret);
      expect((await tokenEndpointVerdict(sim.issuer, registration.client_id, secret)).accepted).toBe(true);
      await eventually(() => store.value !== undefined, 5000, 'the retried save');
      expect(store.value?.client_secret).toBe(renewal.current()?.clientSecret);
    } finally {
      renewal.close();
    }
  });

  it("ignores, and reports, a store holding another client's credentials", async () => {
    sim = await startSimulator();
    const registration = await registerClient({ redirect_uris: ['http://127.0.0.1:1/cb'] }, { issuer: sim.issuer });
    const store = new MemoryCredentialStore({ client_id: 'someoneElse', client_secret: 'x', client_secret_expires_at: 0 });
    const reported: MojeIdError[] = [];
    const renewal = new CredentialRenewal({ issuer: sim.issuer, configured: configured(registration), store, margin: 60, timeout: 5, onRenewalError: (e) => void reported.push(e) });
    try {
      await renewal.ready;
      expect(reported[0]?.message).toMatch(/holds client someoneElse, not the configured/);
      expect(renewal.current()?.clientSecret).toBe(registration.client_secret);
    } finally {
      renewal.close();
    }
  });

  it('stops when closed: no renewal happens afterwards', async () => {
    sim = await startSimulator();
    const registration = await registerClient({ redirect_uris: ['http://127.0.0.1:1/cb'] }, { issuer: sim.issuer });
    const renewed: CredentialsRenewedEvent[] = [];
    const renewal = new CredentialRenewal({
      issuer: sim.issuer,
      configured: { ...configured(registration), client_secret_expires_at: Math.floor(Date.now() / 1000) + 2 },
      margin: 1, // due in about a second
      timeout: 5,
      onCredentialsRenewed: (event) => void renewed.push(event),
    });
    renewal.close();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(renewed).toEqual([]);
  });
});

describe('FileCredentialStore', () => {
  it('answers undefined before the first save, then what was saved, in an owner-only file', async () => {
    const file = path.join(temporaryDirectory(), 'nested', 'credentials.json');
    const store = new FileCredentialStore(file);
    expect(await store.load()).toBeUndefined();
    const credentials = { client_id: 'abc', client_secret: 's3cret', client_secret_expires_at: 123, registration_access_token: 't', registration_client_uri: 'https://mojeid.cz/oidc/registration/?client_id=abc' };
    await store.save(credentials);
    expect(await store.load()).toEqual(credentials);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await store.save({ ...credentials, client_secret: 'newer' });
    expect((await store.load())?.client_secret).toBe('newer');
    // No temporary files are left behind.
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(path.dirname(file))).toEqual(['credentials.json']);
  });

  it('refuses a file that does not hold credentials, without quoting it', async () => {
    const file = path.join(temporaryDirectory(), 'credentials.json');
    writeFileSync(file, '{"client_id":"abc","client_secret":"leak-me"}');
    const failure = (await new FileCredentialStore(file).load().catch((e: unknown) => e)) as CredentialStoreError;
    expect(failure).toBeInstanceOf(CredentialStoreError);
    expect(failure.message).toMatch(/does not hold mojeID client credentials/);
    expect(failure.message).not.toContain('leak-me');
  });

  it('reports a file it cannot write', async () => {
    const directory = temporaryDirectory();
    writeFileSync(path.join(directory, 'not-a-directory'), '');
    await expect(new FileCredentialStore(path.join(directory, 'not-a-directory', 'c.json')).save({ client_id: 'a', client_secret: 'b', client_secret_expires_at: 0 })).rejects.toBeInstanceOf(
      CredentialStoreError,
    );
  });
});
