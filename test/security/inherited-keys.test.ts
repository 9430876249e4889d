/**
 * Outside text used as a key must find only what the library defined: `valueOf`, `constructor`,
 * `toString` or `__proto__` are properties of every plain object, and a lookup that takes them for
 * known names lets them past allow-lists and length caps.
 */
import type { Request } from 'express';
import { resolveConfig } from '../../src/config.js';
import { ConfigurationError } from '../../src/errors.js';
import { parseCallbackQuery } from '../../src/callback-params.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { startTestProvider, type TestProvider } from '../helpers/test-provider.js';

const ENV = { MOJEID_ENV: 'test', MOJEID_CLIENT_ID: 'abcDEF123456', MOJEID_CLIENT_SECRET: 'super-secret-value', MOJEID_BASE_URL: 'https://shop.example.cz' };

describe('MOJEID_ACCEPT', () => {
  it.each(['valueOf', 'constructor', 'toString', '__proto__', 'hasOwnProperty'])('refuses the inherited name %s with a ConfigurationError naming it', (name) => {
    let error: unknown;
    try {
      resolveConfig({ env: { ...ENV, MOJEID_ACCEPT: `validated,${name}` } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const issue = (error as ConfigurationError).issues.find((i) => i.variable === 'MOJEID_ACCEPT');
    expect(issue?.message).toContain(JSON.stringify(name));
  });
});

describe('the callback parser', () => {
  it.each(['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'])('ignores %s like any unknown parameter, whatever its length or repetition', (name) => {
    const huge = 'x'.repeat(5000);
    const params = parseCallbackQuery({ originalUrl: `/auth/mojeid/callback?state=s&${name}=${huge}&${name}=again` } as unknown as Request);
    expect([...params.keys()]).toEqual(['state']);
  });

  let provider: TestProvider | undefined;
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    await provider?.close();
  });

  it('completes a login whose callback carries oversized, repeated constructor and __proto__ parameters', async () => {
    provider = await startTestProvider();
    provider.behave({
      authorizationResponse: (p) => {
        for (const name of ['constructor', '__proto__', 'toString']) {
          p.append(name, 'x'.repeat(5000));
          p.append(name, 'again');
        }
        return p;
      },
    });
    app = await startApp({ issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret });
    const browser = new TestBrowser();
    const started = await browser.get(`${app.origin}/auth/mojeid/login`);
    const answered = await browser.get(started.location as string);
    expect(new URL(answered.location as string).search).toContain('constructor=');
    const finished = await browser.get(answered.location as string);
    expect(finished.status).toBe(303);
    expect((await browser.get(`${app.origin}/me`)).status).toBe(200);
    expect(app.errors).toEqual([]);
  });
});
