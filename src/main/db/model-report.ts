import type { Db } from '../../core'
import { findRule, scanModelFile } from '../../core'
import type { ModelReport, ModelReportFinding } from '../../shared/ipc'
import { invalid, notFound } from '../errors'
import { getAsset } from './queries'

const CHAT_TEMPLATE_RULE = /chat-template/

/**
 * Everything the static scanners know about one model file: a fresh scan of the file (never
 * loaded or run; every read bounded), with the rule's why and fix for each finding. Runs in a
 * job worker: a large pickle takes seconds and must not hold up the inventory queries.
 */
export async function modelReport(db: Db, assetId: string, now: Date): Promise<ModelReport> {
  const detail = getAsset(db, assetId, now)
  const asset = detail.asset
  if (asset.kind !== 'model' && asset.kind !== 'dataset')
    throw invalid(`${asset.name} is not a model file`)
  if (!asset.path.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(asset.path))
    throw notFound(`${asset.name} has no file on disk to scan`)
  const t0 = Date.now()
  const r = await scanModelFile(asset.path)
  if (r.error)
    return {
      asset,
      scan: {
        ok: false,
        message: `The file cannot be read (${r.error}). It may have moved since the last scan.`,
      },
    }
  const findings: ModelReportFinding[] = r.findings.map((f) => {
    const rule = findRule(f.ruleId)
    return {
      ruleId: f.ruleId,
      severity: f.severity,
      title: rule?.title ?? f.ruleId,
      message: f.message,
      ...(f.member !== undefined ? { member: f.member } : {}),
      ...(f.offset !== undefined ? { offset: f.offset } : {}),
      ...(f.callable !== undefined ? { callable: f.callable } : {}),
      why: rule?.why ?? '',
      fix: rule?.fix ?? '',
    }
  })
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
