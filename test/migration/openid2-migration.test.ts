/**
 * OpenID 2.0 to OpenID Connect migration (manual §5.3.2; Migration 1.0 §5-§7): a local account known
 * by its OpenID 2.0 identifier is linked to the new `sub` on its first OpenID Connect login, through
 * the real simulator and a real app; an `openid2_id` that is not in the signed ID token, differs
 * between ID token and UserInfo, or is on a host the issuer is not authoritative for links nothing.
 */
import { loginThroughSimulator, startSimulator, type RunningSimulator } from 'mojeid-simulator';
import { startApp, type TestApp } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { startTestProvider, type Behaviour, type TestProvider } from '../helpers/test-provider.js';
import { Passport } from 'passport';
import { ConfigurationError, OpenId2MigrationError, mojeid, verifiedOpenId2Id, type FindUserByOpenId2Id, type MojeIdProfile, type MojeIdRouterOptions, type VerifyCallback, type VerifyFunction } from '../../src/index.js';

/** The app's users: some known only by the OpenID 2.0 identifier they logged in with years ago. */
class UserStore {
  readonly users: Array<{ id: string; openid2Id?: string; sub?: string }> = [];
  readonly lookups: string[] = [];

  options(): { findUserByOpenId2Id: FindUserByOpenId2Id; verify: VerifyFunction } {
    return {
      findUserByOpenId2Id: (openid2Id: string, profile: MojeIdProfile) => {
        this.lookups.push(openid2Id);
        const user = this.users.find((u) => u.openid2Id === openid2Id && u.sub === undefined);
        if (!user) return undefined;
        user.sub = profile.id; // the link: from now on the account is found by sub
        return { id: user.id };
      },
      verify: (profile: MojeIdProfile, done: VerifyCallback) => {
        let user = this.users.find((u) => u.sub === profile.id);
        if (!user) {
          user = { id: `new-${this.users.length}`, sub: profile.id };
          this.users.push(user);
        }
        done(null, { id: user.id });
      },
    };
  }
}

const apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function meOf(browser: TestBrowser, app: TestApp): Promise<{ id: string } | undefined> {
  const me = await browser.get(`${app.origin}/me`);
  return me.status === 200 ? (JSON.parse(me.body) as { user: { id: string } }).user : undefined;
}

describe('with the simulator', () => {
  let simulator: RunningSimulator;
  const CLIENT = { client_id: 'migrationCl1', client_secret: 'migration-secret-for-tests' };
  beforeEach(async () => {
    simulator = await startSimulator();
  });
  afterEach(async () => {
    await simulator.close();
  });

  async function login(app: TestApp): Promise<{ browser: TestBrowser; authorization: URL; status: number }> {
    const browser = new TestBrowser();
    const started = await browser.get(`${app.origin}/auth/mojeid/login`);
    const authorization = new URL(started.location as string);
    const done = await browser.get(await loginThroughSimulator(authorization, { account: 'partial' }));
    return { browser, authorization, status: done.status };
  }

  it("links the OpenID 2.0 account to the new sub on the first login, and finds it by sub afterwards", async () => {
    const store = new UserStore();
    const openid2Id = `${simulator.origin}/openid2/petra-svobodova/#Qm8rT2kLpA`;
    store.users.push({ id: 'old-42', openid2Id }, { id: 'old-43', openid2Id: `${simulator.origin}/openid2/someone-else/` });
    const app = await startApp({ issuer: simulator.issuer, clientId: CLIENT.client_id, clientSecret: CLIENT.client_secret, scope: 'openid openid2', ...store.options() });
    apps.push(app);
    simulator.addClient({ ...CLIENT, redirect_uris: [`${app.origin}/auth/mojeid/callback`] });

    const first = await login(app);
    expect(first.status).toBe(303);
    // Migration 1.0 §5: asked for in the signed ID token, where mojeID puts it only when named.
    expect(JSON.parse(first.authorization.searchParams.get('claims') as string)).toEqual({ id_token: { openid2_id: null } });
    expect(await meOf(first.browser, app)).toEqual({ id: 'old-42' });
    expect(store.lookups).toEqual([openid2Id]);
    const linkedSub = store.users.find((u) => u.id === 'old-42')?.sub;
    expect(linkedSub).toMatch(/^\w{12}$/);
    expect(store.users.find((u) => u.id === 'old-43')?.sub).toBeUndefined();

    const second = await login(app);
    expect(await meOf(second.browser, app)).toEqual({ id: 'old-42' });
    expect(store.users).toHaveLength(2); // nobody new was created
  });

  it('refuses a hook without the openid2 scope at start-up', () => {
    const options = { useEnvironment: false, issuer: simulator.issuer, clientId: CLIENT.client_id, clientSecret: CLIENT.client_secret, baseUrl: 'http://127.0.0.1:1', passport: new Passport() };
    expect(() => mojeid({ ...options, scope: 'openid email', ...new UserStore().options() } as MojeIdRouterOptions)).toThrow(ConfigurationError);
    expect(() => mojeid({ ...options, scope: 'openid email', ...new UserStore().options() } as MojeIdRouterOptions)).toThrow(/MOJEID_SCOPE.*openid2/);
    const fine = mojeid({ ...options, scope: 'openid openid2', ...new UserStore().options() } as MojeIdRouterOptions);
    fine.strategy.close();
  });
});

describe('with a provider that forges openid2_id', () => {
  let provider: TestProvider;
  afterEach(async () => {
    await provider.close();
  });

  async function attempt(behaviour: Behaviour): Promise<{ store: UserStore; status: number; body: string; me: { id: string } | undefined }> {
    provider = await startTestProvider();
    provider.behave(behaviour);
    const store = new UserStore();
    store.users.push({ id: 'victim', openid2Id: 'https://victim.mojeid.cz/' }, { id: 'local-op', openid2Id: `${new URL(provider.issuer).origin}/openid2/victim/` });
    const app = await startApp({ issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, scope: 'openid openid2', ...store.options() });
    apps.push(app);
    const browser = new TestBrowser();
    const started = await browser.get(`${app.origin}/auth/mojeid/login`);
    const answered = await browser.get(started.location as string);
    const done = await browser.get(answered.location as string);
    return { store, status: done.status, body: done.body, me: await meOf(browser, app) };
  }

  it.each<[string, Behaviour]>([
    ['in UserInfo only', { userinfo: (c) => ({ ...c, openid2_id: 'https://victim.mojeid.cz/' }) }],
    ['on a host the issuer is not authoritative for', { idTokenClaims: (c) => ({ ...c, openid2_id: 'https://victim.mojeid.cz/' }) }],
    ['under a look-alike host', { idTokenClaims: (c) => ({ ...c, openid2_id: 'http://127.0.0.1.evil.example/openid2/victim/' }) }],
    ['different in UserInfo', { idTokenClaims: (c) => ({ ...c, openid2_id: `${new URL(provider.issuer).origin}/openid2/victim/` }), userinfo: (c) => ({ ...c, openid2_id: 'https://victim.mojeid.cz/' }) }],
    ['not a URL', { idTokenClaims: (c) => ({ ...c, openid2_id: 'victim' }) }],
  ])('refuses one %s and links nothing', async (_name, behaviour) => {
    const { store, status, body, me } = await attempt(behaviour);
    expect(status).toBe(403);
    expect(body).toContain('data-code="openid2_id_invalid"');
    expect(me).toBeUndefined();
    expect(store.lookups).toEqual([]);
    expect(store.users.every((u) => u.sub === undefined)).toBe(true);
  });

  it('accepts one in the signed ID token on the issuer\'s own host', async () => {
    const { store, status, me } = await attempt({ idTokenClaims: (c) => ({ ...c, openid2_id: `${new URL(provider.issuer).origin}/openid2/victim/` }) });
    expect(status).toBe(303);
    expect(me).toEqual({ id: 'local-op' });
    expect(store.users.find((u) => u.id === 'local-op')?.sub).toEqual(expect.any(String));
  });
});

describe('verifiedOpenId2Id against production', () => {
  const ISSUER = 'https://mojeid.cz/oidc/';
  const check = (value: unknown, userinfo?: unknown): string | undefined =>
    verifiedOpenId2Id({ sub: 'x', openid2_id: value }, userinfo === undefined ? undefined : { sub: 'x', openid2_id: userinfo }, ISSUER);

  it('accepts mojeID identifiers (manual ch. 3: https://demo.mojeid.cz/#UnIqUe)', () => {
    expect(check('https://demo.mojeid.cz/#UnIqUe')).toBe('https://demo.mojeid.cz/#UnIqUe');
    expect(check('https://demo.mojeid.cz/', 'https://demo.mojeid.cz/')).toBe('https://demo.mojeid.cz/');
    expect(check(undefined)).toBeUndefined();
    expect(check(null)).toBeUndefined(); // withheld: production sends null
  });

  it.each<[string, unknown, OpenId2MigrationError['refusal']]>([
    ['plain http', 'http://demo.mojeid.cz/', 'not_a_url'],
    ['credentials', 'https://user:pw@demo.mojeid.cz/', 'not_a_url'],
    ['a suffix look-alike', 'https://demo.mojeid.cz.evil.example/', 'foreign_host'],
    ['a prefix look-alike', 'https://evilmojeid.cz/', 'foreign_host'],
    ['another port', 'https://demo.mojeid.cz:8443/', 'foreign_host'],
    ['another OP', 'https://me.yahoo.com/a/xyz', 'foreign_host'],
    ['a number', 42, 'not_a_url'],
  ])('refuses %s', (_name, value, refusal) => {
    expect(() => check(value)).toThrow(expect.objectContaining({ code: 'openid2_id_invalid', refusal }));
  });
});
