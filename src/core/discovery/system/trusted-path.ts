import { accessSync, constants, realpathSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, parse, relative, isAbsolute, win32 } from 'node:path'

/**
 * Where system probes (nvidia-smi, lsof, ps, and systeminformation's lspci, clinfo, xrandr,
 * system_profiler, powershell) may be found. A default scan promises to execute nothing that the
 * scanned home (or any other user-controlled PATH entry, e.g. ~/.local/bin first on PATH) could
 * plant, so probes never look a program up on the user's PATH: only these fixed folders, each
 * checked by `isTrustedDir`, are searched.
 */
export type TrustOptions = Readonly<{
  platform?: NodeJS.Platform
  env?: NodeJS.ProcessEnv
  /** Folders no probe program may lie under (the scanned home; the user's home by default). */
  homes?: readonly string[]
  /** Overrides the fixed folder list (tests only). */
  dirs?: readonly string[]
}>

/** %SystemRoot%, only when it is an absolute drive path (the environment is the user's). */
function systemRoot(env: NodeJS.ProcessEnv): string {
  const root = env.SystemRoot ?? env.SYSTEMROOT ?? env.WINDIR ?? env.windir
  return root && /^[A-Za-z]:\\[^;"]*$/.test(root) ? root : 'C:\\Windows'
}

/**
 * The fixed allowlist of system folders per platform. Linux: the NVIDIA driver (both the .run
 * installer, whose default utility prefix is /usr, and distribution packages) and the container
 * toolkit put nvidia-smi in /usr/bin, so no extra folder is needed. Windows: current drivers put
 * nvidia-smi.exe in System32; older ones in "Program Files\NVIDIA Corporation\NVSMI" on the
 * system drive; powershell.exe and the WMI tools live under System32.
 */
export function systemProgramDirs(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  if (platform === 'win32') {
    const root = systemRoot(env)
    const sys32 = win32.join(root, 'System32')
    return [
      sys32,
      win32.join(sys32, 'Wbem'),
      win32.join(sys32, 'WindowsPowerShell', 'v1.0'),
      win32.join(win32.parse(root).root, 'Program Files', 'NVIDIA Corporation', 'NVSMI'),
    ]
  }
  return ['/usr/bin', '/usr/sbin', '/bin', '/sbin']
}

function isUnder(path: string, dir: string): boolean {
  const rel = relative(dir, path)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

function realHomes(homes: readonly string[]): string[] {
  const out: string[] = []
  for (const h of homes) {
    if (!h) continue
    out.push(h)
    try {
      out.push(realpathSync(h))
    } catch {
      // A home that does not exist cannot hold a program.
    }
  }
  return out
}

/**
 * Owned by root and writable by nobody else: not by others, and by the group only when it is
 * root's group. This is what keeps a non-root user (or anything running as them) from replacing
 * the program; POSIX only (Windows ACLs are not modes, and there the folder list alone decides).
 */
export function rootOnlyWritable(st: { uid: number; gid: number; mode: number }): boolean {
  return st.uid === 0 && (st.mode & 0o002) === 0 && ((st.mode & 0o020) === 0 || st.gid === 0)
}

/**
 * Whether `dir` (after symlinks: /bin is often a link to /usr/bin) is a folder that neither lies
 * under one of `homes` nor, on POSIX, could be written by a non-root user, it or any folder above
 * it (a writable parent could swap the folder itself).
 */
export function isTrustedDir(
  dir: string,
  homes: readonly string[],
  platform: NodeJS.Platform = process.platform,
): boolean {
  try {
    const real = realpathSync(dir)
    if (!statSync(real).isDirectory()) return false
    if (realHomes(homes).some((h) => isUnder(real, h) || isUnder(dir, h))) return false
    if (platform === 'win32') return true
    for (let d = real; ; d = dirname(d)) {
      if (!rootOnlyWritable(statSync(d))) return false
      if (d === parse(d).root) return true
    }
  } catch {
    return false
  }
}

/**
 * The absolute path of `name` in the first trusted system folder that holds it, checked like its
 * folder (the file after symlinks, and the folder it really lies in), or undefined. Never
 * searches PATH or the working folder.
 */
export function resolveTrustedProgram(name: string, opts: TrustOptions = {}): string | undefined {
  const platform = opts.platform ?? process.platform
  const env = opts.env ?? process.env
  const homes = opts.homes ?? [homedir()]
  if (!/^[\w.+-]+$/.test(name)) return undefined
  const file = platform === 'win32' && !/\.exe$/i.test(name) ? `${name}.exe` : name
  for (const dir of opts.dirs ?? systemProgramDirs(platform, env)) {
    if (!isTrustedDir(dir, homes, platform)) continue
    const candidate = platform === 'win32' ? win32.join(dir, file) : join(dir, file)
    try {
      const real = realpathSync(candidate)
      const st = statSync(real)
      if (!st.isFile()) continue
      if (realHomes(homes).some((h) => isUnder(real, h))) continue
      if (platform !== 'win32') {
        if (!rootOnlyWritable(st)) continue
        accessSync(real, constants.X_OK)
        if (!isTrustedDir(dirname(real), homes, platform)) continue
      }
      return candidate
    } catch {
      // Not here.
    }
  }
  return undefined
}

/**
 * The environment for a probe and everything it starts: PATH holds only the trusted system
 * folders (so systeminformation's shell commands, which name programs bare, find nothing the user
 * planted), and nothing else of the user's environment is passed on (no NODE_OPTIONS, no
 * LD_PRELOAD, no ComSpec). LC_ALL=C keeps the tools' output in the format the parsers expect.
 */
export function trustedEnv(opts: TrustOptions = {}): NodeJS.ProcessEnv {
  const platform = opts.platform ?? process.platform
  const env = opts.env ?? process.env
  const homes = opts.homes ?? [homedir()]
  const dirs = (opts.dirs ?? systemProgramDirs(platform, env)).filter((d) =>
    isTrustedDir(d, homes, platform),
  )
  if (platform === 'win32') {
    const root = systemRoot(env)
    return {
      Path: dirs.join(';'),
      PATHEXT: '.COM;.EXE',
      SystemRoot: root,
      WINDIR: root,
      ComSpec: win32.join(root, 'System32', 'cmd.exe'),
    }
  }
  return { PATH: dirs.join(':'), LC_ALL: 'C', LANG: 'C' }
}
