/** What the example app's `loadConfig` refuses in an environment, as the tests of its variables read it. */
import { expect } from '@jest/globals';
import { ExampleConfigError, loadConfig, type Env } from '../../example-app/src/config.js';

export function issuesOf(env: Env): Array<{ variable: string; message: string }> {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ExampleConfigError);
    return [...(error as ExampleConfigError).issues];
  }
  throw new Error('loadConfig accepted the configuration');
}
