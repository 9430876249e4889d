/**
 * `MemoryRegistrationStore`: one live nonce per local user, and a full store refuses new starts
 * instead of evicting other users' pending account creations (whose `REGISTERED` would then be
 * unknown, §6.2).
 */
import { MemoryRegistrationStore, type PendingRegistration } from '../../src/index.js';
import { RegistrationStoreFullError } from '../../src/registration/store.js';

let clock = 1_000_000;
const now = (): number => clock;

function pending(nonce: string, localUser: string, ttl = 60_000): PendingRegistration {
  return { registrationNonce: nonce, localUser, variant: 'registration', createdAt: clock, expiresAt: clock + ttl };
}

it('keeps one live nonce per local user: a new start replaces that user’s previous one', async () => {
  const store = new MemoryRegistrationStore({ now });
  await store.save(pending('a-1', 'alice'));
  await store.save(pending('b-1', 'bob'));
  await store.save(pending('a-2', 'alice'));
  expect(store.size).toBe(2);
  expect(await store.consume('a-1')).toBeUndefined();
  expect(await store.consume('a-2')).toMatchObject({ localUser: 'alice' });
  expect(await store.consume('b-1')).toMatchObject({ localUser: 'bob' });
});

it('refuses new starts when full, and keeps everybody else’s', async () => {
  const store = new MemoryRegistrationStore({ maxEntries: 3, now });
  await store.save(pending('a-1', 'alice'));
  await store.save(pending('b-1', 'bob'));
  await store.save(pending('c-1', 'carol'));
  const refused = store.save(pending('m-1', 'mallory'));
  await expect(refused).rejects.toBeInstanceOf(RegistrationStoreFullError);
  await expect(refused).rejects.toMatchObject({ code: 'registration_unavailable', status: 503, limit: 3 });
  // A user with a live nonce may still start again: it replaces theirs, it takes no room.
  await store.save(pending('a-2', 'alice'));
  expect(store.size).toBe(3);
  expect(await store.consume('b-1')).toMatchObject({ localUser: 'bob' });
  expect(await store.consume('c-1')).toMatchObject({ localUser: 'carol' });
  expect(await store.consume('a-2')).toMatchObject({ localUser: 'alice' });
});

it('one user starting over and over cancels nobody else’s account creation', async () => {
  const store = new MemoryRegistrationStore({ maxEntries: 10, now });
  await store.save(pending('victim', 'bob'));
  for (let i = 0; i < 1000; i += 1) await store.save(pending(`flood-${i}`, 'mallory'));
  expect(store.size).toBe(2);
  expect(await store.consume('victim')).toMatchObject({ localUser: 'bob' });
});

it('makes room again when a nonce is consumed or expires', async () => {
  const store = new MemoryRegistrationStore({ maxEntries: 2, now });
  await store.save(pending('a-1', 'alice', 10_000));
  await store.save(pending('b-1', 'bob'));
  await expect(store.save(pending('c-1', 'carol'))).rejects.toBeInstanceOf(RegistrationStoreFullError);
  await store.consume('b-1');
  await store.save(pending('c-1', 'carol'));
  await expect(store.save(pending('d-1', 'dave'))).rejects.toBeInstanceOf(RegistrationStoreFullError);
  clock += 10_001;
  await store.save(pending('d-1', 'dave'));
  expect(await store.consume('c-1')).toMatchObject({ localUser: 'carol' });
  expect(await store.consume('d-1')).toMatchObject({ localUser: 'dave' });
});

it('a consumed nonce put back (the app’s hook failed) counts for its user again', async () => {
  const store = new MemoryRegistrationStore({ maxEntries: 2, now });
  await store.save(pending('a-1', 'alice'));
  const taken = (await store.consume('a-1')) as PendingRegistration;
  await store.save(taken);
  await store.save(pending('a-2', 'alice'));
  expect(store.size).toBe(1);
  expect(await store.consume('a-1')).toBeUndefined();
});
