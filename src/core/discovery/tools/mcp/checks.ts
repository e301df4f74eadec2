import type { McpServer } from './types'

/** What a package runner (npx, uvx, ...) would fetch and whether the spec pins a version. */
export type RunnerSpec = Readonly<{ runner: string; spec: string; pinned: boolean }>

function base(cmd: string): string {
  const b = cmd.split(/[\\/]/).pop() ?? cmd
  return b.toLowerCase().replace(/\.(cmd|exe|bat|ps1)$/, '')
}

const NPM_OPTS_WITH_VALUE = new Set(['-p', '--package', '--cache', '--registry', '--userconfig'])
const UV_OPTS_WITH_VALUE = new Set([
  '--from',
  '--with',
  '--python',
  '-p',
  '--index',
  '--index-url',
  '--extra-index-url',
  '--with-requirements',
  '--directory',
])

/** First positional argument, and the value of a package-choosing option if there is one. */
function positional(
  args: readonly string[],
  withValue: ReadonlySet<string>,
  pkgOpts: readonly string[],
): string | undefined {
  let chosen: string | undefined
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--') return chosen ?? args[i + 1]
    const eq = a.indexOf('=')
    if (a.startsWith('-') && eq > 0) {
      if (pkgOpts.includes(a.slice(0, eq))) chosen ??= a.slice(eq + 1)
      continue
    }
    if (withValue.has(a)) {
      if (pkgOpts.includes(a)) chosen ??= args[i + 1]
      i++
      continue
    }
    if (a.startsWith('-')) continue
    return chosen ?? a
  }
  return chosen
}

const EXACT_VERSION = /^v?\d+\.\d+\.\d+([-+][\w.-]+)?$/

function npmPinned(spec: string): boolean {
  // Local paths, tarballs and git URLs are not registry lookups.
  if (/^(\.|\/|~|[a-z]:\\|file:|git\+|https?:|github:)/i.test(spec)) return true
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0)
  if (at < 0) return false
  return EXACT_VERSION.test(spec.slice(at + 1))
}

function pyPinned(spec: string): boolean {
  if (/^(\.|\/|~|[a-z]:\\|file:|git\+|https?:)/i.test(spec)) return true
  return /===?\s*v?\d+(\.\d+)*/.test(spec) || /@\s*v?\d+\.\d+(\.\d+)?$/.test(spec)
}

/** Recognises npx / bunx / pnpm dlx / yarn dlx / npm exec / uvx / uv tool run / pipx run. */
export function runnerSpec(
  command: string | undefined,
  args: readonly string[],
): RunnerSpec | undefined {
  if (!command) return undefined
  const b = base(command)
  const npm = (runner: string, rest: readonly string[]): RunnerSpec | undefined => {
    const spec = positional(rest, NPM_OPTS_WITH_VALUE, ['-p', '--package'])
    return spec ? { runner, spec, pinned: npmPinned(spec) } : undefined
  }
  const py = (
    runner: string,
    rest: readonly string[],
    pkgOpts: string[],
  ): RunnerSpec | undefined => {
    const spec = positional(rest, new Set([...UV_OPTS_WITH_VALUE, '--spec']), pkgOpts)
    return spec ? { runner, spec, pinned: pyPinned(spec) } : undefined
  }
  switch (b) {
    case 'npx':
    case 'bunx':
    case 'pnpx':
      return npm(b, args)
    case 'npm':
      return args[0] === 'exec' || args[0] === 'x' ? npm('npm exec', args.slice(1)) : undefined
    case 'pnpm':
    case 'yarn':
    case 'bun':
      return args[0] === 'dlx' || (b === 'bun' && args[0] === 'x')
        ? npm(`${b} ${args[0]}`, args.slice(1))
        : undefined
    case 'uvx':
      return py('uvx', args, ['--from'])
    case 'uv':
      return args[0] === 'tool' && args[1] === 'run'
        ? py('uv tool run', args.slice(2), ['--from'])
        : undefined
    case 'pipx':
      return args[0] === 'run' ? py('pipx run', args.slice(1), ['--spec']) : undefined
    default:
      return undefined
  }
}

const SHELLS = new Set(['sh', 'bash', 'zsh', 'fish', 'dash', 'cmd', 'powershell', 'pwsh'])

/**
 * `bash -c "npx -y pkg"` / `cmd /c npx pkg` run a fixed command line through a shell (often only
 * to load a profile): the command inside is what matters for the runner and shell checks.
 */
export function unwrapShell(
  command: string | undefined,
  args: readonly string[],
): { command: string | undefined; args: readonly string[] } {
  if (!command || !SHELLS.has(base(command))) return { command, args }
  const i = args.findIndex((a) => /^(-c|-lc|-ic|\/c|\/k|-command)$/i.test(a))
  const line = i >= 0 ? args[i + 1] : undefined
  if (line === undefined) return { command, args }
  const tokens = line.trim().split(/\s+/).filter(Boolean)
  return tokens.length > 0 ? { command: tokens[0], args: tokens.slice(1) } : { command, args }
}

const LOOPBACK = /^(localhost|.*\.localhost|127(\.\d{1,3}){3}|::1|\[::1\]|0\.0\.0\.0)$/i

/** A remote endpoint reached over plain http:// or ws:// (loopback is fine). */
export function insecureRemote(url: string | undefined): string | undefined {
  if (!url) return undefined
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return undefined
  }
  if (u.protocol !== 'http:' && u.protocol !== 'ws:') return undefined
  return LOOPBACK.test(u.hostname) ? undefined : u.hostname
}

const SHELLISH =
  /(^|[-_/@.])(shell|terminal|bash|zsh|powershell|pwsh|exec|commands?|cmd|desktop-commander|iterm|ssh|tmux)([-_.@/]|$)/i

/** Why a server gives the agent a shell, or undefined. */
export function shellAccess(s: McpServer, spec: RunnerSpec | undefined): string | undefined {
  const inner = unwrapShell(s.command, s.args).command
  const subject = spec?.spec ?? (inner && !SHELLS.has(base(inner)) ? base(inner) : '')
  if (subject && SHELLISH.test(subject.replace(/@[^/@]*$/, ''))) return `runs ${subject}`
  if (SHELLISH.test(s.name)) return `server named "${s.name}"`
  return undefined
}

/** Why a server can read the whole filesystem or home directory, or undefined. */
export function broadFilesystem(
  s: McpServer,
  spec: RunnerSpec | undefined,
  home: string,
): string | undefined {
  const broad = (p: string): boolean => {
    const v = p.replace(/[\\/]+$/, '')
    return (
      v === '' ||
      v === '~' ||
      v === home.replace(/[\\/]+$/, '') ||
      /^[a-z]:$/i.test(v) ||
      /^(\$HOME|\$\{HOME\}|\$\{env:HOME\}|%USERPROFILE%|\$\{userHome\}|\/Users|\/home|\/root)$/i.test(
        v,
      )
    )
  }
  const subject = `${spec?.spec ?? ''} ${s.command ?? ''} ${s.name}`
  if (/filesystem|file-system|server-files|mcp-files/i.test(subject)) {
    const idx = spec ? s.args.indexOf(spec.spec) : -1
    const roots = s.args.slice(idx + 1).filter((a) => !a.startsWith('-'))
    const hit = roots.find(broad)
    if (hit !== undefined) return `filesystem server given ${hit || '/'}`
  }
  if (s.command && base(s.command) === 'docker') {
    for (let i = 0; i < s.args.length; i++) {
      const a = s.args[i]!
      const mount =
        a === '-v' || a === '--volume'
          ? s.args[i + 1]
          : a.startsWith('--volume=')
            ? a.slice(9)
            : a === '--mount'
              ? s.args[i + 1]?.match(/(?:source|src)=([^,]+)/)?.[1]
              : undefined
      if (mount === undefined) continue
      const src = a === '--mount' ? mount : mount.replace(/^([a-z]:)?([^:]*).*$/i, '$1$2')
      if (broad(src)) return `container mounts ${src || '/'}`
    }
    if (s.args.includes('--privileged')) return 'privileged container'
  }
  return undefined
}
