/**
 * Logins that cross instances (issue 15): two example-app instances on one Redis behind one
 * address (test/system/several-instances.ts), a browser whose requests the front sends to the
 * instance each step names. A login started on A finishes on B; a logout on B is a logout on A;
 * two tabs started on different instances both finish; an account created from A is linked by
 * mojeID's notification delivered to B and shows on A; a client secret due for renewal when both
 * start is renewed once (the Redis lock), and both use the new one.
 *
 * Needs Redis at REDIS_URL (default redis://127.0.0.1:6379); without it these tests FAIL.
 */
import type { Redis } from 'ioredis';
import { loginThroughSimulator } from 'mojeid-simulator';
import { Client, csrfFrom, type Hop } from '../example-app/harness.js';
import { connectRedis, deleteKeys } from './redis-helpers.js';
import { startDeployment, type Deployment } from './several-instances.js';

let redis: Redis;
let deployment: Deployment | undefined;

beforeAll(async () => {
  redis = await connectRedis();
});

afterAll(async () => {
  await redis?.quit();
});

afterEach(async () => {
  if (deployment) {
    await deployment.close();
    await deleteKeys(redis, deployment.keyPrefix);
  }
  deployment = undefined;
});

const via = (instance: 'a' | 'b', accept = 'text/html'): Record<string, string> => ({ 'x-instance': instance, accept });

interface Me {
  user: { email: string };
  mojeid: { sub: string } | null;
}

async function me(d: Deployment, browser: Client, instance: 'a' | 'b'): Promise<{ status: number; body: Me | undefined }> {
  const answer = await browser.get(d.front.url('/me'), via(instance, 'application/json'));
  return { status: answer.status, body: answer.status === 200 ? (JSON.parse(answer.body) as Me) : undefined };
}

/** The login's start on one instance; returns the simulator's answer: the callback on the front. */
async function startAt(d: Deployment, browser: Client, instance: 'a' | 'b', account: string, returnTo = '/profile'): Promise<URL> {
  const start = await browser.get(d.front.url(`/auth/mojeid/login?returnTo=${encodeURIComponent(returnTo)}`), via(instance));
  expect(start.status).toBe(302);
  expect(start.location?.startsWith(d.simulator.issuer)).toBe(true);
  const callback = await loginThroughSimulator(start.location as string, { account });
  expect(callback.origin).toBe(d.front.origin);
  return callback;
}

function callbackAt(d: Deployment, browser: Client, instance: 'a' | 'b', callback: URL): Promise<Hop> {
  return browser.get(d.front.url(`${callback.pathname}${callback.search}`), via(instance));
}

async function passwordLogin(d: Deployment, browser: Client, instance: 'a' | 'b'): Promise<void> {
  const page = await browser.get(d.front.url('/login'), via(instance));
  const answer = await browser.post(d.front.url('/login'), { _csrf: csrfFrom(page.body), email: 'demo@example.cz', password: 'demo-password', returnTo: '/profile' }, via(instance));
  expect(answer.status).toBe(303);
}

function decode(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function inputs(body: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of body.matchAll(/<input(?: type="(?:hidden|checkbox)")? name="([^"]+)" value="([^"]*)"/g)) fields[m[1] as string] = decode(m[2] as string);
  return fields;
}

describe('two instances behind one address, on one Redis', () => {
  it('finishes on B a login started on A: logged in on both, and the first-login choice crosses too', async () => {
    const d = (deployment = await startDeployment());
    const browser = new Client();
    const callback = await startAt(d, browser, 'a', 'nia-high');
    const done = await callbackAt(d, browser, 'b', callback);
    expect(done.status).toBe(303);
    expect(done.location).toBe(d.front.url('/profile'));
    // A first mojeID login (Appendix 7 point 6): the choice, shown by A, made on B.
    const choice = await browser.get(d.front.url('/account/mojeid/first-login'), via('a'));
    expect(choice.status).toBe(200);
    const created = await browser.post(d.front.url('/account/mojeid/create'), { _csrf: csrfFrom(choice.body) }, via('b'));
    expect(created.status).toBe(303);
    expect(created.location).toBe(d.front.url('/profile'));

    const onA = await me(d, browser, 'a');
    const onB = await me(d, browser, 'b');
    expect(onA.status).toBe(200);
    expect(onB).toEqual(onA);
    expect(onA.body?.mojeid?.sub).toMatch(/\S/);
    expect(d.front.served.slice(0, 4)).toEqual(['a GET /auth/mojeid/login', 'b GET /auth/mojeid/callback', 'a GET /account/mojeid/first-login', 'b POST /account/mojeid/create']);

    // Only what the login needed is in Redis under the instances' prefix: the one session.
    const keys = await redis.keys(`${d.keyPrefix}*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(new RegExp(`^${d.keyPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}sess:`));
  });

  it('logs out on A by a logout on B', async () => {
    const d = (deployment = await startDeployment());
    const browser = new Client();
    await passwordLogin(d, browser, 'a');
    expect((await me(d, browser, 'a')).status).toBe(200);
    const profile = await browser.get(d.front.url('/profile'), via('b'));
    expect(profile.status).toBe(200);
    const logout = await browser.post(d.front.url('/auth/mojeid/logout'), { _csrf: csrfFrom(profile.body) }, via('b'));
    expect(logout.status).toBe(200);
    expect((await me(d, browser, 'a')).status).toBe(401);
    expect((await me(d, browser, 'b')).status).toBe(401);
  });

  it('finishes two tabs started on different instances, each callback on the other one', async () => {
    const d = (deployment = await startDeployment());
    const browser = new Client();
    // A visitor opens two tabs; each starts a login, on a different instance.
    const first = await startAt(d, browser, 'a', 'partial', '/first-tab');
    const second = await startAt(d, browser, 'b', 'partial', '/second-tab');
    const secondDone = await callbackAt(d, browser, 'a', second);
    expect(secondDone.status).toBe(303);
    expect(secondDone.location).toBe(d.front.url('/second-tab'));
    // The first tab's login was carried over the session regeneration of the second's, on A.
    const firstDone = await callbackAt(d, browser, 'b', first);
    expect(firstDone.status).toBe(303);
    expect(firstDone.location).toBe(d.front.url('/first-tab'));
    expect((await browser.get(d.front.url('/account/mojeid/first-login'), via('a'))).status).toBe(200);
  });

  it('links on A the mojeID account created from A, whose notification mojeID delivered to B', async () => {
    const d = (deployment = await startDeployment());
    const browser = new Client();
    await passwordLogin(d, browser, 'a');
    const profile = await browser.get(d.front.url('/profile'), via('a'));
    expect(profile.body).toContain('id="create-mojeid-account"');
    const register = await browser.post(d.front.url('/auth/mojeid/register'), { _csrf: csrfFrom(profile.body) }, via('a'));
    expect(register.status).toBe(200);
    const action = decode(/id="mojeid-register" method="post" action="([^"]+)"/.exec(register.body)?.[1] ?? '');
    expect(action.startsWith(new URL(d.simulator.issuer).origin)).toBe(true);
    // While the user fills in mojeID's form, the nonce waits in Redis, hashed (one key).
    const pending = await redis.keys(`${d.keyPrefix}mojeid:registration:*`);
    expect(pending).toHaveLength(1);

    const form = await browser.post(action, inputs(register.body));
    const done = await browser.post(new URL('/registration/create', action).href, inputs(form.body));
    expect(done.body).toContain('data-outcome="accept"');
    const sub = /<code id="sub">([^<]+)<\/code>/.exec(done.body)?.[1] ?? '';
    expect(sub).toMatch(/\S/);
    // Delivered to B (the only address in assertion_uris), consumed there.
    const delivery = d.simulator.accountCreation.deliveries.find((x) => x.sub === sub && x.status === 'REGISTERED');
    expect(delivery?.attempts.map((x) => [x.address, x.outcome])).toEqual([[`${d.b.origin}/auth/mojeid/notify`, 'accept']]);
    expect(await redis.keys(`${d.keyPrefix}mojeid:registration:*`)).toEqual([]);

    const after = await browser.get(d.front.url('/profile'), via('a'));
    expect(after.body).toContain(`<code id="mojeid-sub">${sub}</code>`);
    expect((await me(d, browser, 'a')).body?.mojeid?.sub).toBe(sub);
  });

  it('renews a due client secret once for both instances, which both log in with the new one (§5.1.3)', async () => {
    // Every command the instances send to Redis, with the connection it came from.
    const monitor = await redis.monitor();
    const commands: Array<{ source: string; args: string[] }> = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => void commands.push({ source, args }));
    try {
      const d = (deployment = await startDeployment({ dueRenewal: true }));
      const key = `${d.keyPrefix}mojeid:client-credentials:${d.clientId}`;
      const writes = () => commands.filter((c) => c.args[0]?.toUpperCase() === 'SET' && c.args[1] === key);
      // Done when the instance that did not renew has read the key after the other's write: at
      // once if it started after the renewal, or when it retries after finding the lock taken.
      const settled = (): boolean => {
        const [write] = writes();
        if (!write) return false;
        const after = commands.slice(commands.indexOf(write) + 1);
        return after.some((c) => c.source !== write.source && c.args[0]?.toUpperCase() === 'GET' && c.args[1] === key);
      };
      for (let attempt = 0; !settled() && attempt < 600; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(settled()).toBe(true);
      expect(writes()).toHaveLength(1);
      const stored = JSON.parse((await redis.get(key)) ?? '{}') as { client_id?: string; client_secret?: string };
      expect(stored.client_id).toBe(d.clientId);

      // The configured secret is dead since the renewal; both instances exchange codes with the new one.
      const browser = new Client();
      expect((await callbackAt(d, browser, 'b', await startAt(d, browser, 'a', 'partial', '/one'))).location).toBe(d.front.url('/one'));
      expect((await callbackAt(d, browser, 'a', await startAt(d, browser, 'b', 'partial', '/two'))).location).toBe(d.front.url('/two'));
      expect(writes()).toHaveLength(1);
      const locks = commands.filter((c) => c.args[0]?.toUpperCase() === 'SET' && c.args[1] === `${key}:lock`);
      expect(locks.length).toBeGreaterThanOrEqual(1);
    } finally {
      monitor.disconnect();
    }
  });
});
