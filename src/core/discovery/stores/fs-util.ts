import type { Dirent, Stats } from 'node:fs'
import { promises as fsp } from 'node:fs'
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import type { SkipReason } from '../../types'
import type { DiscoveryContext } from '../types'

/** Store metadata files (manifests, configs) are small; anything bigger is not what we expect. */
export const SMALL_FILE_CAP = 1024 * 1024

/** Hard bounds on a store walk so a pathological tree cannot hang a scan. */
export const WALK_MAX_ENTRIES = 50_000

export async function statSafe(p: string): Promise<Stats | undefined> {
  try {
    return await fsp.stat(p)
  } catch {
    return undefined
  }
}

export async function lstatSafe(p: string): Promise<Stats | undefined> {
  try {
    return await fsp.lstat(p)
  } catch {
    return undefined
  }
}

export async function isDir(p: string): Promise<boolean> {
  return (await statSafe(p))?.isDirectory() === true
}

export async function isFile(p: string): Promise<boolean> {
  return (await statSafe(p))?.isFile() === true
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

/** Records an fs error as a skipped entry (missing paths are normal and not reported). */
export function skipError(ctx: DiscoveryContext, path: string, e: unknown): void {
  const code = (e as NodeJS.ErrnoException)?.code
  if (code === 'ENOENT') return
  ctx.emitSkipped({
    path,
    reason: reasonFor(code),
    code,
    message: (e as Error)?.message ?? String(e),
  })
}

/** Lists a directory; a missing directory is empty, other errors become skipped entries. */
export async function readdirSafe(ctx: DiscoveryContext, dir: string): Promise<Dirent[]> {
  try {
    return await fsp.readdir(dir, { withFileTypes: true })
  } catch (e) {
    skipError(ctx, dir, e)
    return []
  }
}

/** Reads a text file only after a stat shows it is at most `cap` bytes. */
export async function readTextBounded(
  ctx: DiscoveryContext,
  path: string,
  cap = SMALL_FILE_CAP,
): Promise<string | undefined> {
  const st = await statSafe(path)
  if (!st || !st.isFile()) return undefined
  if (st.size > cap) {
    ctx.emitSkipped({
      path,
      reason: 'too-large',
      message: `${st.size} bytes is over the ${cap}-byte cap for this file`,
    })
    return undefined
  }
  try {
    return await fsp.readFile(path, 'utf8')
  } catch (e) {
    skipError(ctx, path, e)
    return undefined
  }
}

export type JsonRead = { ok: true; value: unknown } | { ok: false; error: string }

/** Bounded JSON read; a missing file is `undefined`, malformed JSON an error outcome. */
export async function readJsonBounded(
  ctx: DiscoveryContext,
  path: string,
  cap = SMALL_FILE_CAP,
): Promise<JsonRead | undefined> {
  const text = await readTextBounded(ctx, path, cap)
  if (text === undefined) return undefined
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (e) {
    return { ok: false, error: (e as Error).message }
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}

export function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/**
 * An env override that names a directory. `~`/`$HOME` are expanded against the scanned home.
 * A value outside the scanned home is used only when the scanned home is the process's own home,
 * so `--home <fake>` never wanders into the real user's stores.
 */
export function envDir(ctx: DiscoveryContext, name: string): string | undefined {
  let v = ctx.env[name]?.trim()
  if (!v) return undefined
  if (v === '~' || v.startsWith('~/') || v.startsWith('~\\')) v = join(ctx.home, v.slice(1))
  if (!isAbsolute(v) && !/^[A-Za-z]:[\\/]/.test(v)) return undefined
  if (isInside(v, ctx.home)) return v
  const ownHome = ctx.env.HOME ?? ctx.env.USERPROFILE
  return ownHome !== undefined && resolve(ownHome) === resolve(ctx.home) ? v : undefined
}

/** Lower-case extensions that hold (or can hold) model weights or executable model formats. */
export const WEIGHT_EXTENSIONS: ReadonlySet<string> = new Set([
  '.gguf',
  '.ggml',
  '.safetensors',
  '.sft',
  '.bin',
  '.pt',
  '.pth',
  '.ckpt',
  '.h5',
  '.hdf5',
  '.keras',
  '.msgpack',
  '.onnx',
  '.pkl',
  '.pickle',
  '.joblib',
  '.npz',
  '.tflite',
  '.mlmodel',
  '.llamafile',
])

/** Files beside weights that the structured scanners inspect (chat templates can run code on load). */
export const TEMPLATE_FILES: ReadonlySet<string> = new Set([
  'tokenizer_config.json',
  'chat_template.jinja',
  'chat_template.json',
])

export function isWeightFile(p: string): boolean {
  const b = basename(p)
  return WEIGHT_EXTENSIONS.has(extname(b).toLowerCase()) || b === 'saved_model.pb'
}

export function isScannableModelFile(p: string): boolean {
  return isWeightFile(p) || TEMPLATE_FILES.has(basename(p))
}

export type WalkedFile = Readonly<{ path: string; rel: string; size: number; symlink: boolean }>

/**
 * Bounded recursive listing. File symlinks are followed (stores link files); directory symlinks
 * are not, so loops are impossible. Errors become skipped entries; never throws.
 */
export async function walkFiles(
  ctx: DiscoveryContext,
  root: string,
  opts: Readonly<{ maxDepth: number; skipDirs?: ReadonlySet<string> }>,
): Promise<WalkedFile[]> {
  const out: WalkedFile[] = []
  let seen = 0
  const visit = async (dir: string, depth: number): Promise<void> => {
    for (const e of await readdirSafe(ctx, dir)) {
      if (++seen > WALK_MAX_ENTRIES) {
        if (seen === WALK_MAX_ENTRIES + 1)
          ctx.emitSkipped({
            path: root,
            reason: 'too-large',
            message: `store walk stopped after ${WALK_MAX_ENTRIES} entries`,
          })
        return
      }
      const p = join(dir, e.name)
      if (e.isDirectory()) {
        if (depth < opts.maxDepth && !opts.skipDirs?.has(e.name)) await visit(p, depth + 1)
      } else if (e.isFile()) {
        const st = await statSafe(p)
        if (st)
          out.push({
            path: p,
            rel: relative(root, p).split(sep).join('/'),
            size: st.size,
            symlink: false,
          })
      } else if (e.isSymbolicLink()) {
        const st = await statSafe(p)
        if (st?.isFile())
          out.push({
            path: p,
            rel: relative(root, p).split(sep).join('/'),
            size: st.size,
            symlink: true,
          })
      }
    }
  }
  await visit(root, 0)
  return out
}

/** Runs a locator body and turns any unexpected exception into a skipped entry. */
export async function guard(
  ctx: DiscoveryContext,
  path: string,
  fn: () => Promise<void>,
): Promise<void> {
  try {
    await fn()
  } catch (e) {
    ctx.emitSkipped({
      path,
      reason: 'error',
      message: `store parser failed: ${(e as Error)?.message ?? e}`,
    })
  }
}

export function uniq<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)]
}

/**
 * Whether a path or any folder above it was claimed. The engine's isClaimed matches exact paths
 * only, so a store nested in another store's root (an extra_model_paths.yaml folder inside
 * ComfyUI/models) is checked up the tree here.
 */
export function claimedOrUnder(ctx: DiscoveryContext, p: string): boolean {
  for (let cur = p, i = 0; i < 64; i++) {
    if (ctx.isClaimed(cur)) return true
    const up = dirname(cur)
    if (up === cur) return false
    cur = up
  }
  return false
}
