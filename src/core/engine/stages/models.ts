import { statSync } from 'node:fs'
import { basename } from 'node:path'
import type {
  AddModelOptions,
  AddedModel,
  ModelPartOptions,
  ScannedPart,
} from '../../discovery/types'
import { classifyCandidate, isPlainArchive } from '../../scanners/candidate'
import type { ModelFileReport } from '../../scanners/types'
import { addedModel, modelAsset, modelFindings, modelPart } from '../model-asset'
import type { ScanSession } from '../session'

/**
 * Stage 3, model analysis, for files a locator or analyzer found (`ctx.addModel`): static scan
 * and SHA-256 through the file cache, then the asset and its findings.
 */
export async function addModel(
  s: ScanSession,
  path: string,
  o: AddModelOptions,
): Promise<AddedModel> {
  const report = await analyzeFound(s, path, o)
  const assetId = s.emitAsset(modelAsset(path, { kind: 'scanned', report }, o))
  for (const f of modelFindings(path, report, assetId)) s.emitFinding(f)
  return addedModel(assetId, report)
}

/**
 * Stage 3, model analysis, for one file of a multi-file model (`ctx.scanModelPart`, a Hugging
 * Face repo's weights): the same scan and digest, but the file gets no asset of its own; the
 * locator records it as its model's part and reports its findings on the model.
 */
export async function scanModelPart(
  s: ScanSession,
  path: string,
  o: ModelPartOptions,
): Promise<ScannedPart> {
  return modelPart(await analyzeFound(s, path, o))
}

/** The static scan and digest of a file a locator found (it is claimed: the crawl skips it). */
async function analyzeFound(
  s: ScanSession,
  path: string,
  o: ModelPartOptions,
): Promise<ModelFileReport> {
  s.claimedFiles.add(path)
  s.setCurrent(path)
  const report = await s.models.analyze(path, { knownSha256: o.knownSha256, fileName: o.fileName })
  s.stats.modelsScanned++
  if (report.sha256 && !o.knownSha256) s.stats.filesHashed++
  return report
}

/**
 * Stage 3, model analysis, for a crawled candidate (a model extension, or no extension): the
 * content decides. A decoy (a `.pt` that is text, random bytes named `.bin`) is not a model; a
 * truncated or corrupt model is an invalid-file finding rather than a model.
 */
export async function crawlModel(s: ScanSession, path: string): Promise<void> {
  s.setCurrent(path)
  // An analyzer or locator may have claimed the file after this job was queued.
  if (s.claimedFiles.has(path)) return
  let st
  try {
    st = statSync(path)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    s.skip({
      path,
      reason: code === 'ENOENT' ? 'vanished' : 'unreadable',
      code,
      message: `Cannot stat model candidate (${code})`,
    })
    return
  }
  const crawl = { source: 'crawl' }
  if (s.isPlaceholder(path)) {
    s.emitAsset(modelAsset(path, { kind: 'placeholder', sizeBytes: st.size }, crawl))
    return
  }
  const sniffed = classifyCandidate(path, basename(path))
  if (sniffed.kind === 'unreadable') {
    s.skip({ path, reason: 'unreadable', message: 'Cannot read model candidate' })
    return
  }
  if (sniffed.kind === 'not-model') return
  if (sniffed.kind === 'unrecognised') {
    if (!s.options.crawlOnly)
      s.emitFinding({
        ruleId: 'model.unknown-format',
        message: 'Binary content under a model extension matches no known model format',
        path,
      })
    return
  }
  if (s.options.crawlOnly) {
    // Classified by content; the model scanners (measured by their own benchmarks) do not run.
    s.emitAsset(
      modelAsset(path, { kind: 'sniffed', format: sniffed.format, sizeBytes: st.size }, crawl),
    )
    return
  }
  const report = await s.models.analyze(path)
  s.stats.modelsScanned++
  if (report.sha256) s.stats.filesHashed++
  // An archive with no model content inside (a zipapp, a zip of text data) is not a model.
  if (isPlainArchive(report)) return
  if (
    report.verdict === 'invalid' &&
    !report.findings.some((f) => f.severity === 'critical' || f.severity === 'high')
  ) {
    // Not a usable model (truncated, corrupt): reported as an invalid file, not listed as a model.
    for (const f of report.findings) s.emitFinding({ ...f, path })
    return
  }
  const assetId = s.emitAsset(modelAsset(path, { kind: 'scanned', report }, crawl))
  for (const f of modelFindings(path, report, assetId)) s.emitFinding(f)
}
