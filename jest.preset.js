// Shared jest settings: TypeScript through swc (type checking is the `typecheck` target),
// workspace packages resolved to their sources.
const path = require('node:path');
const root = __dirname;
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@smi/(model|decoder|templates|discovery|gateway)$': path.join(root, 'packages/$1/src/index.ts'),
  },
  testMatch: ['<rootDir>/src/**/*.test.ts'],
};
