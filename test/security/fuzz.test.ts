/**
 * Property-based tests: thousands of generated inputs per run against the callback route, the
 * login start, the claims normaliser and the configuration parser. Properties: no 5xx (no
 * provider outage is simulated here), no crash or unhandled rejection, no stack trace, token or
 * secret in any response or log line, and a rejected input changes no state.
 */
import fc from 'fast-check';
import { normaliseClaims } from '../../src/claims/normalise.js';
import { CLAIM_CATALOGUE } from '../../src/claims/catalogue.js';
import { resolveConfig, ConfigurationError, CONFIGURATION_SCHEMA } from '../../src/index.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { startTestProvider, type TestProvider } from '../helpers/test-provider.js';

const SECRET = 'fuzz-client-secret-0123456789';
const LEAK = /\bat [\w.<>]+ \(|node_modules|\.ts:\d+|Error: |fuzz-client-secret/;

let provider: TestProvider;
let app: TestApp;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  provider = await startTestProvider({ clientSecret: SECRET });
  app = await startApp({ issuer: provider.issuer, clientId: provider.clientId, clientSecret: SECRET });
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await app.close();
  await provider.close();
});

const PARAM_NAMES = ['code', 'state', 'iss', 'error', 'error_description', 'session_state', 'client_id', 'x', '', 'code[]', 'state[a]', '__proto__'];
const rawValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('%', '%FF', '%E2%82', '%00', '%0D%0A', '+', '&', '=', '..', '//evil.example', 'a'.repeat(3000)),
);
const rawQuery = fc.array(fc.tuple(fc.constantFrom(...PARAM_NAMES), rawValue, fc.boolean()), { maxLength: 8 }).map((pairs) =>
  pairs.map(([name, value, encode]) => `${name}=${encode ? encodeURIComponent(value) : value.replace(/[#\s]/g, '')}`).join('&'),
);

describe('fuzzing the callback route', () => {
  it('never answers 5xx, never leaks, and leaves the pending login usable', async () => {
    const browser = new TestBrowser();
    const started = await browser.get(`${app.origin}/auth/mojeid/login?returnTo=/after`);
    const answered = await browser.get(started.location as string);
    await fc.assert(
      fc.asyncProperty(rawQuery, async (query) => {
        const hop = await browser.get(`${app.origin}/auth/mojeid/callback?${query}`);
        expect(hop.status).toBeLessThan(500);
        expect(hop.body).not.toMatch(LEAK);
      }),
      { numRuns: 1500 },
    );
    expect(app.logLines.join('\n')).not.toMatch(LEAK);
    expect((await browser.get(`${app.origin}/me`)).status).toBe(401);
    // None of the rejected callbacks consumed or altered the real pending login.
    const done = await browser.get(answered.location as string);
    expect(done.status).toBe(303);
    expect(done.location).toBe(`${app.origin}/after`);
    expect(unhandled).toEqual([]);
  });
});

/** `text` resolved against `base` as a browser would, or `undefined` where it is no URL at all. */
function asUrl(text: string, base: string): string | undefined {
  try {
    return new URL(text, base).href;
  } catch {
    return undefined;
  }
}

describe('fuzzing the login start', () => {
  it('redirects only to the provider and records only same-origin returnTo paths', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 60 }), fc.webUrl(), fc.constantFrom('//a', '/\\a', '/%2F/a', 'https:a')), async (returnTo) => {
        const browser = new TestBrowser();
        const hop = await browser.get(`${app.origin}/auth/mojeid/login?returnTo=${encodeURIComponent(returnTo)}`);
        expect(hop.status).toBe(302);
        expect(new URL(hop.location as string).origin).toBe(provider.origin);
        // Where the finished login really sends the browser, resolved as a browser would
        // (`//x` and `/\x` leave the origin): same origin, and the asked-for path or `/`.
        const answered = await browser.get(hop.location as string);
        const done = await browser.get(answered.location as string);
        expect(done.status).toBe(303);
        const rawLocation = done.headers.get('location') as string;
        const landing = new URL(rawLocation, app.origin);
        expect(landing.origin).toBe(app.origin);
        expect(rawLocation.startsWith('/') && !rawLocation.startsWith('//') && !rawLocation.startsWith('/\\')).toBe(true);
        // Express may percent-encode what it sends; compared as URLs, it is the asked-for path or `/`
        // (only `/` when the asked-for text is no URL at all, such as `//` with its empty host).
        expect([new URL('/', app.origin).href, asUrl(returnTo, app.origin)]).toContain(landing.href);
      }),
      { numRuns: 200 },
    );
  });
});

describe('fuzzing the claims normaliser', () => {
  const catalogueTypes = new Map<string, string>(CLAIM_CATALOGUE.map((c) => [c.name, c.type]));
  const claimName = fc.oneof(fc.constantFrom(...CLAIM_CATALOGUE.map((c) => c.name)), fc.string({ maxLength: 12 }), fc.constant('__proto__'));

  it('never throws and only ever yields values of the catalogue type', () => {
    fc.assert(
      fc.property(fc.dictionary(claimName, fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true })), (raw) => {
        const { claims, problems } = normaliseClaims(raw);
        expect(Object.getPrototypeOf(claims) === null || Object.getPrototypeOf(claims) === Object.prototype).toBe(true);
        for (const [name, value] of Object.entries(claims)) {
          const type = catalogueTypes.get(name);
          if (type === 'boolean') expect(typeof value).toBe('boolean');
          if (type === 'integer') expect(Number.isInteger(value)).toBe(true);
          if (type === 'string') expect(typeof value).toBe('string');
          if (type === 'address' || type === 'address_string') expect(typeof value).toBe('object');
        }
        for (const problem of problems) expect(typeof problem.reason).toBe('string');
      }),
      { numRuns: 3000 },
    );
  });
});

describe('fuzzing the configuration parser', () => {
  const variables = CONFIGURATION_SCHEMA.map((e) => e.variable);
  it('either resolves or throws a ConfigurationError naming variables, never echoing the secret', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...variables, 'BASE_URL'), fc.oneof(fc.string({ maxLength: 30 }), fc.webUrl(), fc.constantFrom('test', 'production', 'true', '0', 'high', 'email!'))), (env) => {
        const withSecret = { ...env, MOJEID_CLIENT_SECRET: 'very-secret-value-xyz' };
        try {
          const config = resolveConfig({ env: withSecret });
          expect(config.clientSecret).toBe('very-secret-value-xyz');
          expect(JSON.stringify(config)).not.toContain('very-secret-value-xyz');
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigurationError);
          const issues = (error as ConfigurationError).issues;
          expect(issues.length).toBeGreaterThan(0);
          for (const issue of issues) expect([...variables]).toContain(issue.variable);
          expect((error as Error).message).not.toContain('very-secret-value-xyz');
        }
      }),
      { numRuns: 3000 },
    );
  });
});
