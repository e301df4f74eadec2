import { RULES_VERSION } from '../rules'
import type { FileIdentity, HashCache } from '../storage/hash-cache'
import { fileIdentity } from '../storage/hash-cache'
import { scanModelFile } from '../scanners/scan-file'
import type { ModelFileReport } from '../scanners/types'
import { sha256File } from '../util/hash'

export type ModelFileOptions = Readonly<{
  hash: boolean
  knownSha256?: string
  fileName?: string
  verify: boolean
  /**
   * Files of at least this many bytes whose digest is not known (cache, name) are not hashed
   * now: the report comes back with `digestPending` and `onDeferred` is told.
   */
  deferFrom?: number
  onDeferred?(path: string): void
  cache: HashCache
  onHashed(bytes: number): void
  onCacheHit(): void
  onScanCacheHit?(): void
  signal?: AbortSignal
  /** The static scan (default: on this thread). */
  scanFile?: (
    path: string,
    o: Readonly<{ fileName?: string; signal?: AbortSignal }>,
  ) => Promise<ModelFileReport>
}>

/** Version stamp of cached scan reports: a report made under other rules is not reused. */
const SCANNER_VERSION = `rules-${RULES_VERSION}`

/**
 * Static scan plus SHA-256 through the (dev, inode, size, mtime) cache: an unchanged file is never
 * reread (neither its bytes for hashing nor its headers for scanning); a digest known by
 * construction is trusted unless verification is asked for.
 */
export async function analyzeModelFile(
  path: string,
  o: ModelFileOptions,
): Promise<ModelFileReport> {
  const id: FileIdentity | undefined = fileIdentity(path)
  const cached = id ? o.cache.getEntry(id) : undefined
  let report: ModelFileReport
  if (cached?.report && cached.scanner === `${SCANNER_VERSION}:${o.fileName ?? ''}`) {
    report = { ...(JSON.parse(cached.report) as ModelFileReport), path }
    o.onScanCacheHit?.()
  } else {
    report = o.scanFile
      ? await o.scanFile(path, { fileName: o.fileName, signal: o.signal })
      : await scanModelFile(path, { hash: false, fileName: o.fileName })
    if (id && !report.error) {
      const { sha256: _omit, ...rest } = report
      o.cache.putEntry(id, path, {
        report: JSON.stringify(rest),
        scanner: `${SCANNER_VERSION}:${o.fileName ?? ''}`,
      })
    }
  }
  if (report.error || !o.hash || !id) {
    return o.knownSha256 && !report.error ? { ...report, sha256: o.knownSha256 } : report
  }
  let sha256: string | undefined
  try {
    if (o.knownSha256 && !o.verify) {
      sha256 = o.knownSha256
    } else {
      sha256 = cached?.sha256
      if (sha256) o.onCacheHit()
      else if (o.deferFrom !== undefined && id.size >= o.deferFrom) {
        // Reading the whole file is most of the time a large file takes: the verdict (from the
        // bounded header and pickle reads above) is committed first, the digest follows.
        o.onDeferred?.(path)
        return { ...report, sha256: undefined, digestPending: true }
      } else {
        sha256 = await sha256File(path, o.onHashed, o.signal)
        o.cache.putEntry(id, path, { sha256 })
      }
    }
  } catch {
    // Vanished or unreadable between scan and hash: keep the scan result without a digest.
  }
  return { ...report, sha256 }
}

export { addedModel, modelRecords } from './model-asset'
