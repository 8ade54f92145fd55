import nx from '@nx/eslint-plugin';
import jest from 'eslint-plugin-jest';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['packages/*/src/**/*.ts', 'packages/*/bench/**/*.ts'],
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:model', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:decoder', onlyDependOnLibsWithTags: ['scope:model'] },
            { sourceTag: 'scope:templates', onlyDependOnLibsWithTags: ['scope:model'] },
            { sourceTag: 'scope:discovery', onlyDependOnLibsWithTags: ['scope:model'] },
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:model', 'scope:decoder', 'scope:templates', 'scope:discovery'] },
            { sourceTag: 'scope:node-red', onlyDependOnLibsWithTags: ['scope:model', 'scope:decoder'] },
          ],
        },
      ],
    },
  },
  {
    // Decoders are pure: no I/O, timers or console.
    files: ['packages/decoder/src/**/*.ts', 'packages/model/src/**/*.ts', 'packages/discovery/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'fs',
                'node:fs',
                'fs/*',
                'node:fs/*',
                'net',
                'node:net',
                'serialport',
                'mqtt',
                'http',
                'node:http',
                'child_process',
                'node:child_process',
              ],
              message: 'Pure package: I/O belongs to the gateway.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'setImmediate'],
      'no-console': 'error',
    },
  },
  {
    // Tests: every assertion runs (no expect behind an if, a catch or a short-circuit).
    files: ['packages/*/src/**/*.test.ts'],
    plugins: { jest },
    rules: {
      'jest/no-conditional-expect': 'error',
      'jest/valid-expect': 'error',
      'jest/no-identical-title': 'error',
      'jest/no-focused-tests': 'error',
    },
  },
];
