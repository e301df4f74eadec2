import type { SecretFileKind } from './types'

/**
 * Name/path-based classification, called for every file the crawl sees: no I/O and no regex over
 * long strings, only Set/Map lookups on the base name, the extension and the home-relative path.
 */

/** Exact paths relative to the home directory (POSIX separators). */
const HOME_FILES: ReadonlyMap<string, SecretFileKind> = new Map([
  ['.bash_history', 'shell-history'],
  ['.zsh_history', 'shell-history'],
  ['.zhistory', 'shell-history'],
  ['.histfile', 'shell-history'],
  ['.sh_history', 'shell-history'],
  ['.local/share/fish/fish_history', 'shell-history'],
  ['.python_history', 'shell-history'],
  ['.node_repl_history', 'shell-history'],
  ['.netrc', 'netrc'],
  ['_netrc', 'netrc'],
  ['.aws/credentials', 'aws-credentials'],
  ['.aws/config', 'ini'],
  ['.cache/huggingface/token', 'hf-token'],
  ['.huggingface/token', 'hf-token'],
  ['.cache/huggingface/stored_tokens', 'hf-token'],
  ['.claude/.credentials.json', 'tool-credentials'],
  ['.claude.json', 'json'],
  ['.codex/auth.json', 'tool-credentials'],
  ['.config/io.datasette.llm/keys.json', 'tool-credentials'],
  ['Library/Application Support/io.datasette.llm/keys.json', 'tool-credentials'],
  ['.config/goose/secrets.yaml', 'tool-credentials'],
  ['.aider.conf.yml', 'tool-credentials'],
  ['.aider.conf.yaml', 'tool-credentials'],
  ['.netrc.gpg', 'netrc'],
  ['.config/gcloud/application_default_credentials.json', 'tool-credentials'],
  ['.continue/config.yaml', 'yaml'],
  ['.continue/config.json', 'json'],
])

/** Home-relative directories whose JSON/YAML files are tool credential stores. */
const HOME_CREDENTIAL_DIRS: readonly string[] = ['.config/github-copilot/']

const BASENAMES: ReadonlyMap<string, SecretFileKind> = new Map([
  ['.bashrc', 'shell-rc'],
  ['.bash_profile', 'shell-rc'],
  ['.bash_login', 'shell-rc'],
  ['.bash_aliases', 'shell-rc'],
  ['.profile', 'shell-rc'],
  ['.zshrc', 'shell-rc'],
  ['.zprofile', 'shell-rc'],
  ['.zshenv', 'shell-rc'],
  ['.zlogin', 'shell-rc'],
  ['.kshrc', 'shell-rc'],
  ['.cshrc', 'shell-rc'],
  ['.tcshrc', 'shell-rc'],
  ['.envrc', 'shell-rc'],
  ['config.fish', 'shell-rc'],
  ['.bash_history', 'shell-history'],
  ['.zsh_history', 'shell-history'],
  ['fish_history', 'shell-history'],
  ['.netrc', 'netrc'],
  ['_netrc', 'netrc'],
  ['.env', 'dotenv'],
  ['.npmrc', 'ini'],
  ['.pypirc', 'ini'],
  ['.gitconfig', 'ini'],
  ['dockerfile', 'source'],
  ['makefile', 'source'],
  ['.mcp.json', 'json'],
  ['mcp.json', 'json'],
])

/** Lockfiles: integrity hashes everywhere, never keys worth reporting. */
const LOCKFILES: ReadonlySet<string> = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lockb',
  'bun.lock',
  'poetry.lock',
  'pipfile.lock',
  'uv.lock',
  'pdm.lock',
  'cargo.lock',
  'gemfile.lock',
  'composer.lock',
  'go.sum',
  'flake.lock',
  'packages.lock.json',
  'conda-lock.yml',
])

const EXTENSIONS: ReadonlyMap<string, SecretFileKind> = new Map([
  ['env', 'dotenv'],
  ['json', 'json'],
  ['jsonc', 'json'],
  ['json5', 'json'],
  ['yaml', 'yaml'],
  ['yml', 'yaml'],
  ['toml', 'toml'],
  ['ini', 'ini'],
  ['cfg', 'ini'],
  ['conf', 'ini'],
  ['properties', 'ini'],
  ['ipynb', 'notebook'],
  ['py', 'source'],
  ['js', 'source'],
  ['mjs', 'source'],
  ['cjs', 'source'],
  ['ts', 'source'],
  ['mts', 'source'],
  ['cts', 'source'],
  ['tsx', 'source'],
  ['jsx', 'source'],
  ['go', 'source'],
  ['rb', 'source'],
  ['java', 'source'],
  ['kt', 'source'],
  ['rs', 'source'],
  ['sh', 'source'],
  ['bash', 'source'],
  ['zsh', 'source'],
  ['fish', 'source'],
  ['ps1', 'source'],
  ['php', 'source'],
  ['cs', 'source'],
  ['swift', 'source'],
  ['r', 'source'],
  ['jl', 'source'],
  ['scala', 'source'],
  ['lua', 'source'],
  ['pl', 'source'],
  ['ex', 'source'],
  ['exs', 'source'],
  ['dart', 'source'],
  ['txt', 'text'],
  ['md', 'text'],
  ['log', 'text'],
])

/** Directory names whose content is third-party or generated: vendored SDK tests hold decoys. */
const SKIP_DIRS: ReadonlySet<string> = new Set([
  'node_modules',
  'site-packages',
  'dist-packages',
  'bower_components',
  'vendor',
  '.git',
  '.hg',
  '.svn',
  '__pycache__',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.next',
  '.nuxt',
  '.Trash',
  '.npm',
  '.yarn',
  '.pnpm-store',
  '.cargo',
  '.rustup',
  'Pods',
])

/** Suffixes of generated or minified files (base64 maps and bundles look like keys). */
const SKIP_SUFFIXES: readonly string[] = [
  '.min.js',
  '.min.mjs',
  '.min.css',
  '.bundle.js',
  '.chunk.js',
  '.d.ts',
  '.js.map',
  '.css.map',
  '.map',
]

function kindByName(
  p: string,
  base: string,
  lowerBase: string,
  home: string,
): SecretFileKind | undefined {
  const h = home.includes('\\') ? home.replace(/\\/g, '/') : home
  const root = h.endsWith('/') ? h : `${h}/`
  if (p.startsWith(root)) {
    const rel = p.slice(root.length)
    const k = HOME_FILES.get(rel)
    if (k) return k
    for (const d of HOME_CREDENTIAL_DIRS) {
      if (rel.startsWith(d) && (lowerBase.endsWith('.json') || lowerBase.endsWith('.yaml'))) {
        return 'tool-credentials'
      }
    }
  }
  const byName = BASENAMES.get(lowerBase)
  if (byName) return byName
  // `.env.local`, `.env.production`, `prod.env`: all dotenv files.
  if (lowerBase.startsWith('.env.')) return 'dotenv'
  if (base === 'credentials' && p.endsWith('/.aws/credentials')) return 'aws-credentials'
  const dot = lowerBase.lastIndexOf('.')
  if (dot <= 0) return undefined
  return EXTENSIONS.get(lowerBase.slice(dot + 1))
}

export function secretFileKind(path: string, home: string): SecretFileKind | undefined {
  const p = path.includes('\\') ? path.replace(/\\/g, '/') : path
  const slash = p.lastIndexOf('/')
  const base = p.slice(slash + 1)
  const lowerBase = base.toLowerCase()
  // Most files of a home are not candidates by name: decide that first, then the exclusions.
  const kind = kindByName(p, base, lowerBase, home)
  if (kind === undefined) return undefined
  if (LOCKFILES.has(lowerBase)) return undefined
  for (const s of SKIP_SUFFIXES) if (lowerBase.endsWith(s)) return undefined
  return inSkippedDir(p, slash) ? undefined : kind
}

/**
 * The last folder judged, and its verdict: the crawl hands over a folder's files one after the
 * other, so its segments are looked up once per folder instead of once per file.
 */
let lastDir = ''
let lastDirSkipped = false

/** Whether a folder on the path (up to `slash`) is one whose content is third-party. */
function inSkippedDir(p: string, slash: number): boolean {
  if (slash === lastDir.length && p.startsWith(lastDir)) return lastDirSkipped
  let skipped = false
  // Directory segments: one Set lookup each (paths have few segments).
  let segStart = 0
  for (let i = p.indexOf('/'); i >= 0 && i < slash; i = p.indexOf('/', i + 1)) {
    if (i > segStart && SKIP_DIRS.has(p.slice(segStart, i))) skipped = true
    segStart = i + 1
  }
  if (segStart < slash && SKIP_DIRS.has(p.slice(segStart, slash))) skipped = true
  lastDir = p.slice(0, slash)
  lastDirSkipped = skipped
  return skipped
}

/**
 * The names `secretFileKind` can give a kind to, as a superset the crawl's side readers filter
 * files with (walker FileInterest): lower-cased base names, extensions with their dot, and
 * prefixes. Source files only when they are scanned. The crawl still asks `secretFileKind` about
 * every file this lets through.
 */
export function secretNameInterest(scanSource: boolean): {
  lowerNames: string[]
  extensions: string[]
  lowerPrefixes: string[]
} {
  const lowerNames = new Set<string>(['credentials'])
  for (const n of BASENAMES.keys()) lowerNames.add(n)
  for (const rel of HOME_FILES.keys())
    lowerNames.add(rel.slice(rel.lastIndexOf('/') + 1).toLowerCase())
  const extensions = new Set<string>(['.json', '.yaml'])
  for (const [ext, kind] of EXTENSIONS)
    if (scanSource || kind !== 'source') extensions.add(`.${ext}`)
  return { lowerNames: [...lowerNames], extensions: [...extensions], lowerPrefixes: ['.env.'] }
}
