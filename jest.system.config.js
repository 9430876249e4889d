/** Tests that need a system service (Chromium now, Redis later). They fail, never skip, when it is missing. */
import { base } from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/test/system/**/*.test.ts'],
  testTimeout: 120000,
  globals: { EXPECTED_EXPRESS_MAJOR: 5 },
};
