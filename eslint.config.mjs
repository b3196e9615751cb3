import nx from '@nx/eslint-plugin';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { pureCoreGlobs, pureCoreRules } from './tools/lint/pure-core-rules.mjs';

const workspaceRoot = path.dirname(fileURLToPath(import.meta.url));

/**
 * Which projects may import which, by tag. `scope:*` mirrors the library map in
 * DESIGN.md; `type:tool` is never imported; `type:testing` only from tests.
 */
const depConstraints = [
  { sourceTag: 'scope:util', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'scope:errors', onlyDependOnLibsWithTags: ['scope:util'] },
  { sourceTag: 'scope:config', onlyDependOnLibsWithTags: ['scope:util', 'scope:errors'] },
  { sourceTag: 'scope:telemetry', onlyDependOnLibsWithTags: ['scope:util'] },
  { sourceTag: 'scope:testing', onlyDependOnLibsWithTags: ['*'] },
  { sourceTag: 'scope:records', onlyDependOnLibsWithTags: ['scope:util', 'scope:errors', 'scope:testing'] },
  { sourceTag: 'scope:proto', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'scope:rpc', onlyDependOnLibsWithTags: ['scope:proto', 'type:shared', 'scope:testing'] },
  { sourceTag: 'scope:plugins-api', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'scope:plugins-host', onlyDependOnLibsWithTags: ['scope:plugins-api', 'type:shared', 'scope:testing', 'scope:plugins-builtin'] },
  { sourceTag: 'scope:plugins-builtin', onlyDependOnLibsWithTags: ['scope:plugins-api', 'scope:testing'] },
  { sourceTag: 'scope:storage', onlyDependOnLibsWithTags: ['scope:records', 'scope:plugins-api', 'scope:plugins-builtin', 'type:shared', 'scope:testing'] },
  { sourceTag: 'scope:metadata', onlyDependOnLibsWithTags: ['scope:records', 'type:shared', 'scope:testing'] },
  { sourceTag: 'scope:broker', notDependOnLibsWithTags: ['scope:controller', 'type:app', 'type:tool'] },
  { sourceTag: 'scope:client', onlyDependOnLibsWithTags: ['scope:records', 'scope:proto', 'scope:rpc', 'scope:plugins-api', 'scope:plugins-host', 'scope:plugins-builtin', 'type:shared', 'scope:testing'] },
  // Plugins generated with `nx g @tributary/tools:plugin` see only the public SPI.
  { sourceTag: 'scope:plugin', onlyDependOnLibsWithTags: ['scope:plugins-api', 'scope:testing'] },
  { sourceTag: 'type:app', notDependOnLibsWithTags: ['type:app', 'type:tool'] },
  { sourceTag: '*', notDependOnLibsWithTags: ['type:tool'] },
];

export default [
  { ignores: ['**/node_modules', '**/dist', '**/tmp', '**/coverage', '**/.nx', '**/fixtures/**', 'libs/protocol/proto/src/generated/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: false, allow: [], depConstraints, checkDynamicDependenciesExceptions: [] },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
    },
  },
  {
    // The testing library is for tests only.
    files: ['libs/**/src/**/*.ts', 'apps/**/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/test-support/**', 'libs/shared/testing/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: '@tributary/testing', message: 'Only tests import @tributary/testing.' }] }],
    },
  },
  {
    files: pureCoreGlobs(workspaceRoot),
    ignores: ['**/*.spec.ts'],
    rules: pureCoreRules,
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
