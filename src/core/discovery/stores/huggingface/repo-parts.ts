import { basename, extname, join } from 'node:path'
import type { DetailValue, NewFinding, Verdict } from '../../../types'
import type { DiscoveryContext, ScannedPart } from '../../types'
import { worstVerdict } from '../folder-store'
import { isScannableModelFile, isWeightFile } from '../weight-files'

/**
 * A Hugging Face repo is one model (or dataset), the way its users count it: its files are the
 * model's parts, listed in its details. Every part a scanner can read is still scanned and hashed
 * (with the engine's cache); its findings are reported on the repo's asset, naming the file.
 */

/** Parts listed in the details (the count is always exact). */
export const MAX_LISTED_PARTS = 200
/** Scanner metadata kept per part (architecture, quantization, ...): short scalar values only. */
const MAX_PART_METADATA = 8

/** A file of the repo as the locator sees it: its names in the snapshots, where its bytes are. */
export type RepoFile = Readonly<{
  /** Path inside the snapshot (`model-00001-of-00002.safetensors`, `data/train.parquet`). */
  name: string
  /** The snapshot path loaders open (a link to the blob, or the copied file on Windows). */
  path: string
  /** Where the bytes are: the blob, or the snapshot file itself. */
  target: string
  size: number
  commits: readonly string[]
  /** The digest the blob is named after (LFS files), when there is one. */
  knownSha256?: string
}>

export type PartRole = 'weights' | 'template' | 'data'

export type RepoParts = Readonly<{
  /** The `parts` detail: one record per part, at most MAX_LISTED_PARTS. */
  records: readonly DetailValue[]
  count: number
  verdict?: Verdict
  /** Format of the weights (the one holding most bytes), and every weight format present. */
  format?: string
  formats: readonly string[]
  /** The digest of the weights when they are one file. */
  sha256?: string
  /** Scanner metadata of the weights when they are one file (architecture, quantization, ...). */
  metadata?: Readonly<Record<string, unknown>>
  /** The parts' findings, each naming its file, to be reported on the repo's asset. */
  findings: readonly Omit<NewFinding, 'assetId'>[]
}>

function roleOf(name: string, type: 'model' | 'dataset'): PartRole | undefined {
  if (type === 'dataset') return 'data'
  if (isWeightFile(name)) return 'weights'
  if (isScannableModelFile(name)) return 'template'
  return undefined
}

function shortMetadata(
  m: Readonly<Record<string, unknown>> | undefined,
): Record<string, DetailValue> {
  const out: Record<string, DetailValue> = {}
  for (const [k, v] of Object.entries(m ?? {})) {
    if (Object.keys(out).length >= MAX_PART_METADATA) break
    if (typeof v === 'number' || typeof v === 'boolean') out[k] = v
    else if (typeof v === 'string' && v.length <= 100) out[k] = v
  }
  return out
}

/**
 * Scans the repo's parts: for a model its weight files and the chat-template files scanners
 * inspect; for a dataset every file (the ones a scanner reads, such as pickles, are scanned).
 */
export async function scanRepoParts(
  ctx: DiscoveryContext,
  type: 'model' | 'dataset',
  files: readonly RepoFile[],
): Promise<RepoParts> {
  const records: Record<string, DetailValue>[] = []
  const findings: Omit<NewFinding, 'assetId'>[] = []
  const verdicts: Verdict[] = []
  const weights: { format: string; size: number; part: ScannedPart }[] = []
  let count = 0
  for (const f of files) {
    if (ctx.signal?.aborted) break
    const role = roleOf(f.name, type)
    if (!role) continue
    count++
    const scanned = isScannableModelFile(f.name)
      ? await ctx.scanModelPart(f.target, {
          knownSha256: f.knownSha256,
          fileName: basename(f.name),
        })
      : undefined
    if (scanned) {
      verdicts.push(scanned.verdict)
      for (const x of scanned.findings)
        findings.push({ ...x, path: f.path, message: `${f.name}: ${x.message}` })
      if (role === 'weights') weights.push({ format: scanned.format, size: f.size, part: scanned })
    }
    if (records.length < MAX_LISTED_PARTS)
      records.push({
        name: f.name,
        path: f.path,
        ...(f.target !== f.path ? { blob: f.target } : {}),
        role,
        sizeBytes: scanned?.sizeBytes ?? f.size,
        format: scanned?.format ?? (extname(f.name).slice(1).toLowerCase() || null),
        sha256: scanned?.sha256 ?? f.knownSha256 ?? null,
        verdict: scanned?.verdict ?? null,
        revisions: [...f.commits],
        ...shortMetadata(scanned?.metadata),
      })
  }
  const bytesByFormat = new Map<string, number>()
  for (const w of weights) bytesByFormat.set(w.format, (bytesByFormat.get(w.format) ?? 0) + w.size)
  const format = [...bytesByFormat.entries()].sort((a, b) => b[1] - a[1])[0]?.[0]
  const sole = weights.length === 1 ? weights[0]?.part : undefined
  return {
    records,
    count,
    verdict: worstVerdict(verdicts),
    format,
    formats: [...bytesByFormat.keys()].sort(),
    sha256: sole?.sha256,
    metadata: sole?.metadata,
    findings,
  }
}

/** Where a file of a revision is read from, for the part's `path` (the snapshot of `commit`). */
export function snapshotPath(repoDir: string, commit: string, name: string): string {
  return join(repoDir, 'snapshots', commit, ...name.split('/'))
}
