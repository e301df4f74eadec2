// Bundles the CLI (and the Electron scan worker's core) with esbuild: one CommonJS file per entry,
// node_modules left external so better-sqlite3 keeps its Node-ABI binding.
import { build } from 'esbuild'
import { readFileSync, chmodSync } from 'node:fs'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))

// Packages compiled into the bundle instead of required at run time. TypeBox ships only ES
// modules: Node 20 loads one from CommonJS through its ESM loader, about 55 ms of every command's
// start-up (`aiscout scan` builds its policy and settings schemas at load), while bundled it is
// plain code. Everything else stays external (better-sqlite3 keeps its Node-ABI binding, and
// packages that read their own files keep their paths).
const BUNDLED = new Set(['typebox'])
const external = Object.keys(pkg.dependencies).filter((d) => !BUNDLED.has(d))

// The model-analysis worker (src/core/engine/analysis/worker.ts) is its own entry beside each
// bundle that scans: the shell hands its path to the engine (ScanOptions.analysisWorker).
const ANALYSIS_WORKER = 'src/core/engine/analysis/worker.ts'

// Each command is its own bundle beside the dispatcher, which requires it on first use: V8
// parses a whole bundle before running it, and one bundle of every command (the server and its
// dashboard routes included) cost `aiscout scan-model FILE` most of its start-up
// (`npm run bench -- --only scan-model`, README). The commands' shared code is repeated in each.
const COMMANDS = ['scan', 'scan-model', 'export', 'server', 'sync', 'watch']
/** `./commands/NAME` imported by the dispatcher resolves to the bundle `./cmd-NAME.js`. */
const commandsApart = {
  name: 'commands-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\/[a-z-]+$/ }, (args) =>
      args.importer.endsWith('src/cli/index.ts')
        ? { path: `./cmd-${args.path.slice('./commands/'.length)}.js`, external: true }
        : undefined,
    )
  },
}

/** What every CLI bundle shares. */
const cli = {
  outdir: 'out/cli',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external,
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { __AISCOUT_VERSION__: JSON.stringify(pkg.version) },
}

// The dispatcher: its `import()` of a command becomes a plain require (no ES-module loader, which
// would first lex the command's whole bundle for its export names).
await build({
  ...cli,
  entryPoints: { aiscout: 'src/cli/aiscout.ts' },
  plugins: [commandsApart],
  supported: { 'dynamic-import': false },
})
await build({
  ...cli,
  entryPoints: {
    'analysis-worker': ANALYSIS_WORKER,
    ...Object.fromEntries(COMMANDS.map((c) => [`cmd-${c}`, `src/cli/commands/${c}.ts`])),
  },
})
chmodSync('out/cli/aiscout.js', 0o755)

// The core as one CommonJS library (benchmarks and other Node shells load it).
await build({
  entryPoints: { index: 'src/core/index.ts', 'analysis-worker': ANALYSIS_WORKER },
  outdir: 'out/core',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external,
  logLevel: 'warning',
})
