import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import layers from './scripts/eslint-layers.mjs'

/**
 * The layer rules (README, "Architecture"). Targets are repository paths without extension.
 *   shells (cli, main, server) → core only through its entry, plus src/shared
 *   renderer, dashboard        → src/shared and their own files; no Node built-ins
 *   preload                    → electron and src/shared
 *   shared                     → nothing outside src/shared (leaf types and the IPC contract)
 *   core                       → core and src/shared's data types; never a shell, a UI or server
 *                                framework; inside core a layer imports only its own or lower ones
 */
const CORE_ENTRIES = [
  // The public entry of the core library.
  'src/core/index',
  // Its light sub-entry: the inventory database without the scanning engine (start-up cost).
  'src/core/store',
  // The model-file scan (`aiscout scan-model`) without SQLite, discovery or crypto (start-up).
  'src/core/model-scan',
]
const UI_FRAMEWORKS = ['electron', 'react', 'react-dom', 'fastify']
const shell = (name, entries = []) => ({
  files: [`src/${name}/**/*.{ts,tsx}`],
  rules: {
    'layers/imports': [
      'error',
      {
        layer: name,
        allow: [`src/${name}/**`, 'src/shared/**', ...CORE_ENTRIES, ...entries],
        message: `src/${name} reaches core only through src/core/index.ts (export what it needs there).`,
      },
    ],
  },
})
const ui = (name) => ({
  files: [`src/${name}/**/*.{ts,tsx}`],
  rules: {
    'layers/imports': [
      'error',
      {
        layer: name,
        allow: [`src/${name}/**`, 'src/shared/**'],
        builtins: false,
        packages: { deny: ['electron', 'better-sqlite3', 'fastify'] },
        message: `src/${name} runs in a browser: it talks to the rest through the types in src/shared.`,
      },
    ],
  },
})
/**
 * Core's own layers, lowest first: a file may import its own layer and those below it, never
 * one above (storage does not reach into the engine, the rule table not into discovery).
 * Core files outside these folders (index.ts) may import any of core.
 */
const CORE_LAYERS = [
  ['core: types, util', ['src/core/types.ts', 'src/core/util/**']],
  ['core: rules', ['src/core/rules/**']],
  [
    'core: scanners, secrets, storage',
    [
      'src/core/scanners/**',
      'src/core/secrets/**',
      'src/core/storage/**',
      // The settings stored in the inventory: read by the engine's shells and by the watcher.
      'src/core/settings/**',
      'src/core/inventory.ts',
    ],
  ],
  [
    'core: discovery, report, query, policy',
    ['src/core/discovery/**', 'src/core/report/**', 'src/core/query/**', 'src/core/policy/**'],
  ],
  ['core: engine', ['src/core/engine/**']],
  ['core: watch', ['src/core/watch/**']],
  ['core: sync', ['src/core/sync/**']],
]
const coreRule = (layer, allow, message) => [
  'error',
  {
    layer,
    allow: [...allow, 'src/shared/**'],
    deny: ['src/shared/ipc'],
    packages: { deny: UI_FRAMEWORKS },
    message,
  },
]
const CORE_ORDER =
  'core imports only core and the data types in src/shared, never a shell; inside core a layer imports its own or lower ones (types, util < rules < scanners, secrets, storage < discovery, report, query, policy < engine < watch < sync < index).'
const noExt = (g) => g.replace(/\.ts$/, '')
const LAYER_RULES = [
  { plugins: { layers } },
  // The CLI also hosts `aiscout server`: it reaches the server through the server's entry.
  shell('cli', ['src/server/index']),
  shell('main'),
  shell('server'),
  ui('renderer'),
  ui('dashboard'),
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'layers/imports': [
        'error',
        {
          layer: 'preload',
          allow: ['src/preload/**', 'src/shared/**'],
          builtins: false,
          packages: { allow: ['electron'] },
          message: 'the preload bridge imports only electron and the contract in src/shared.',
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'layers/imports': [
        'error',
        {
          layer: 'shared',
          allow: ['src/shared/**'],
          builtins: false,
          // TypeBox only: the IPC contract and the settings sections are schemas every side reads
          // (TypeBox builds plain JSON Schema and has no dependencies; the renderer imports the
          // types alone).
          packages: { allow: ['typebox'] },
          message:
            'src/shared is imported by every side, so it imports nothing outside itself (but TypeBox for its schemas).',
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'layers/imports': coreRule('core', ['src/core/**'], CORE_ORDER),
    },
  },
  ...CORE_LAYERS.map(([name, globs], level) => ({
    files: globs,
    rules: {
      'layers/imports': coreRule(
        name,
        CORE_LAYERS.slice(0, level + 1).flatMap(([, below]) => below.map(noExt)),
        CORE_ORDER,
      ),
    },
  })),
]

export default tseslint.config(
  {
    // test/fixtures/layers holds deliberate violations, linted under their own names by
    // test/lint/layers.test.ts.
    ignores: [
      'out/**',
      'node_modules/**',
      'test-results/**',
      'bench/.work/**',
      'resources/**',
      'test/fixtures/layers/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-control-regex': 'off',
    },
  },
  {
    // Only src/main/index.ts and src/preload may import electron.
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/main/index.ts', 'src/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Only src/main/index.ts and src/preload import electron.',
            },
          ],
        },
      ],
    },
  },
  // core returns data and never prints; its shells decide what to show.
  { files: ['src/core/**/*.ts'], rules: { 'no-console': 'error' } },
  ...LAYER_RULES,
  {
    files: ['src/renderer/**/*.{ts,tsx}', 'src/dashboard/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    files: ['bench/**/*.mjs', 'scripts/**/*.mjs', 'test/**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
)
