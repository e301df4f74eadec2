import { join } from 'node:path'
import { readTextBounded } from '../util/fs'

/** Shell startup files read for exported overrides, in the order they are applied (later wins). */
export const RC_FILES: readonly (readonly string[])[] = [
  ['.profile'],
  ['.bash_profile'],
  ['.bashrc'],
  ['.zshenv'],
  ['.zprofile'],
  ['.zshrc'],
  ['.config', 'fish', 'config.fish'],
]

/** rc files are small; a bigger one is not read (bounded read before it happens). */
const RC_CAP = 256 * 1024

/**
 * Only variables that relocate AI stores, tools and config dirs are taken from rc files. Other
 * exports (API keys above all) are never copied into the scan context; keys in rc files are the
 * secrets engine's job.
 */
const NAMES: ReadonlySet<string> = new Set([
  'OLLAMA_MODELS',
  'OLLAMA_HOST',
  'HF_HOME',
  'HF_HUB_CACHE',
  'HUGGINGFACE_HUB_CACHE',
  'HF_ASSETS_CACHE',
  'HF_DATASETS_CACHE',
  'HF_TOKEN_PATH',
  'TRANSFORMERS_CACHE',
  'SENTENCE_TRANSFORMERS_HOME',
  'LLAMA_CACHE',
  'TORCH_HOME',
  'KERAS_HOME',
  'VLLM_CACHE_ROOT',
  'MODELS_PATH',
  'CODEX_HOME',
  'CLAUDE_CONFIG_DIR',
  'LLM_USER_PATH',
  'GEMINI_CLI_HOME',
  'JUPYTER_CONFIG_DIR',
  'JUPYTER_DATA_DIR',
  'CONDA_ENVS_PATH',
  'CONDA_PKGS_DIRS',
  'PIPX_HOME',
  'PIPX_BIN_DIR',
  'UV_TOOL_DIR',
  'UV_TOOL_BIN_DIR',
  'WORKON_HOME',
  'PYENV_ROOT',
  'NVM_DIR',
  'NPM_CONFIG_PREFIX',
  'npm_config_prefix',
  'PNPM_HOME',
  'BUN_INSTALL',
  'WANDB_DIR',
  'APPDATA',
  'LOCALAPPDATA',
  'PATH',
])

export function isResolvedEnvName(name: string): boolean {
  return NAMES.has(name) || name.startsWith('XDG_')
}

type Vars = Map<string, string>

/**
 * Expands `~`, `$VAR`, `${VAR}` and `${VAR:-default}` like a shell would for a plain assignment.
 * `HOME` is always the scanned home. Returns undefined for values that need command execution
 * (`$(...)`, backticks), which are never run.
 */
export function expandValue(
  raw: string,
  home: string,
  lookup: (n: string) => string | undefined,
): string | undefined {
  if (raw.includes('$(') || raw.includes('`')) return undefined
  const get = (n: string): string => (n === 'HOME' ? home : (lookup(n) ?? ''))
  let v = raw.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_m, a, def, b) => {
      const name = (a ?? b) as string
      const val = get(name)
      if (val !== '' || def === undefined) return val
      // The default is itself a word (`${XDG_CACHE_HOME:-$HOME/.cache}`): expand it one level.
      return (def as string).replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_d, n: string) => get(n))
    },
  )
  if (v === '~' || v.startsWith('~/')) v = home + v.slice(1)
  v = v.replace(/:~\//g, `:${home}/`)
  return v
}

/** Splits a shell word list honouring quotes; returns the words with quote kind (single = literal). */
function shellWords(s: string): { text: string; literal: boolean }[] {
  const out: { text: string; literal: boolean }[] = []
  let i = 0
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i] ?? '')) i++
    if (i >= s.length || s[i] === '#' || s[i] === ';') break
    let text = ''
    let literal = false
    while (i < s.length && !/[\s;]/.test(s[i] ?? '')) {
      const c = s[i] ?? ''
      if (c === "'" || c === '"') {
        const end = s.indexOf(c, i + 1)
        if (end < 0) return out
        text += s.slice(i + 1, end)
        literal = literal || c === "'"
        i = end + 1
      } else if (c === '\\' && i + 1 < s.length) {
        text += s[i + 1]
        i += 2
      } else {
        text += c
        i++
      }
    }
    out.push({ text, literal })
  }
  return out
}

const POSIX = /^\s*(?:export\s+|declare\s+-x\s+|typeset\s+-x\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/
const FISH = /^\s*set\s+((?:-[A-Za-z]+\s+|--[a-z]+\s+)*)([A-Za-z_][A-Za-z0-9_]*)(?:\s+(.*))?$/

/** Parses one rc file's assignments into `vars` (later lines win). */
export function parseRcText(
  text: string,
  fish: boolean,
  home: string,
  vars: Vars,
  processEnv: Readonly<Record<string, string | undefined>>,
): void {
  const lookup = (n: string) => vars.get(n) ?? processEnv[n]
  for (const line of text.split(/\r?\n/)) {
    if (fish) {
      const m = FISH.exec(line)
      if (!m?.[2]) continue
      const flags = m[1] ?? ''
      // Only exported fish variables reach child processes: -x / --export (also in -gx, -Ux).
      if (!/(^|\s)-[A-Za-z]*x|--export/.test(flags)) continue
      if (!isResolvedEnvName(m[2])) continue
      const words = shellWords(m[3] ?? '')
      const parts = words.map((w) => (w.literal ? w.text : expandValue(w.text, home, lookup)))
      if (parts.some((p) => p === undefined)) continue
      vars.set(m[2], parts.join(m[2] === 'PATH' ? ':' : ' '))
      continue
    }
    const m = POSIX.exec(line)
    if (!m?.[1] || !isResolvedEnvName(m[1])) continue
    const words = shellWords(m[2] ?? '')
    const w = words[0]
    if (!w) {
      vars.set(m[1], '')
      continue
    }
    const value = w.literal ? w.text : expandValue(w.text, home, lookup)
    if (value !== undefined) vars.set(m[1], value)
  }
}

/**
 * The env a scan uses: variables exported by the user's shell rc files (under `home`, so `--home`
 * works), overlaid by the process env (a real env var wins). Never throws; unreadable or oversized
 * rc files are ignored.
 */
export async function resolveEnv(
  home: string,
  processEnv: Readonly<Record<string, string | undefined>>,
): Promise<Record<string, string | undefined>> {
  const vars: Vars = new Map()
  for (const rel of RC_FILES) {
    const p = join(home, ...rel)
    // Missing, unreadable or oversized rc file: nothing to add.
    const r = await readTextBounded(p, RC_CAP)
    if (r.kind !== 'ok') continue
    try {
      parseRcText(r.text, rel[rel.length - 1] === 'config.fish', home, vars, processEnv)
    } catch {
      // A parser bug on one rc file must not fail the scan: its variables are left out.
    }
  }
  const out: Record<string, string | undefined> = Object.fromEntries(vars)
  for (const [k, v] of Object.entries(processEnv)) if (v !== undefined) out[k] = v
  return out
}
