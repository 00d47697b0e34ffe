/** @type {import('jest').Config} */
// ts-jest transpiles file by file (tsconfig isolatedModules); `npm run typecheck` type-checks everything.
const transform = { '^.+\\.ts$': 'ts-jest' };
// app.inject's light-my-request requires `cookie`, which ships as ES modules only: transpile it too.
const transformIgnorePatterns = ['/node_modules/(?!cookie/)'];
const esmPackages = { '/node_modules/cookie/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true } }] };

module.exports = {
  maxWorkers: 2,
  // Generous: integration tests wait on real servers on a 2-core machine. Never a timing assertion.
  testTimeout: 180000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      // Workflow tests (time-skipping server) and integration tests (Temporal dev server,
      // FerretDB, worker, API, local receiver). The real servers start once per run.
      displayName: 'services',
      testEnvironment: 'node',
      transform: { ...transform, ...esmPackages },
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/workflows/**/*.test.ts', '<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/browser/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/globalSetup.ts',
      globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
    },
  ],
};
