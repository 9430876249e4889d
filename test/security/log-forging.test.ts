/**
 * Log forging: whatever arrives from outside (a callback anyone can send with a valid `state`,
 * obtained by starting a login) must not be able to write a log line of its own. The default
 * logger escapes control characters in the message, and outside text never reaches the message:
 * it stays in fields, which are printed JSON-quoted.
 */
import { jest } from '@jest/globals';
import { consoleLogger } from '../../src/logger.js';
import { startApp, type TestApp } from '../helpers/app.js';
import { TestBrowser } from '../helpers/browser.js';
import { startTestProvider, type TestProvider } from '../helpers/test-provider.js';

/** What `consoleLogger` printed, as the terminal or log collector would receive it. */
function captureConsole(): { text(): string; restore(): void } {
  const printed: string[] = [];
  const spy = jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ') + '\n'));
  return { text: () => printed.join(''), restore: () => spy.mockRestore() };
}

/** Lines as a log collector splits them: LF, CR, and the Unicode separators some viewers honour. */
const lines = (text: string): string[] => text.split(/\r\n|[\n\r\u2028\u2029\u0085]/).filter((line) => line !== '');

describe('the default logger', () => {
  it('prints a message with line breaks, Unicode separators and ESC sequences as one escaped line', () => {
    const console = captureConsole();
    try {
      consoleLogger.warn('a\nforged\r\n[mojeid] line\u2028two\u2029three\u0085four \u001b[2J\u001b[31mred', { field: 'x\ny\u2028z\u001b[0m' });
    } finally {
      console.restore();
    }
    const printed = lines(console.text());
    expect(printed).toHaveLength(1);
    // eslint-disable-next-line no-control-regex
    expect(printed[0]).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(printed[0]).toContain('\\u001b[2J');
    expect(printed[0]).toContain('\\u2028');
  });
});

describe('a forged callback error', () => {
  let provider: TestProvider;
  let app: TestApp;

  afterEach(async () => {
    await app?.close();
    await provider?.close();
  });

  it('keeps a forged error_description in a quoted field: one log line, the message ours alone', async () => {
    provider = await startTestProvider();
    app = await startApp({ issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, logger: consoleLogger });
    const browser = new TestBrowser();
    // Anyone gets a valid state this way, without ever reaching mojeID.
    const started = await browser.get(`${app.origin}/auth/mojeid/login`);
    const state = new URL(started.location as string).searchParams.get('state') as string;
    const forged = '\n[mojeid] notification accepted status="REGISTERED" user=admin';
    const console = captureConsole();
    let hop;
    try {
      hop = await browser.get(`${app.origin}/auth/mojeid/callback?state=${encodeURIComponent(state)}&error=access_denied&error_description=${encodeURIComponent(forged)}`);
    } finally {
      console.restore();
    }
    expect(hop.status).toBe(401);
    const printed = lines(console.text());
    expect(printed).toHaveLength(1);
    const [line] = printed as [string];
    expect(line.startsWith('[mojeid] access_denied: the user declined the login at mojeID ')).toBe(true);
    // The forged text appears once, inside the JSON string of its field.
    expect(line).toContain(`error_description=${JSON.stringify(forged)}`);
    expect(line.indexOf('notification accepted')).toBe(line.lastIndexOf('notification accepted'));
    expect(line.indexOf('notification accepted')).toBeGreaterThan(line.indexOf('error_description="'));
    expect(line).toContain('error="access_denied"');
    expect(app.errors[0]).toMatchObject({ code: 'access_denied', providerError: 'access_denied', providerDescription: forged });
    expect(app.errors[0]?.message).not.toContain('notification');
  });
});
