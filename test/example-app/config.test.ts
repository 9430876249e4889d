/**
 * The example app's configuration: defaults, the simulator switch, and errors that name each
 * variable (the library's MOJEID_* ones included) in the message `start.ts` prints.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_DATABASE_FILE, describeConfigError, loadConfig } from '../../example-app/src/config.js';
import { issuesOf } from './config-issues.js';

describe('example app configuration', () => {
  it('has working defaults: port 3000, localhost, the simulator on the next port, a generated secret', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, baseUrl: 'http://localhost:3000', https: false, useSimulator: true, simulatorPort: 3001, production: false });
    expect(config.databaseFile).toBe(DEFAULT_DATABASE_FILE);
    expect(DEFAULT_DATABASE_FILE.endsWith(path.join('example-app', 'data', 'app.sqlite'))).toBe(true);
    expect(config.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(config.warnings.join('\n')).toContain('SESSION_SECRET');
  });

  it('uses a real mojeID when MOJEID_ENV and the client are set', () => {
    const config = loadConfig({ MOJEID_ENV: 'test', MOJEID_CLIENT_ID: 'client', MOJEID_CLIENT_SECRET: 'secret', PORT: '8080', BASE_URL: 'https://shop.example.cz' });
    expect(config).toMatchObject({ useSimulator: false, port: 8080, baseUrl: 'https://shop.example.cz', https: true });
  });

  it('names the library variables that are missing or wrong', () => {
    const missing = issuesOf({ MOJEID_ENV: 'test' }).map((i) => i.variable);
    expect(missing).toEqual(expect.arrayContaining(['MOJEID_CLIENT_ID', 'MOJEID_CLIENT_SECRET']));

    expect(issuesOf({ MOJEID_ENV: 'staging', MOJEID_CLIENT_ID: 'c', MOJEID_CLIENT_SECRET: 's' }).map((i) => i.variable)).toEqual(['MOJEID_ENV']);
    // With the simulator, the other MOJEID_* variables are still checked.
    const scope = issuesOf({ MOJEID_SCOPE: 'openid bogus' });
    expect(scope).toHaveLength(1);
    expect(scope[0]).toMatchObject({ variable: 'MOJEID_SCOPE' });
    expect(scope[0]?.message).toContain('bogus');
  });

  it("names the app's own variables", () => {
    const issues = issuesOf({ PORT: 'eighty', BASE_URL: 'http://shop.example.cz/app', SIMULATOR_PORT: '70000', SESSION_SECRET: 'short' });
    expect(issues.map((i) => i.variable)).toEqual(['PORT', 'BASE_URL', 'SESSION_SECRET', 'SIMULATOR_PORT']);
    expect(issuesOf({ BASE_URL: 'http://shop.example.cz' })[0]?.message).toContain('https');
  });

  it('takes its origin from MOJEID_BASE_URL, the library’s name for it, when BASE_URL is unset', () => {
    const real = { MOJEID_ENV: 'test', MOJEID_CLIENT_ID: 'client', MOJEID_CLIENT_SECRET: 'secret' };
    expect(loadConfig({ ...real, MOJEID_BASE_URL: 'https://shop.example.cz' })).toMatchObject({ baseUrl: 'https://shop.example.cz', https: true });
    expect(loadConfig({ MOJEID_BASE_URL: 'http://127.0.0.1:8080/' }).baseUrl).toBe('http://127.0.0.1:8080');
    expect(loadConfig({ BASE_URL: 'https://shop.example.cz', MOJEID_BASE_URL: 'https://shop.example.cz/' }).baseUrl).toBe('https://shop.example.cz');
    // Each problem names the variable it came from.
    expect(issuesOf({ MOJEID_BASE_URL: 'http://shop.example.cz' })).toEqual([{ variable: 'MOJEID_BASE_URL', message: expect.stringContaining('https') }]);
    expect(issuesOf({ BASE_URL: 'https://a.example.cz', MOJEID_BASE_URL: 'https://b.example.cz' })).toEqual([{ variable: 'BASE_URL', message: expect.stringContaining('differs from MOJEID_BASE_URL') }]);
  });

  it('in production requires SESSION_SECRET and a real mojeID client', () => {
    const issues = issuesOf({ NODE_ENV: 'production' }).map((i) => i.variable);
    expect(issues).toEqual(expect.arrayContaining(['SESSION_SECRET', 'MOJEID_CLIENT_ID']));
  });

  it('prints one line per variable and no stack trace', () => {
    let thrown: unknown;
    try {
      loadConfig({ MOJEID_ENV: 'test', PORT: 'x' });
    } catch (error) {
      thrown = error;
    }
    const text = describeConfigError(thrown) ?? '';
    expect(text).toMatch(/^The example app cannot start/);
    expect(text).toContain('  - PORT: ');
    expect(text).toContain('  - MOJEID_CLIENT_ID: not set');
    expect(text).toContain('  - MOJEID_CLIENT_SECRET: not set');
    expect(text).not.toMatch(/\n\s+at /);
    expect(describeConfigError(new Error('other'))).toBeUndefined();
  });

  // The real entry point, compiled fresh (a stale example-app/dist would test old code) into the
  // git-ignored example-app/data/, where the package self-reference still resolves. It needs the
  // library's dist/ (`npm test` builds it first).
  const libraryBuilt = fs.existsSync(path.resolve('dist/index.js')) && fs.existsSync(path.resolve('dist/index.d.ts'));
  (libraryBuilt ? it : it.skip)('start.js exits with code 1 and one line per variable, no stack trace', () => {
    const outDir = path.resolve(`example-app/data/test-build-${process.pid}`);
    try {
      const tsc = spawnSync(process.execPath, [path.resolve('node_modules/typescript/bin/tsc'), '-p', 'example-app', '--outDir', outDir], { encoding: 'utf8', timeout: 60000 });
      expect(tsc.stdout + tsc.stderr).toBe('');
      const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', MOJEID_ENV: 'test', MOJEID_CLIENT_ID: 'client', PORT: 'x' };
      const result = spawnSync(process.execPath, [path.join(outDir, 'start.js')], { env, encoding: 'utf8', timeout: 20000 });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('  - MOJEID_CLIENT_SECRET: not set');
      expect(result.stderr).toContain('  - PORT: expected a TCP port number');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  }, 90000);
});
