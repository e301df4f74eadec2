import type { ScanStore } from '../../storage/scan-store'
import type { ModelAnalyzer, ModelAnalyzerOptions } from '.'
import { createModelAnalyzer } from '.'

/** The model analyzer of one scan: on the scan's thread (workers come with the analysis worker). */
export async function createModels(
  store: ScanStore,
  options: Readonly<{ verifyDigests?: boolean; analysisWorker?: string }>,
  hash: boolean,
  signal: AbortSignal | undefined,
  counters: Pick<ModelAnalyzerOptions, 'onHashed' | 'onCacheHit' | 'onScanCacheHit'>,
): Promise<ModelAnalyzer> {
  return createModelAnalyzer({
    cache: store.files,
    hash,
    verify: options.verifyDigests === true,
    signal,
    ...counters,
  })
}
