/**
 * Instances sharing a credential store renew one at a time (the store's renewal lock): two that
 * find the secret due in the same moment rotate it once, and both end up with the secret mojeID
 * accepts. Without the lock the same race rotates twice, which is why the lock exists.
 */
import path from 'node:path';
import {
  CredentialRenewal,
  FileCredentialStore,
  registerClient,
  type ClientRegistration,
  type CredentialStore,
} from '../../src/index.js';
import { startSimulator, type RunningSimulator } from 'mojeid-simulator';
import { eventually, temporaryDirectory, tokenEndpointVerdict } from './helpers.js';

let sim: RunningSimulator | undefined;
const renewals: CredentialRenewal[] = [];

afterEach(async () => {
  for (const renewal of renewals.splice(0)) renewal.close();
  await sim?.close();
  sim = undefined;
});

/** Two instances configured alike, due one second after registration, counting rotations. */
async function twoInstances(store: CredentialStore): Promise<{ registration: ClientRegistration; rotations: () => number; a: CredentialRenewal; b: CredentialRenewal }> {
  // Secrets live 4 s; renewing 3 s before expiry makes both instances due 1 s from now.
  sim = await startSimulator({ dynamicClientLifetime: 4 });
  const registration = await registerClient({ redirect_uris: ['http://127.0.0.1:1/cb'] }, { issuer: sim.issuer });
  let rotations = 0;
  const counting: typeof fetch = (input, init) => {
    if (init?.method === 'POST' && String(input).startsWith(registration.registration_client_uri as string) && String(init.body).includes('"client_secret":null')) rotations += 1;
    return fetch(input, init);
  };
  const make = (): CredentialRenewal => {
    const renewal = new CredentialRenewal({
      issuer: (sim as RunningSimulator).issuer,
      configured: {
        client_id: registration.client_id,
        client_secret: registration.client_secret as string,
        client_secret_expires_at: registration.client_secret_expires_at,
        registration_access_token: registration.registration_access_token as string,
        registration_client_uri: registration.registration_client_uri as string,
      },
      store,
      margin: 3,
      timeout: 5,
      fetch: counting,
      retry: { minDelay: 100, maxDelay: 500 },
      onRenewalError: () => undefined,
    });
    renewals.push(renewal);
    return renewal;
  };
  return { registration, rotations: () => rotations, a: make(), b: make() };
}

describe('two instances sharing a credential store', () => {
  it('rotate the secret once when both find it due at the same moment, and both use the new one', async () => {
    const store = new FileCredentialStore(path.join(temporaryDirectory(), 'credentials.json'));
    const { registration, rotations, a, b } = await twoInstances(store);
    await eventually(
      () => rotations() >= 1 && a.current()?.clientSecret !== registration.client_secret && a.current()?.clientSecret === b.current()?.clientSecret,
      10_000,
      'both instances on a renewed secret',
    );
    for (const renewal of renewals) renewal.close();
    expect(rotations()).toBe(1);
    const secret = a.current()?.clientSecret as string;
    expect((await store.load())?.client_secret).toBe(secret);
    expect((await tokenEndpointVerdict((sim as RunningSimulator).issuer, registration.client_id, secret)).accepted).toBe(true);
    expect((await tokenEndpointVerdict((sim as RunningSimulator).issuer, registration.client_id, registration.client_secret as string)).accepted).toBe(false);
  });

  it('without a lock, the same moment rotates twice (the race the lock prevents)', async () => {
    const file = new FileCredentialStore(path.join(temporaryDirectory(), 'credentials.json'));
    const withoutLock: CredentialStore = { load: () => file.load(), save: (c) => file.save(c) };
    const { rotations } = await twoInstances(withoutLock);
    await eventually(() => rotations() >= 2, 10_000, 'two rotations');
    expect(rotations()).toBe(2);
  });
});

describe('FileCredentialStore.lock', () => {
  it('has one holder at a time, until it is released', async () => {
    const store = new FileCredentialStore(path.join(temporaryDirectory(), 'credentials.json'));
    const first = await store.lock(60_000);
    expect(first).toBeDefined();
    expect(await store.lock(60_000)).toBeUndefined();
    expect(await new FileCredentialStore(store.path).lock(60_000)).toBeUndefined();
    await first?.release();
    const second = await store.lock(60_000);
    expect(second).toBeDefined();
    await second?.release();
  });

  it("is taken over once expired (a crashed holder), and the old holder's release leaves the new lock alone", async () => {
    const store = new FileCredentialStore(path.join(temporaryDirectory(), 'credentials.json'));
    const crashed = await store.lock(1);
    expect(crashed).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const next = await store.lock(60_000);
    expect(next).toBeDefined();
    await crashed?.release();
    expect(await store.lock(60_000)).toBeUndefined();
    await next?.release();
    expect(await store.lock(60_000)).toBeDefined();
  });
});
