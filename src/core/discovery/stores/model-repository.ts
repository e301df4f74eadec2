import { basename, dirname, join } from 'node:path'
import { analyzeRepository, listRepositoryFiles } from '../../scanners/repo/analyze-repo'
import { repositoryDetails } from '../../scanners/repo/report'
import { ABSENT_ONLY, isFile, listDir, readJsonBounded } from '../../util/fs'
import type { RepositoryReport } from '../../scanners/repo/analyze-repo'
import type { DiscoveryContext, FileAnalyzer } from '../types'
import { isRecord } from './store-kit'
import { isWeightFile } from './weight-files'

/** Keys that make a config.json a model config (transformers, diffusers components). */
const MODEL_CONFIG_KEYS = [
  'model_type',
  'architectures',
  'auto_map',
  '_class_name',
  '_name_or_path',
]

/**
 * Model folders found by the crawl in project trees (a config.json of transformers or diffusers,
 * a sentence-transformers modules.json): read as a repository, like `aiscout scan-model DIR`.
 * The folder is one model asset saying whether loading needs trust_remote_code; findings of the
 * custom code and config checks are linked to it. The weight files stay assets of their own.
 */
export const MODEL_REPOSITORY_ANALYZER: FileAnalyzer = {
  id: 'model-repository',
  names: ['config.json', 'model_index.json', 'modules.json'],
  async analyze(path, ctx) {
    const dir = dirname(path)
    const name = basename(path)
    if (ctx.isClaimed(dir)) return
    // One analysis per folder: config.json leads; a diffusers component folder is read by its
    // pipeline folder (model_index.json one level up).
    if (name !== 'config.json' && (await isFile(join(dir, 'config.json')))) return
    if (name !== 'model_index.json' && (await isFile(join(dirname(dir), 'model_index.json'))))
      return
    const read = await readJsonBounded(ctx, path)
    if (!read?.ok) return
    const v = read.value
    const marked =
      name === 'modules.json'
        ? Array.isArray(v)
        : isRecord(v) && MODEL_CONFIG_KEYS.some((k) => k in v)
    if (!marked) return
    const entries = await listDir(ctx, dir, ABSENT_ONLY)
    const weights = entries.filter((e) => e.isFile() && isWeightFile(e.name)).map((e) => e.name)
    const files = listRepositoryFiles(dir, { maxFiles: 5_000, maxDepth: 3 })
    const report = analyzeRepository(dir, files)
    // A config with neither weights nor anything to report is someone's JSON, not a model.
    if (weights.length === 0 && report.findings.length === 0 && name !== 'model_index.json') return
    const assetId = ctx.emitAsset({
      kind: 'model',
      path: dir,
      name: basename(dir),
      format: 'model-repository',
      source: 'crawl',
      verdict: report.verdict,
      details: {
        ...repositoryDetails(report),
        weightFiles: weights.slice(0, 50),
        ...(isRecord(v) && typeof v['model_type'] === 'string'
          ? { modelType: v['model_type'] }
          : {}),
      },
    })
    emitRepositoryFindings(ctx, report, assetId)
  },
}

/** Records a repository report's findings against the repository's asset. */
export function emitRepositoryFindings(
  ctx: DiscoveryContext,
  report: RepositoryReport,
  assetId: string,
): void {
  for (const f of report.findings) {
    ctx.emitFinding({
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      path: f.path,
      line: f.line,
      callable: f.callable,
      assetId,
    })
  }
}
