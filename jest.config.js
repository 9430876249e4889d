/** Unit and integration tests: everything that needs nothing but Node. */
const base = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^passport-mojeid-oidc$': '<rootDir>/src/index.ts',
    '^mojeid-simulator$': '<rootDir>/simulator/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }],
  },
};

export { base };
export default {
  testTimeout: 30000,
  projects: [
    {
      ...base,
      displayName: 'express 5',
      globals: { EXPECTED_EXPRESS_MAJOR: 5 },
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/system/'],
    },
    {
      // express is a peer dependency (4.x or 5.x): the login flow and the simulator flow run
      // again with every `express` import, the library's included, resolved to Express 4.
      ...base,
      displayName: 'express 4',
      globals: { EXPECTED_EXPRESS_MAJOR: 4 },
      moduleNameMapper: { '^express$': '<rootDir>/node_modules/express4/index.js', ...base.moduleNameMapper },
      testMatch: ['<rootDir>/test/strategy/login-flow.test.ts', '<rootDir>/test/integration/simulator-login.test.ts', '<rootDir>/test/routes/csrf.test.ts', '<rootDir>/test/routes/mount-path.test.ts', '<rootDir>/test/strategy/pending-sessions.test.ts', '<rootDir>/test/strategy/setup-mistakes.test.ts', '<rootDir>/test/routes/express-version.test.ts', '<rootDir>/test/integration/account-creation.test.ts', '<rootDir>/test/notify/notify-endpoint.test.ts', '<rootDir>/test/routes/register.test.ts'],
    },
  ],
};
