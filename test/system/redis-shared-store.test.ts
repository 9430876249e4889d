/**
 * Two app instances sharing one Redis (`RedisRegistrationStore`): the account-creation form is
 * made on one and mojeID's notification lands on the other (§6.2 sends it to any address of
 * `assertion_uris`), accepted exactly once, and 50 concurrent duplicate deliveries spread over
 * both instances yield exactly one acceptance. Over real mutual TLS.
 *
 * Needs Redis at REDIS_URL (default redis://127.0.0.1:6379); without it these tests FAIL.
 */
import https from 'node:https';
import type { Redis } from 'ioredis';
import { TestCertificateAuthority } from 'mojeid-simulator';
import { postNotification, startNotifyApp, type NotifyApp } from '../helpers/notify.js';
import { connectRedis, deleteKeys, storesFor, testPrefix } from './redis-helpers.js';

const cznic = TestCertificateAuthority.create({ commonName: 'Test CZ.NIC client CA' });
const serverCert = cznic.issueServerCertificate(['127.0.0.1']);
const mojeidCert = cznic.issue({ commonName: 'mojeid.cz notifications', kind: 'client' });
const SUB = '248289761777';

let redis: Redis;
let prefix: string;
let apps: NotifyApp[] = [];
let closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  redis = await connectRedis();
});

afterAll(async () => {
  await redis?.quit();
});

beforeEach(() => {
  prefix = testPrefix();
});

afterEach(async () => {
  for (const app of apps) await app.close();
  for (const close of closers) await close();
  apps = [];
  closers = [];
  if (redis) await deleteKeys(redis, prefix);
});

/** Two instances of one app: same client, same Redis prefix, each its own connection. */
async function twoInstances(): Promise<[NotifyApp, NotifyApp]> {
  const stores = await storesFor(prefix, 2);
  closers.push(...stores.map((s) => () => s.close()));
  for (const store of stores) {
    apps.push(
      await startNotifyApp({
        store,
        localUser: 'local-user-55',
        tls: { certPem: serverCert.certPem, keyPem: serverCert.keyPem, clientCa: [cznic.certPem] },
        router: { notifyCa: cznic.certPem, clientId: 'sharedClient' },
      }),
    );
  }
  return apps as [NotifyApp, NotifyApp];
}

/**
 * A browser asks instance `app` for the account-creation form; returns the nonce it carries.
 * (Over https with the test CA, which `fetch` would not trust.)
 */
async function startRegistration(app: NotifyApp): Promise<string> {
  const csrf = await httpsRequest(`${app.origin}/csrf`, 'GET');
  const token = (JSON.parse(csrf.body) as { token: string }).token;
  const page = await httpsRequest(`${app.origin}/auth/mojeid/register`, 'POST', `_csrf=${encodeURIComponent(token)}`, csrf.cookie);
  expect(page.status).toBe(200);
  const nonce = /name="registration_nonce" value="([^"]+)"/.exec(page.body)?.[1];
  if (!nonce) throw new Error('no registration_nonce on the page');
  return nonce;
}

async function httpsRequest(url: string, method: string, body?: string, cookie?: string): Promise<{ status: number; body: string; cookie: string | undefined }> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      {
        method,
        ca: cznic.certPem,
        agent: false,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } : {}),
          ...(cookie ? { cookie } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, cookie: res.headers['set-cookie']?.[0]?.split(';')[0] ?? cookie }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function notify(app: NotifyApp, params: Record<string, string>) {
  return postNotification(`${app.origin}/auth/mojeid/notify`, params, { ca: cznic.certPem, cert: mojeidCert.certPem, key: mojeidCert.keyPem });
}

describe('two instances sharing one Redis', () => {
  it('accepts on instance B the registration started on instance A, exactly once', async () => {
    const [a, b] = await twoInstances();
    const nonce = await startRegistration(a);
    const registered = { registration_nonce: nonce, sub: SUB, status: 'REGISTERED' };
    expect(await notify(b, registered)).toEqual({ status: 200, body: 'mode:accept\n' });
    expect(b.notifications).toEqual([{ sub: SUB, status: 'REGISTERED', localUser: 'local-user-55', repeat: false, variant: 'registration', via: 'tls' }]);
    // The same delivery again, on either instance (mojeID repeating after a lost answer): the
    // same answer, without asking the app again; for another sub, a rejection.
    expect(await notify(a, registered)).toEqual({ status: 200, body: 'mode:accept\n' });
    expect(await notify(b, registered)).toEqual({ status: 200, body: 'mode:accept\n' });
    expect(await notify(a, { ...registered, sub: '248289761778' })).toEqual({ status: 200, body: 'mode:reject\nreason:registration_nonce already used\n' });
    expect(a.notifications).toEqual([]);
    expect(b.notifications).toHaveLength(1);
  });

  it('asks the app once for 50 concurrent duplicate deliveries spread over both instances, and never rejects them', async () => {
    const [a, b] = await twoInstances();
    const nonce = await startRegistration(a);
    const registered = { registration_nonce: nonce, sub: SUB, status: 'REGISTERED' };
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => notify(i % 2 ? a : b, registered)));
    // The app is asked once. The others get its answer (once it is known), or an answer outside
    // the key-value form (409 while it is being made, 404 in the instant between consuming the
    // nonce and recording it), after which mojeID would try the next address: never a rejection.
    expect(a.notifications.length + b.notifications.length).toBe(1);
    expect(answers.filter((x) => x.body === 'mode:accept\n').length).toBeGreaterThanOrEqual(1);
    for (const answer of answers) {
      expect([{ status: 200, body: 'mode:accept\n' }, { status: 409, body: 'registration_nonce being handled\n' }, { status: 404, body: 'unknown registration_nonce\n' }]).toContainEqual(answer);
    }
  });

  it('recognises a repeated status change delivered to the other instance (§6.3)', async () => {
    const [a, b] = await twoInstances();
    const change = { sub: SUB, status: 'CONDITIONALLY_IDENTIFIED' };
    expect((await notify(a, change)).body).toBe('mode:accept\n');
    expect((await notify(b, change)).body).toBe('mode:accept\n');
    expect(a.notifications.map((n) => n.repeat)).toEqual([false]);
    expect(b.notifications.map((n) => n.repeat)).toEqual([true]);
  });

  it('keeps nonces under hashed keys with the configured lifetime, and cleans up', async () => {
    const [a] = await twoInstances();
    const nonce = await startRegistration(a);
    const keys = await redis.keys(`${prefix}registration:*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain(nonce);
    const ttl = await redis.pttl(keys[0] as string);
    expect(ttl).toBeGreaterThan(3500_000);
    expect(ttl).toBeLessThanOrEqual(3600_000);
  });
});
