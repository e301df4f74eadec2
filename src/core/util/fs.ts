import type { Dirent, Stats } from 'node:fs'
import { lstatSync, statSync } from 'node:fs'
import { readdir, realpath } from 'node:fs/promises'
import { isAbsolute, join, relative, sep } from 'node:path'
import type { SkippedEntry, SkipReason } from '../types'
import { observePath } from './read-trace'
import { closeQuietly, openForRead, readUpTo } from './read-small'

/**
 * The one set of bounded, never-throwing filesystem helpers: discovery's locators and analyzers
 * (stores, system, tools), the secrets engine and the crawl use these. Every read stats the path
 * first and refuses anything but a regular file: opening a FIFO for reading blocks until a writer
 * appears, and a device can be endless. The byte bound is checked before any byte is read and
 * enforced again by the read itself (a file may grow after the stat).
 */

/**
 * Config and metadata files (tool settings, store manifests, platform profiles) are small and
 * hand-written or tool-written; anything bigger is skipped rather than read whole.
 */
export const CONFIG_CAP_BYTES = 4 * 1024 * 1024

/** Hard bound on a bounded walk (walkFiles) so a pathological tree cannot hang a scan. */
export const WALK_MAX_ENTRIES = 50_000

/** Where skipped entries go (a DiscoveryContext, or anything with the same method). */
export type SkipSink = Readonly<{ emitSkipped(entry: SkippedEntry): void }>

/** errno codes that mean "nothing there": normal while probing, so they are not reported. */
export const MISSING_CODES: ReadonlySet<string> = new Set(['ENOENT', 'ENOTDIR'])

/**
 * Only absence is quiet: a store reports a file where its directory should be (ENOTDIR), since
 * that breaks the store.
 */
export const ABSENT_ONLY: ReadonlySet<string> = new Set(['ENOENT'])

/** The errno code of a thrown fs error (`EACCES`, ...), if it has one. */
export function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : undefined
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/**
 * Maps an errno code to a skip reason. macOS answers EPERM (not EACCES) for folders guarded by
 * privacy protection (TCC), so with `platform: 'darwin'` EPERM is `privacy-protected`.
 */
export function fsSkipReason(
  code: string | undefined,
  opts: Readonly<{ platform?: NodeJS.Platform; fallback?: SkipReason }> = {},
): SkipReason {
  switch (code) {
    case 'EACCES':
      return 'permission-denied'
    case 'EPERM':
      return opts.platform === 'darwin' ? 'privacy-protected' : 'permission-denied'
    case 'ENAMETOOLONG':
      return 'path-too-long'
    case 'ELOOP':
      return 'symlink-loop'
    case 'ENOENT':
      return 'vanished'
    case 'ENOTDIR':
      return 'not-a-directory'
    default:
      return opts.fallback ?? 'unreadable'
  }
}

/** The skipped entry for an fs error, or undefined when its code is one of `quiet`. */
export function fsSkipEntry(
  path: string,
  e: unknown,
  quiet: ReadonlySet<string> = MISSING_CODES,
): SkippedEntry | undefined {
  const code = errnoCode(e)
  if (code !== undefined && quiet.has(code)) return undefined
  return { path, reason: fsSkipReason(code), code, message: errorMessage(e) }
}

/** Records an fs error as a skipped entry; missing paths (`quiet` codes) stay quiet. */
export function reportFsError(
  sink: SkipSink,
  path: string,
  e: unknown,
  quiet: ReadonlySet<string> = MISSING_CODES,
): void {
  const entry = fsSkipEntry(path, e, quiet)
  if (entry) sink.emitSkipped(entry)
}

/**
 * Metadata of a path, or undefined when it is missing or unreadable. Synchronous underneath: the
 * locators probe hundreds of known paths that mostly do not exist, and a missing path answered
 * without an exception (throwIfNoEntry) costs microseconds, where a rejected fs.promises.stat
 * builds an error with its stack (about 80 µs each, measured on an unchanged rescan). A stat
 * never blocks on file content, and the crawl already reads folders synchronously.
 */
export async function statQuiet(path: string): Promise<Stats | undefined> {
  let st: Stats | undefined
  try {
    st = statSync(path, { throwIfNoEntry: false })
  } catch {
    st = undefined
  }
  observePath(path, st ? 'read' : 'absent')
  return st
}

export async function lstatQuiet(path: string): Promise<Stats | undefined> {
  let st: Stats | undefined
  try {
    st = lstatSync(path, { throwIfNoEntry: false })
  } catch {
    st = undefined
  }
  observePath(path, st ? 'read' : 'absent')
  return st
}

export async function realpathQuiet(path: string): Promise<string | undefined> {
  try {
    const real = await realpath(path)
    observePath(path, 'read')
    return real
  } catch {
    observePath(path, 'absent')
    return undefined
  }
}

/** True for a directory, following a symlink (install dirs and envs are often links). */
export async function isDir(path: string): Promise<boolean> {
  return (await statQuiet(path))?.isDirectory() === true
}

/** True for a regular file, following a symlink. */
export async function isFile(path: string): Promise<boolean> {
  return (await statQuiet(path))?.isFile() === true
}

/**
 * Directory entries, or [] when the directory cannot be listed; errors other than the `quiet`
 * ones become skipped entries when a sink is given.
 */
export async function listDir(
  sink: SkipSink | undefined,
  dir: string,
  quiet: ReadonlySet<string> = MISSING_CODES,
): Promise<Dirent[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true })
    observePath(dir, 'list')
    return entries
  } catch (e) {
    observePath(dir, 'absent')
    if (sink) reportFsError(sink, dir, e, quiet)
    return []
  }
}

/**
 * Reads at most `n` bytes of a file vetted by a stat just before: one open, synchronous reads
 * for a small `n`, one close (util/read-small.ts: no FileHandle promises on the scan thread).
 */
async function readAtMost(path: string, n: number): Promise<Buffer> {
  const fd = openForRead(path)
  try {
    return await readUpTo(fd, n)
  } finally {
    closeQuietly(fd)
  }
}

/**
 * The first `n` bytes of a regular file (never more, even if it grew since the stat). Throws for a
 * FIFO, device or directory, and for fs errors.
 */
export async function readHead(path: string, n: number): Promise<Buffer> {
  observePath(path, 'read')
  if (!statSync(path).isFile()) throw new Error(`${path} is not a regular file`)
  return readAtMost(path, n)
}

export async function readHeadQuiet(path: string, n: number): Promise<Buffer | undefined> {
  try {
    return await readHead(path, n)
  } catch {
    return undefined
  }
}

function decode(buf: Buffer, stripBom: boolean | undefined): string {
  const text = buf.toString('utf8')
  return stripBom ? text.replace(/^\uFEFF/, '') : text
}

/** The first `n` bytes of a regular file as UTF-8 text (see readHead). */
export async function readHeadText(
  path: string,
  n: number,
  opts: Readonly<{ stripBom?: boolean }> = {},
): Promise<string> {
  return decode(await readHead(path, n), opts.stripBom)
}

/** What a path that is not a regular file is (it is never opened). */
export type SpecialKind =
  'directory' | 'FIFO' | 'character device' | 'block device' | 'socket' | 'special file'

export function specialKindOf(st: Stats): SpecialKind {
  if (st.isDirectory()) return 'directory'
  if (st.isFIFO()) return 'FIFO'
  if (st.isCharacterDevice()) return 'character device'
  if (st.isBlockDevice()) return 'block device'
  if (st.isSocket()) return 'socket'
  return 'special file'
}

export type TextRead =
  | Readonly<{ kind: 'ok'; text: string; size: number }>
  /** Absent (a `quiet` errno code). */
  | Readonly<{ kind: 'missing' }>
  /**
   * There, but not a regular file (followed through symlinks: a link to /dev/zero is a
   * character device). Kept apart from `missing` so a FIFO planted at a known config location
   * is reported instead of looking like no config at all.
   */
  | Readonly<{ kind: 'special'; what: SpecialKind }>
  | Readonly<{ kind: 'too-large'; size: number }>
  | Readonly<{ kind: 'error'; skip: SkippedEntry }>

export type TextReadOptions = Readonly<{
  /** Drop a leading UTF-8 byte order mark (hand-edited Windows configs have one). */
  stripBom?: boolean
  /** errno codes that count as missing; default ENOENT and ENOTDIR. */
  quiet?: ReadonlySet<string>
}>

/**
 * Reads a whole text file only after stat shows it is a regular file of at most `cap` bytes (the
 * bound is checked before any byte is read). Never throws.
 */
export async function readTextBounded(
  path: string,
  cap: number,
  opts: TextReadOptions = {},
): Promise<TextRead> {
  observePath(path, 'read')
  try {
    // The stat comes before the open: a known location may be a symlink to a device or a FIFO,
    // which is never opened. A missing path that counts as missing answers without an exception.
    const quietAbsent = (opts.quiet ?? MISSING_CODES).has('ENOENT')
    const st = statSync(path, { throwIfNoEntry: !quietAbsent })
    if (!st) return { kind: 'missing' }
    if (!st.isFile()) return { kind: 'special', what: specialKindOf(st) }
    if (st.size > cap) return { kind: 'too-large', size: st.size }
    // Allocate for what the stat reported, never the cap: a 20 MiB cap must not cost 20 MiB per
    // tiny file. A file that grew since the stat is cut at its stat size (still bounded).
    const n = Math.min(cap, st.size)
    return { kind: 'ok', text: decode(await readAtMost(path, n), opts.stripBom), size: st.size }
  } catch (e) {
    const skip = fsSkipEntry(path, e, opts.quiet)
    return skip ? { kind: 'error', skip } : { kind: 'missing' }
  }
}

/** The skipped entry for a special file found where a regular file was expected. */
export function specialSkip(path: string, what: SpecialKind): SkippedEntry {
  return {
    path,
    reason: 'not-a-regular-file',
    message: `a ${what} where a file was expected: not read (a FIFO blocks a reader, a device never ends)`,
  }
}

/**
 * readTextBounded for a locator that simply continues with `undefined`: an oversized or unreadable
 * file becomes a skipped entry, and so does a FIFO, device or socket where a file is expected; a
 * missing one stays quiet, and so does a folder (several known names are folders for some
 * versions of a tool, and a folder cannot pass for an empty config).
 */
export async function readTextOrSkip(
  sink: SkipSink,
  path: string,
  cap: number,
  opts: TextReadOptions = {},
): Promise<string | undefined> {
  const r = await readTextBounded(path, cap, opts)
  switch (r.kind) {
    case 'ok':
      return r.text
    case 'missing':
      return undefined
    case 'special':
      if (r.what !== 'directory') sink.emitSkipped(specialSkip(path, r.what))
      return undefined
    case 'too-large':
      sink.emitSkipped({
        path,
        reason: 'too-large',
        message: `${r.size} bytes is over the ${cap}-byte cap for this file`,
      })
      return undefined
    case 'error':
      sink.emitSkipped(r.skip)
      return undefined
  }
}

/** readTextOrSkip for config files: a leading byte order mark is dropped, the cap defaults to CONFIG_CAP_BYTES. */
export function readConfig(
  sink: SkipSink,
  path: string,
  cap = CONFIG_CAP_BYTES,
): Promise<string | undefined> {
  return readTextOrSkip(sink, path, cap, { stripBom: true })
}

export type JsonRead = { ok: true; value: unknown } | { ok: false; error: string }

/** Bounded JSON read; a missing file is `undefined`, malformed JSON an error outcome. */
export async function readJsonBounded(
  sink: SkipSink,
  path: string,
  cap = CONFIG_CAP_BYTES,
): Promise<JsonRead | undefined> {
  const text = await readTextOrSkip(sink, path, cap)
  if (text === undefined) return undefined
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (e) {
    return { ok: false, error: errorMessage(e) }
  }
}

/** A directory entry that is a directory, or a symlink to one (environments are sometimes linked). */
export async function isDirEntry(parent: string, d: Dirent): Promise<boolean> {
  if (d.isDirectory()) return true
  if (d.isSymbolicLink()) return isDir(join(parent, d.name))
  return false
}

export type WalkedFile = Readonly<{ path: string; rel: string; size: number; symlink: boolean }>

/**
 * Bounded recursive listing. File symlinks are followed (stores link files); directory symlinks
 * are not, so loops are impossible. Errors other than absence become skipped entries, and a walk
 * past WALK_MAX_ENTRIES stops with one; never throws.
 */
export async function walkFiles(
  sink: SkipSink,
  root: string,
  opts: Readonly<{ maxDepth: number; skipDirs?: ReadonlySet<string> }>,
): Promise<WalkedFile[]> {
  const out: WalkedFile[] = []
  let seen = 0
  const rel = (p: string): string => relative(root, p).split(sep).join('/')
  const visit = async (dir: string, depth: number): Promise<void> => {
    for (const e of await listDir(sink, dir, ABSENT_ONLY)) {
      if (++seen > WALK_MAX_ENTRIES) {
        if (seen === WALK_MAX_ENTRIES + 1)
          sink.emitSkipped({
            path: root,
            reason: 'too-large',
            message: `walk stopped after ${WALK_MAX_ENTRIES} entries`,
          })
        return
      }
      const p = join(dir, e.name)
      if (e.isDirectory()) {
        if (depth < opts.maxDepth && !opts.skipDirs?.has(e.name)) await visit(p, depth + 1)
      } else if (e.isFile() || e.isSymbolicLink()) {
        const st = await statQuiet(p)
        if (st?.isFile()) out.push({ path: p, rel: rel(p), size: st.size, symlink: !e.isFile() })
      }
    }
  }
  await visit(root, 0)
  return out
}

/** Whether `p` is `root` or below it (a string test on normalised absolute paths). */
export function isInside(p: string, root: string): boolean {
  const rel = relative(root, p)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}
