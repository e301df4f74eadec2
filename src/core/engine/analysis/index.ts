import type { HashCache } from '../../storage/hash-cache'
import { scanModelFile } from '../../scanners/scan-file'
import type { ModelFileReport } from '../../scanners/types'
import { analyzeModelFile } from '../model-files'

/** Static scan of one model file's bytes (no hashing): in a worker pool or on this thread. */
export type ScanFileFn = (
  path: string,
  o: Readonly<{ fileName?: string; signal?: AbortSignal }>,
) => Promise<ModelFileReport>

/**
 * Model-file analysis for one scan: the static scan and the SHA-256, both through the file
 * cache (an unchanged file is never read again).
 */
export type ModelAnalyzer = Readonly<{
  analyze(
    path: string,
    o?: Readonly<{ knownSha256?: string; fileName?: string }>,
  ): Promise<ModelFileReport>
  /** Stops the workers (if any). */
  close(): Promise<void>
}>

export type ModelAnalyzerOptions = Readonly<{
  cache: HashCache
  hash: boolean
  verify: boolean
  /** See ModelFileOptions.deferFrom. */
  deferFrom?: number
  onDeferred?(path: string): void
  signal?: AbortSignal
  onHashed(bytes: number): void
  onCacheHit(): void
  onScanCacheHit(): void
}>

export const scanInThread: ScanFileFn = (path, o) =>
  scanModelFile(path, { hash: false, fileName: o.fileName })

export function createModelAnalyzer(
  o: ModelAnalyzerOptions,
  scanFile: ScanFileFn = scanInThread,
  close: () => Promise<void> = async () => {},
): ModelAnalyzer {
  return {
    analyze: (path, a = {}) =>
      analyzeModelFile(path, {
        hash: o.hash,
        knownSha256: a.knownSha256,
        fileName: a.fileName,
        verify: o.verify,
        deferFrom: o.deferFrom,
        onDeferred: o.onDeferred,
        cache: o.cache,
        signal: o.signal,
        onHashed: o.onHashed,
        onCacheHit: o.onCacheHit,
        onScanCacheHit: o.onScanCacheHit,
        scanFile,
      }),
    close,
  }
}
