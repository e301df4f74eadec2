import { open, readdir, stat } from 'node:fs/promises'
import type { Dirent } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { DiscoveryContext } from '../types'
import type { SkipReason } from '../../types'

/** Config files (INI, TOML, YAML, JSON) larger than this are not read: they are not hand-written configs. */
export const CONFIG_CAP_BYTES = 1024 * 1024

export type ReadText =
  | Readonly<{ kind: 'ok'; text: string }>
  | Readonly<{ kind: 'missing' }>
  | Readonly<{ kind: 'too-large'; size: number }>
  | Readonly<{ kind: 'error'; reason: SkipReason; code?: string; message: string }>

function errCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e
    ? String((e as { code: unknown }).code)
    : undefined
}

function reasonFor(code: string | undefined): SkipReason {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission-denied'
    case 'ENAMETOOLONG':
      return 'path-too-long'
    case 'ELOOP':
      return 'symlink-loop'
    case 'ENOENT':
      return 'vanished'
    case 'ENOTDIR':
      return 'not-a-directory'
    default:
      return 'unreadable'
  }
}

/**
 * Reads a whole text file only after stat shows it is a regular file no larger than `cap`
 * (the bound is checked before any byte is read). A missing file is not an error.
 */
export async function readTextBounded(path: string, cap = CONFIG_CAP_BYTES): Promise<ReadText> {
  try {
    const st = await stat(path)
    if (!st.isFile()) return { kind: 'missing' }
    if (st.size > cap) return { kind: 'too-large', size: st.size }
    return { kind: 'ok', text: await readHead(path, cap) }
  } catch (e) {
    const code = errCode(e)
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' }
    return { kind: 'error', reason: reasonFor(code), code, message: String(e) }
  }
}

/** Reads at most `maxBytes` from the start of a file (for headers such as METADATA). */
export async function readHead(path: string, maxBytes: number): Promise<string> {
  // Never open a FIFO or device: opening a named pipe for reading blocks until a writer appears.
  if (!(await stat(path)).isFile()) throw new Error(`${path} is not a regular file`)
  const fh = await open(path, 'r')
  try {
    const buf = Buffer.alloc(maxBytes)
    let total = 0
    while (total < maxBytes) {
      const { bytesRead } = await fh.read(buf, total, maxBytes - total, total)
      if (bytesRead === 0) break
      total += bytesRead
    }
    return buf
      .subarray(0, total)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
  } finally {
    await fh.close()
  }
}

/**
 * Reads a config file and reports a skipped entry for anything but success or absence, so a
 * locator can simply continue with `undefined`.
 */
export async function readConfig(
  ctx: DiscoveryContext,
  path: string,
  cap = CONFIG_CAP_BYTES,
): Promise<string | undefined> {
  const r = await readTextBounded(path, cap)
  switch (r.kind) {
    case 'ok':
      return r.text
    case 'missing':
      return undefined
    case 'too-large':
      ctx.emitSkipped({
        path,
        reason: 'too-large',
        message: `${r.size} bytes is over the ${cap} byte cap`,
      })
      return undefined
    case 'error':
      ctx.emitSkipped({ path, reason: r.reason, code: r.code, message: r.message })
      return undefined
  }
}

/** Lists a directory; missing or unreadable directories give an empty list (unreadable ones a skipped entry). */
export async function listDir(ctx: DiscoveryContext | undefined, dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true })
  } catch (e) {
    const code = errCode(e)
    if (ctx && code !== 'ENOENT' && code !== 'ENOTDIR')
      ctx.emitSkipped({ path: dir, reason: reasonFor(code), code, message: String(e) })
    return []
  }
}

export async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}

export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

/** A directory entry that is a directory, or a symlink to one (conda/pyenv envs are sometimes linked). */
export async function isDirEntry(parent: string, d: Dirent): Promise<boolean> {
  if (d.isDirectory()) return true
  if (d.isSymbolicLink()) return isDir(join(parent, d.name))
  return false
}

/**
 * Whether the scan targets the real home of this process. Machine-wide probes (/usr/local/cuda,
 * /proc) and env paths outside the home only make sense then; a `--home` scan of a fake or
 * copied home must not mix in facts of the scanning machine.
 */
export function isRealHome(ctx: Pick<DiscoveryContext, 'home'>): boolean {
  return ctx.home === homedir()
}

/** An env override path, used only inside the scanned home or when scanning the real home. */
export function envPath(
  ctx: Pick<DiscoveryContext, 'home' | 'env'>,
  name: string,
): string | undefined {
  const value = ctx.env[name]
  if (!value) return undefined
  if (isRealHome(ctx)) return value
  const h = ctx.home
  return value === h || value.startsWith(h + '/') || value.startsWith(h + '\\') ? value : undefined
}
