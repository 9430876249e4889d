/**
 * Pages at the origin root: mojeID's logout page (ch. 7), where the user confirms and the
 * session ends, and the target of "Create mojeID account" links (Appendix 7).
 */
import type * as client from 'openid-client';
import { CookieJar, loginThroughSimulator, type RunningSimulator } from 'mojeid-simulator';
import { authorizationRequest, browserRequest, codeFlow, discover, startTestSimulator } from './helpers.js';

let sim: RunningSimulator;
let config: client.Configuration;
beforeAll(async () => {
  sim = await startTestSimulator();
  config = await discover(sim);
});
afterAll(async () => {
  await sim.close();
});

async function silentLogin(cookies: CookieJar): Promise<URL> {
  const started = await authorizationRequest(config, { scope: 'openid', prompt: 'none' });
  return loginThroughSimulator(started.url, { account: 'nia-high', cookies });
}

describe('the registration page', () => {
  it('answers the "Create mojeID account" link (Appendix 7 point 2b) with the test accounts', async () => {
    const page = await browserRequest(new CookieJar(), `${sim.origin}/registration/`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<main data-step="registration">');
    expect(page.html).toContain('Petra Svobodová <code>partial</code>');
  });

  it('answers unknown paths with a 404 page', async () => {
    const page = await browserRequest(new CookieJar(), `${sim.origin}/nothing-here`);
    expect(page.status).toBe(404);
    expect(page.html).toContain('<main data-step="error">');
  });
});

describe('the logout page', () => {
  it('asks "Log out of mojeID?", logs out on POST, and the session is gone', async () => {
    const cookies = new CookieJar();
    await codeFlow(config, { scope: 'openid' }, { account: 'nia-high', cookies });
    expect((await silentLogin(cookies)).searchParams.get('code')).toEqual(expect.any(String));

    expect(sim.logoutUrl).toBe(`${sim.origin}/logout/`);
    const page = await browserRequest(cookies, sim.logoutUrl);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<main data-step="logout">');
    expect(page.html).toContain('Log out of mojeID?');
    expect(page.html).toContain('Odhlásit se z mojeID?');
    expect(page.html).toContain('Jan Novák');
    expect(page.html).toContain('<form method="post" action="/logout/" id="logout">');
    expect(page.html).not.toMatch(/<script/i);
    expect(page.headers.get('x-frame-options')).toBe('DENY');

    // Only showing the page does not log out.
    expect((await silentLogin(cookies)).searchParams.get('code')).toEqual(expect.any(String));

    const done = await browserRequest(cookies, sim.logoutUrl, new URLSearchParams());
    expect(done.status).toBe(200);
    expect(done.html).toContain('<main data-step="logged-out">');
    expect(done.html).toContain('You are logged out');
    expect(cookies.names(sim.logoutUrl)).not.toContain('_session');

    expect((await silentLogin(cookies)).searchParams.get('error')).toBe('login_required');
  });

  it('ends the session on the server, not only the cookie', async () => {
    const cookies = new CookieJar();
    await codeFlow(config, { scope: 'openid' }, { account: 'partial', cookies });
    expect(cookies.names(sim.logoutUrl)).toContain('_session');
    // A copy of the browser's session cookies, taken before logging out.
    const kept = new CookieJar();
    kept.store(sim.origin, (cookies.header(sim.logoutUrl) ?? '').split('; ').map((pair) => `${pair}; Path=/`));
    await browserRequest(cookies, sim.logoutUrl, new URLSearchParams());
    expect((await silentLogin(kept)).searchParams.get('error')).toBe('login_required');
  });

  it('says so when nobody is logged in', async () => {
    const page = await browserRequest(new CookieJar(), `${sim.origin}/logout`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('You are not logged in.');
    const done = await browserRequest(new CookieJar(), sim.logoutUrl, new URLSearchParams());
    expect(done.html).toContain('<main data-step="logged-out">');
  });
});
