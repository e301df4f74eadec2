import type { ScanStore } from '../../storage/scan-store'
import type { ModelAnalyzer, ModelAnalyzerOptions } from '.'
import { createModelAnalyzer } from '.'
import type { AnalysisLimits } from './pool'
import { createAnalysisPool } from './pool'

/**
 * The model analyzer of one scan: in worker threads when the shell handed in the built worker
 * (`ScanOptions.analysisWorker`), else on the scan's own thread (tests, library callers).
 */
export async function createModels(
  store: ScanStore,
  options: Readonly<{
    verifyDigests?: boolean
    deferDigestsFrom?: number
    analysisWorker?: string
    analysisLimits?: AnalysisLimits
  }>,
  hash: boolean,
  signal: AbortSignal | undefined,
  counters: Pick<ModelAnalyzerOptions, 'onHashed' | 'onCacheHit' | 'onScanCacheHit' | 'onDeferred'>,
): Promise<ModelAnalyzer> {
  const o: ModelAnalyzerOptions = {
    cache: store.files,
    hash,
    verify: options.verifyDigests === true,
    deferFrom: options.deferDigestsFrom,
    signal,
    ...counters,
  }
  if (!options.analysisWorker) return createModelAnalyzer(o)
  const pool = createAnalysisPool(options.analysisWorker, options.analysisLimits, signal)
  return createModelAnalyzer(o, pool.scanFile, pool.close)
}
