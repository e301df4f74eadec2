import type { DetailValue, Details, Verdict } from '../../types'
import type { AddedModel, DiscoveryContext } from '../types'
import { isDir, walkFiles } from '../../util/fs'
import type { WalkedFile } from '../../util/fs'
import { claimedOrUnder, guard } from './store-kit'
import { isScannableModelFile } from './weight-files'

/** Worst-first order used to summarise several files into one verdict. */
const VERDICT_ORDER: readonly Verdict[] = ['malicious', 'suspicious', 'invalid', 'safe']

export function worstVerdict(vs: readonly Verdict[]): Verdict | undefined {
  for (const v of VERDICT_ORDER) if (vs.includes(v)) return v
  return undefined
}

export type FolderStoreOptions = Readonly<{
  root: string
  source: string
  maxDepth: number
  /** Display name for a file (default: its path relative to the root). */
  nameOf?(f: WalkedFile): string
  /** Extra details for a file (publisher, category, ...). */
  detailsOf?(f: WalkedFile): Readonly<Record<string, DetailValue | undefined>>
  /** Which files to scan (default: weight extensions and chat-template files). */
  accept?(f: WalkedFile): boolean
  knownSha256Of?(f: WalkedFile): string | undefined
  skipDirs?: ReadonlySet<string>
  /** Claim the root so the crawl does not add the same files again (default true). */
  claim?: boolean
}>

export type FolderStoreResult = Readonly<{ models: readonly AddedModel[]; totalBytes: number }>

/**
 * The common "folder of model files" store (LM Studio, GPT4All, Jan, ComfyUI, ...): every model
 * file under the root goes through ctx.addModel, and each asset carries the store's root and the
 * total disk it uses (so the inventory can report disk per store without another walk).
 */
export async function scanFolderStore(
  ctx: DiscoveryContext,
  o: FolderStoreOptions,
): Promise<FolderStoreResult> {
  const models: AddedModel[] = []
  let totalBytes = 0
  await guard(ctx, o.root, async () => {
    // Another store (or this one through a second path) already handled it.
    if (claimedOrUnder(ctx, o.root) || !(await isDir(o.root))) return
    if (o.claim !== false) ctx.claimDir(o.root)
    const files = await walkFiles(ctx, o.root, { maxDepth: o.maxDepth, skipDirs: o.skipDirs })
    totalBytes = files.reduce((n, f) => n + f.size, 0)
    const picked = files.filter((f) => (o.accept ? o.accept(f) : isScannableModelFile(f.path)))
    for (const f of picked) {
      if (ctx.signal?.aborted) return
      const added = await ctx.addModel(f.path, {
        source: o.source,
        name: o.nameOf ? o.nameOf(f) : f.rel,
        knownSha256: o.knownSha256Of?.(f),
        details: {
          ...defined(o.detailsOf?.(f)),
          storeRoot: o.root,
          storeTotalBytes: totalBytes,
          storeFileCount: files.length,
          ...(f.symlink ? { symlink: true } : {}),
        },
      })
      models.push(added)
      ctx.claimFile(f.path)
    }
  })
  return { models, totalBytes }
}

/** Runs scanFolderStore over several candidate roots, skipping duplicates and nested roots. */
export async function scanFolderStores(
  ctx: DiscoveryContext,
  roots: readonly string[],
  o: Omit<FolderStoreOptions, 'root'>,
): Promise<void> {
  const done = new Set<string>()
  for (const root of roots) {
    if (done.has(root) || claimedOrUnder(ctx, root)) continue
    done.add(root)
    await scanFolderStore(ctx, { ...o, root })
  }
}

function defined(d: Readonly<Record<string, DetailValue | undefined>> | undefined): Details {
  const out: Record<string, DetailValue> = {}
  for (const [k, v] of Object.entries(d ?? {})) if (v !== undefined) out[k] = v
  return out
}
