import type { Dirent } from 'node:fs'
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { isInside, listDir, readTextOrSkip, statQuiet } from '../../util/fs'
import type { DiscoveryContext } from '../types'

/** Store metadata files (manifests, configs) are small; anything bigger is not what we expect. */
export const SMALL_FILE_CAP = 1024 * 1024

/** Hard bounds on a store walk so a pathological tree cannot hang a scan. */
export const WALK_MAX_ENTRIES = 50_000

/** Stores report a file where a store directory should be (ENOTDIR); only absence is quiet. */
const STORE_QUIET: ReadonlySet<string> = new Set(['ENOENT'])

/** Lists a directory; a missing directory is empty, other errors become skipped entries. */
export function readdirSafe(ctx: DiscoveryContext, dir: string): Promise<Dirent[]> {
  return listDir(ctx, dir, STORE_QUIET)
}

export type JsonRead = { ok: true; value: unknown } | { ok: false; error: string }

/** Bounded JSON read; a missing file is `undefined`, malformed JSON an error outcome. */
export async function readJsonBounded(
  ctx: DiscoveryContext,
  path: string,
  cap = SMALL_FILE_CAP,
): Promise<JsonRead | undefined> {
  const text = await readTextOrSkip(ctx, path, cap)
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
  // Archives that carry models or code on load: NeMo checkpoints, TorchServe archives, and 7z /
  // zstd containers (scanned by opening them).
  '.nemo',
  '.mar',
  '.7z',
  '.zst',
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
        const st = await statQuiet(p)
        if (st)
          out.push({
            path: p,
            rel: relative(root, p).split(sep).join('/'),
            size: st.size,
            symlink: false,
          })
      } else if (e.isSymbolicLink()) {
        const st = await statQuiet(p)
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
