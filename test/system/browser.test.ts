/**
 * The example app in a real browser: Debian's Chromium, headless, driven by playwright-core.
 * Clicks through the whole Appendix 7 journey against the in-process mojeID simulator and saves
 * the screenshots the docs use (docs/screenshots/*.png, rewritten with UPDATE_DOCS=1).
 *
 * Needs /usr/bin/chromium. Without it the test FAILS (never skips): apt-get install chromium.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startExample, type RunningExample } from '../example-app/harness.js';

const CHROMIUM = '/usr/bin/chromium';
// The docs' screenshots are rewritten only on request (`UPDATE_DOCS=1 npm run test:system`), so a
// test run leaves the working tree as it was; otherwise they go to a temporary directory.
const SCREENSHOTS = process.env['UPDATE_DOCS'] === '1' ? path.resolve('docs/screenshots') : fs.mkdtempSync(path.join(os.tmpdir(), 'mojeid-screenshots-'));

let browser: Browser | undefined;
let app: RunningExample | undefined;

afterEach(async () => {
  await browser?.close();
  await app?.close();
  browser = undefined;
  app = undefined;
});

async function launch(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium: apt-get install chromium`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
}

async function newPage(b: Browser): Promise<Page> {
  const context = await b.newContext({ locale: 'en-US', viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  return page;
}

async function step(page: Page): Promise<string | null> {
  return page.locator('main').first().getAttribute('data-step');
}

/** The simulator's account choice and consent pages. */
async function throughSimulator(page: Page, account: string): Promise<void> {
  await page.waitForSelector('main[data-step="login"]');
  await page.locator(`button[name="account"][value="${account}"]`).click();
  await page.waitForSelector('main[data-step="consent"]');
  await page.getByRole('button', { name: /Allow/ }).click();
}

describe('example app in Chromium', () => {
  it('home -> Log in with mojeID -> simulator -> first login: create account -> profile -> logout -> mojeID logout', async () => {
    browser = await launch();
    app = await startExample();
    const simulatorOrigin = app.example.simulator?.origin as string;
    const page = await newPage(browser);
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`${message.text()} ${message.location().url}`);
    });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });

    // The library's own login page (button, "Why mojeID", "Create mojeID account").
    await page.goto(app.url('/auth/mojeid'));
    await expect(page.getByRole('link', { name: /Log in with mojeID/ }).count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'login-page.png') });

    await page.goto(app.url('/'));
    await expect(page.getByText('Powered by mojeID').count()).resolves.toBe(1);
    await page.getByRole('link', { name: /Log in with mojeID/ }).click();
    expect(new URL(page.url()).origin).toBe(simulatorOrigin);
    await throughSimulator(page, 'partial');

    // Back in the app: first login, the user chooses (Appendix 7 point 6).
    await page.waitForURL(app.url('/account/mojeid/first-login'));
    await expect(page.locator('#mojeid-summary').innerText()).resolves.toContain('Petra Svobodová');
    await page.getByRole('button', { name: /Create a new account/ }).click();

    await page.waitForURL(app.url('/profile'));
    const profileText = await page.locator('main').innerText();
    expect(profileText).toContain('petra.svobodova@example.cz');
    expect(profileText).toMatch(/Linked with mojeID: \d+/);
    await expect(page.locator('#mojeid-claims').innerText()).resolves.toContain('phone_number');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'profile.png'), fullPage: true });

    // Logout (POST with the CSRF token), then the offer to log out of mojeID too (ch. 7).
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(app.url('/auth/mojeid/logout'));
    await expect(page.getByRole('link', { name: /Log out of mojeID too/i }).count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'logged-out.png') });
    await page.getByRole('link', { name: /Log out of mojeID too/i }).click();
    await page.waitForSelector('main[data-step="logout"]');
    expect(page.url()).toBe(`${simulatorOrigin}/logout/`);
    await expect(step(page)).resolves.toBe('logout');

    // Really logged out of the app.
    const me = await page.request.get(app.url('/me'), { headers: { accept: 'application/json' } });
    expect(me.status()).toBe(401);
    expect(errors).toEqual([]);
  });

  it('a password login links mojeID from the profile page (the form posts through to mojeID)', async () => {
    browser = await launch();
    app = await startExample();
    const page = await newPage(browser);
    await page.goto(app.url('/login'));
    await page.getByLabel('E-mail').fill('demo@example.cz');
    await page.getByLabel(/Password/).fill('demo-password');
    await page.getByRole('button', { name: /^Přihlásit se \/ Log in$/ }).click();
    await page.waitForURL(app.url('/profile'));

    await page.getByRole('button', { name: /Link mojeID/ }).click();
    await throughSimulator(page, 'nia-high');
    // Linked; the data differs from the demo account's, so the user chooses what to update.
    await page.waitForURL(app.url('/account/mojeid/update'));
    await page.getByRole('checkbox', { name: /Family name/ }).check();
    await page.getByRole('button', { name: /Save choice/ }).click();
    await page.waitForURL(app.url('/profile'));
    const text = await page.locator('main').innerText();
    expect(text).toMatch(/Linked with mojeID: \d+/);
    expect(await page.locator('#local-account').innerText()).toMatch(/Family name\s+Novák/);
    expect(await page.locator('#local-account').innerText()).toContain('demo@example.cz');
    expect(text).toContain('jan.novak@example.cz'); // the data mojeID sent, shown on the profile
  });
});
