import type { Dirent, Stats } from 'node:fs'
import { open, readdir, realpath, stat } from 'node:fs/promises'
import { isAbsolute, relative } from 'node:path'
import type { DiscoveryContext } from '../../types'
import type { SkipReason } from '../../../types'

/** Config and instruction files are small; anything bigger is skipped rather than read whole. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024

const QUIET_CODES = new Set(['ENOENT', 'ENOTDIR'])

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
    default:
      return 'unreadable'
  }
}

function codeOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : undefined
}

/** Records an fs error as a skipped entry; missing paths are normal while probing and stay quiet. */
export function reportFsError(ctx: DiscoveryContext, path: string, e: unknown): void {
  const code = codeOf(e)
  if (code && QUIET_CODES.has(code)) return
  ctx.emitSkipped({
    path,
    reason: reasonFor(code),
    code,
    message: e instanceof Error ? e.message : String(e),
  })
}

export async function statQuiet(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path)
  } catch {
    return undefined
  }
}

export async function realpathQuiet(path: string): Promise<string | undefined> {
  try {
    return await realpath(path)
  } catch {
    return undefined
  }
}

/** Directory entries, or [] when the directory is missing (other errors are recorded as skipped). */
export async function listDir(ctx: DiscoveryContext, dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true })
  } catch (e) {
    reportFsError(ctx, dir, e)
    return []
  }
}

/** True for a directory, following a symlink (install dirs are often links). */
export async function isDir(path: string): Promise<boolean> {
  return (await statQuiet(path))?.isDirectory() ?? false
}

/**
 * Reads a text file only after stat shows it is a regular file no larger than `max`; returns
 * undefined (quietly for a missing file, with a skipped entry otherwise) when it cannot.
 */
export async function readTextBounded(
  ctx: DiscoveryContext,
  path: string,
  max = MAX_CONFIG_BYTES,
): Promise<string | undefined> {
  let st: Stats
  try {
    st = await stat(path)
  } catch (e) {
    reportFsError(ctx, path, e)
    return undefined
  }
  if (!st.isFile()) return undefined
  if (st.size > max) {
    ctx.emitSkipped({ path, reason: 'too-large', message: `${st.size} bytes > ${max} byte cap` })
    return undefined
  }
  try {
    return (await readHead(path, max)).toString('utf8')
  } catch (e) {
    reportFsError(ctx, path, e)
    return undefined
  }
}

/** The first `n` bytes of a file (never more, even if it grew since stat). */
export async function readHead(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r')
  try {
    const buf = Buffer.alloc(n)
    let got = 0
    while (got < n) {
      const { bytesRead } = await fh.read(buf, got, n - got, got)
      if (bytesRead === 0) break
      got += bytesRead
    }
    return buf.subarray(0, got)
  } finally {
    await fh.close()
  }
}

export async function readHeadQuiet(path: string, n: number): Promise<Buffer | undefined> {
  try {
    return await readHead(path, n)
  } catch {
    return undefined
  }
}

/** Whether `p` is `root` or below it (string test on normalised absolute paths). */
export function isInside(p: string, root: string): boolean {
  if (p === root) return true
  const rel = relative(root, p)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
}

/**
 * Scanning the user's own home (not a `--home` fake one): only then are system-wide dirs such as
 * /usr/local/bin or /Applications probed, so a fake-home scan reports only what was planted.
 */
export function scanningRealHome(ctx: DiscoveryContext): boolean {
  const h = ctx.platform === 'win32' ? (ctx.env.USERPROFILE ?? ctx.env.HOME) : ctx.env.HOME
  return h !== undefined && h.replace(/[\\/]+$/, '') === ctx.home.replace(/[\\/]+$/, '')
}

/** 1-based line number of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1
  const end = Math.min(offset, text.length)
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++
  return line
}

/** First line containing `needle` (1-based), or undefined. */
export function lineOf(text: string, needle: string): number | undefined {
  const i = text.indexOf(needle)
  return i < 0 ? undefined : lineAt(text, i)
}
