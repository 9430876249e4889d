/**
 * The account-creation page in a real browser (Debian's Chromium): its form reaches mojeID's
 * registration endpoint by the external auto-submit script, under the page's CSP (no inline
 * script), and does not auto-submit when fields were dropped. Without /usr/bin/chromium it FAILS.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startNotifyApp, type NotifyApp } from '../helpers/notify.js';

const CHROMIUM = '/usr/bin/chromium';
let browser: Browser | undefined;
let app: NotifyApp | undefined;
let target: http.Server | undefined;
const received: string[] = [];

afterEach(async () => {
  await browser?.close();
  await app?.close();
  await new Promise<void>((resolve) => (target ? target.close(() => resolve()) : resolve()));
  browser = undefined;
  app = undefined;
  target = undefined;
  received.length = 0;
});

/** Stands in for mojeID: records what the registration endpoint receives. */
async function startTarget(): Promise<string> {
  target = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method === 'POST') received.push(`${req.method} ${req.url} ${body}`);
      res.setHeader('content-type', 'text/plain');
      res.end('mojeID registration form');
    });
  });
  await new Promise<void>((resolve) => (target as http.Server).listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
}

async function openBrowser(fields: Record<string, string>): Promise<Page> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium: apt-get install chromium`);
  const mojeidOrigin = await startTarget();
  app = await startNotifyApp({ registrationFields: fields, router: { issuer: `${mojeidOrigin}/oidc/`, notifyInsecureTestMode: true } });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  return (await browser.newContext({ locale: 'en-US' })).newPage();
}

/** What the app's "Create mojeID account" button does: a same-origin POST with the session's token. */
async function pressCreateAccount(page: Page): Promise<void> {
  const origin = (app as NotifyApp).origin;
  await page.goto(`${origin}/csrf`);
  const token = (JSON.parse((await page.textContent('body')) ?? '{}') as { token: string }).token;
  // The page is now on the app's origin; a form like the app's own, pressed like a person would.
  await page.setContent(`<form method="post" action="${origin}/auth/mojeid/register"><input type="hidden" name="_csrf" value="${token}"><button id="create">Create mojeID account</button></form>`);
  await page.click('#create');
}

it('auto-submits the prefilled form to the registration endpoint with an external script', async () => {
  const page = await openBrowser({ first_name: 'Jana', email_default_email: 'jana@example.cz' });
  await pressCreateAccount(page);
  await page.waitForURL(/\/registration\/endpoint\/$/);
  expect(await page.textContent('body')).toBe('mojeID registration form');
  expect(received).toHaveLength(1);
  expect(received[0]).toMatch(/^POST \/registration\/endpoint\/ realm=notifyTestClient&registration_nonce=[\w-]{43}&first_name=Jana&email_default_email=jana%40example\.cz$/);
});

it('stays on the page, listing what was dropped, when a field was invalid; the button continues', async () => {
  const page = await openBrowser({ first_name: 'Jana', phone_default_number: '603 123 456' });
  await pressCreateAccount(page);
  await page.waitForSelector('#mojeid-register');
  await page.waitForTimeout(300);
  expect(page.url()).toBe(`${app?.origin}/auth/mojeid/register`);
  expect(await page.textContent('[data-field="phone_default_number"]')).toContain('+420.603123456');
  expect(received).toEqual([]);
  await page.click('#mojeid-register button');
  await page.waitForURL(/\/registration\/endpoint\/$/);
  expect(received[0]).toContain('first_name=Jana');
  expect(received[0]).not.toContain('phone');
});
