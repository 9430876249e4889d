/**
 * REDIS_URL and REDIS_KEY_PREFIX in the example app's configuration: nothing changes without
 * them, and each mistake is named by its variable before anything connects.
 */
import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../example-app/src/config.js';
import { issuesOf } from './config-issues.js';

describe('example app configuration: Redis', () => {
  it('keeps sessions in the process without REDIS_URL', () => {
    expect(loadConfig({}).redis).toBeUndefined();
  });

  it('takes a redis:// or rediss:// URL, a database number and a key prefix', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redis).toEqual({ url: 'redis://127.0.0.1:6379', keyPrefix: '' });
    expect(loadConfig({ REDIS_URL: ' rediss://:pw@cache.example.cz:6380/2 ', REDIS_KEY_PREFIX: 'shop:' }).redis).toEqual({ url: 'rediss://:pw@cache.example.cz:6380/2', keyPrefix: 'shop:' });
  });

  it.each([
    ['127.0.0.1:6379', 'expected a URL such as redis://127.0.0.1:6379'],
    ['http://127.0.0.1:6379', 'expected a redis:// or rediss:// URL, got the scheme "http:"'],
    ['redis://127.0.0.1:6379/sessions', 'the path can only be a database number'],
  ])('names REDIS_URL=%s', (url, message) => {
    const issues = issuesOf({ REDIS_URL: url });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.variable).toBe('REDIS_URL');
    expect(issues[0]?.message).toContain(message);
  });

  it('refuses a prefix without Redis, and a credentials file beside Redis', () => {
    expect(issuesOf({ REDIS_KEY_PREFIX: 'shop:' }).map((i) => i.variable)).toEqual(['REDIS_KEY_PREFIX']);
    const both = issuesOf({ REDIS_URL: 'redis://127.0.0.1:6379', MOJEID_CREDENTIALS_FILE: '/var/lib/shop/credentials.json' });
    expect(both.map((i) => i.variable)).toEqual(['MOJEID_CREDENTIALS_FILE']);
    expect(both[0]?.message).toContain('kept in Redis');
  });
});
