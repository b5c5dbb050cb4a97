// Type-aware linting needs TypeScript's JS API, which the native compiler (typescript@7) does not have:
// the project pins typescript 6.0, the newest that typescript-eslint supports.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

// The layers and their faces (docs/ARCHITECTURE.md): suites -> harness -> (the Kubernetes API) -> targets,
// with lib/ and fixtures/ as the ground floor and cli/, bench/ and e2e/ as composition roots that may use
// each layer's one public face. An import against these arrows fails `npm test`.
const ROOTS = ['./cli', './bench', './e2e'];
const LAYER_ZONES = [
  { target: './lib', from: ['./harness', './targets', './suites', './fixtures', ...ROOTS], message: 'lib/ is the ground floor: it imports no other layer.' },
  { target: './fixtures', from: ['./harness', './targets', './suites', ...ROOTS], message: 'fixtures/ (workloads, k6 scripts) import only lib/.' },
  {
    target: './targets', from: ['./harness', './suites', ...ROOTS],
    message: 'a target imports only lib/ and fixtures/: the harness and the suites reach it through the Kubernetes API, never the other way.',
  },
  { target: './harness', from: ['./targets', './suites', ...ROOTS], message: 'the harness knows no target and no suite: it reaches targets through the Kubernetes API and finds suites by path.' },
  { target: './suites', from: ['./targets', ...ROOTS], message: 'suites reach a target only through the Kubernetes API and its gateway (harness/index.ts).' },
  { target: './suites', from: './harness', except: ['./index.ts'], message: 'suites use the harness through its face, harness/index.ts.' },
  { target: ROOTS, from: './harness', except: ['./index.ts'], message: 'composition roots use the harness through its face, harness/index.ts.' },
  { target: ROOTS, from: './targets/reference', except: ['./index.ts'], message: 'composition roots use the reference through its face, targets/reference/index.ts.' },
  { target: ROOTS, from: './suites', message: 'composition roots find suites by path (harness discoverSpecs), never by import.' },
  { target: './cli', from: ['./bench', './e2e'], message: 'each composition root stands alone.' },
  { target: './bench', from: ['./cli', './e2e'], message: 'each composition root stands alone.' },
  { target: './e2e', from: ['./cli', './bench'], message: 'each composition root stands alone: e2e runs the CLI as a user does, through bin/gauntlet.' },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'reports/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'bin/*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['{lib,harness,targets,suites,fixtures,cli,bench,e2e}/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [importX.createNodeResolver()] },
    rules: { 'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: LAYER_ZONES }] },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
  {
    // k6 scripts run in k6's JavaScript runtime, with its globals.
    files: ['fixtures/k6/**/*.js'],
    languageOptions: { globals: { __ENV: 'readonly', __VU: 'readonly', __ITER: 'readonly', open: 'readonly', console: 'readonly' } },
  },
);
