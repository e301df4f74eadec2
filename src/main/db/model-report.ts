import { statSync } from 'node:fs'
import { extname, join } from 'node:path'
import type { Db, ModelFinding } from '../../core'
import {
  analyzeRepository,
  findRule,
  listRepositoryFiles,
  MODEL_EXTENSIONS,
  scanModelFile,
} from '../../core'
import type { Verdict } from '../../core'
import type { ModelReport, ModelReportFinding } from '../../shared/ipc'
import { invalid, notFound } from '../errors'
import { assetWithDetails } from './views'

const CHAT_TEMPLATE_RULE = /chat-template/
/** Weight files of one repository scanned for its report (sharded checkpoints stay well under). */
const MAX_REPO_WEIGHTS = 64
/** Worst first: the repository's verdict is the worst of its checks and files. */
const VERDICT_ORDER: readonly Verdict[] = ['malicious', 'suspicious', 'invalid', 'safe']

/**
 * Everything the static scanners know about one model file: a fresh scan of the file (never
 * loaded or run; every read bounded), with the rule's why and fix for each finding. Runs in a
 * job worker: a large pickle takes seconds and must not hold up the inventory queries.
 */
export async function modelReport(db: Db, assetId: string, now: Date): Promise<ModelReport> {
  const asset = assetWithDetails(db, assetId, now)
  if (asset.kind !== 'model' && asset.kind !== 'dataset')
    throw invalid(`${asset.name} is not a model file`)
  if (!asset.path.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(asset.path))
    throw notFound(`${asset.name} has no file on disk to scan`)
  const t0 = Date.now()
  // A model repository (a Hugging Face snapshot folder) is judged by its configs and custom code.
  if (isDirectory(asset.path)) return await repositoryReport(asset, t0)
  const r = await scanModelFile(asset.path)
  if (r.error)
    return {
      asset,
      scan: {
        ok: false,
        message: `The file cannot be read (${r.error}). It may have moved since the last scan.`,
      },
    }
  const findings = r.findings.map((f) => explain(f))
  const callables = [...new Set(findings.flatMap((f) => (f.callable ? [f.callable] : [])))].sort()
  const metadata = Object.fromEntries(
    Object.entries(r.metadata ?? {}).filter(([, v]) => v !== undefined && v !== null),
  ) as Record<string, string | number | boolean | readonly string[]>
  const templated =
    r.format === 'chat-template' ||
    r.format === 'tokenizer-config' ||
    Object.keys(metadata).some((k) => /chat.?template/i.test(k)) ||
    findings.some((f) => CHAT_TEMPLATE_RULE.test(f.ruleId))
  const templateFindings = findings.filter((f) => CHAT_TEMPLATE_RULE.test(f.ruleId))
  return {
    asset,
    scan: {
      ok: true,
      format: r.format,
      verdict: r.verdict,
      ...(r.sha256 ? { sha256: r.sha256 } : asset.sha256 ? { sha256: asset.sha256 } : {}),
      ...(r.sizeBytes !== undefined ? { sizeBytes: r.sizeBytes } : {}),
      metadata,
      findings,
      callables,
      ...(templated
        ? {
            chatTemplate: {
              verdict: templateFindings.some(
                (f) => f.severity === 'critical' || f.severity === 'high',
              )
                ? 'unsafe'
                : 'safe',
              findings: templateFindings.length,
            },
          }
        : {}),
      scannedAt: new Date().toISOString(),
      durationMs: Date.now() - t0,
    },
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

/** A finding with its rule's title, why and fix. */
function explain(
  f: ModelFinding & Readonly<{ severity: ModelReportFinding['severity'] }>,
  where: Readonly<{ file?: string }> = {},
): ModelReportFinding {
  const rule = findRule(f.ruleId)
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    title: rule?.title ?? f.ruleId,
    message: f.message,
    ...(f.member !== undefined ? { member: f.member } : {}),
    ...(f.offset !== undefined ? { offset: f.offset } : {}),
    ...(f.callable !== undefined ? { callable: f.callable } : {}),
    ...(where.file !== undefined ? { file: where.file } : {}),
    ...(f.line !== undefined ? { line: f.line } : {}),
    why: rule?.why ?? '',
    fix: rule?.fix ?? '',
  }
}

/** The repository check `aiscout scan-model DIR` runs: configs, custom code, instantiation. */
async function repositoryReport(asset: ModelReport['asset'], t0: number): Promise<ModelReport> {
  const root = snapshotOf(asset) ?? asset.path
  const files = listRepositoryFiles(root)
  const repo = analyzeRepository(root, files)
  const findings = repo.findings.map((f) => explain(f, { file: f.file }))
  const verdicts: Verdict[] = [repo.verdict]
  // Its weight files too, each scanned statically like a single model file (bounded count).
  const weights = files
    .filter((f) => MODEL_EXTENSIONS.has(extname(f.rel).toLowerCase()))
    .slice(0, MAX_REPO_WEIGHTS)
  for (const f of weights) {
    const r = await scanModelFile(f.path)
    verdicts.push(r.verdict)
    for (const x of r.findings) findings.push(explain(x, { file: f.rel }))
  }
  return {
    asset,
    scan: {
      ok: true,
      format: 'repository',
      verdict: VERDICT_ORDER.find((v) => verdicts.includes(v)) ?? repo.verdict,
      ...(asset.sha256 ? { sha256: asset.sha256 } : {}),
      metadata: {
        'Needs trust_remote_code': repo.needsTrustRemoteCode,
        'Configs checked': repo.configsChecked,
        'Weight files scanned': weights.length,
        ...(repo.codeFilesChecked.length ? { 'Code files checked': repo.codeFilesChecked } : {}),
        ...(repo.customCode.length
          ? {
              'Custom code': repo.customCode.map((c) =>
                c.present ? c.file : `${c.file} (missing)`,
              ),
            }
          : {}),
      },
      findings,
      callables: [...new Set(findings.flatMap((f) => (f.callable ? [f.callable] : [])))].sort(),
      scannedAt: new Date().toISOString(),
      durationMs: Date.now() - t0,
    },
  }
}

/**
 * A Hugging Face cache repository is judged on a snapshot, as the scan judged it: the revision
 * `main` points at, else the first listed (details.revisions, newest first).
 */
function snapshotOf(asset: ModelReport['asset']): string | undefined {
  const revs = asset.details.revisions
  if (!Array.isArray(revs)) return undefined
  const list = revs as readonly Readonly<{ commit?: unknown; refs?: unknown }>[]
  const pick = list.find((r) => Array.isArray(r.refs) && r.refs.includes('main')) ?? list[0]
  if (typeof pick?.commit !== 'string' || !/^[0-9a-f]{7,64}$/i.test(pick.commit)) return undefined
  const snap = join(asset.path, 'snapshots', pick.commit)
  return isDirectory(snap) ? snap : undefined
}
