/**
 * A logout or account-creation form the body parser cannot read (too large, too many fields) is
 * the visitor's malformed request: the library answers it itself with `bad_request` and the
 * parser's status, not with `invalid_callback` (that is the callback's) nor with the app's
 * generic error handler and its stack trace.
 */
import { TestBrowser } from '../helpers/browser.js';
import { startNotifyApp, type NotifyApp } from '../helpers/notify.js';

let app: NotifyApp;

beforeAll(async () => {
  app = await startNotifyApp({ router: { notifyInsecureTestMode: true } });
});

afterAll(async () => {
  await app.close();
});

describe.each(['logout', 'register'])('POST /auth/mojeid/%s with a form the body parser refuses', (part) => {
  it.each([
    ['a body over the 4 kB limit', { _csrf: 'x', filler: 'a'.repeat(5000) }, 413],
    ['more than 20 fields', Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`f${i}`, 'x'])), 413],
  ])('%s is bad_request with the parser’s status', async (_what, form, status) => {
    const browser = new TestBrowser();
    app.errors.length = 0;
    const page = await browser.post(`${app.origin}/auth/mojeid/${part}`, form);
    expect(page.status).toBe(status);
    expect(page.body).toContain('data-code="bad_request"');
    expect(page.body).not.toMatch(/at .*\.(js|ts):\d+/); // no stack trace
    expect(app.errors.map((e) => e.code)).toEqual(['bad_request']);
  });
});
