import { assetIdFor, findingIdFor } from './util/ids'
import { hostInfo } from './engine/host'
import type { InventoryReader } from './inventory'
import { arrayInventory } from './inventory'
import { findRule } from './rules'
import type { RepositoryReport } from './scanners/repo/analyze-repo'
import type { ModelFileReport } from './scanners/types'
import type { Asset, Finding } from './types'

// Kept apart from model-scan.ts: ids need node:crypto, which a plain table or JSON run never loads.

/**
 * Model reports (and repository reports) as an inventory, so the shared report writers (SARIF)
 * can emit them. A repository's findings keep the file and line they were found at.
 */
export function modelReportsInventory(
  reports: readonly ModelFileReport[],
  repositories: readonly RepositoryReport[] = [],
): InventoryReader {
  const assets: Asset[] = []
  const findings: Finding[] = []
  for (const r of repositories) {
    const id = assetIdFor('model', r.root)
    assets.push({
      id,
      kind: 'model',
      path: r.root,
      format: 'model-repository',
      verdict: r.verdict,
      details: { trustRemoteCode: r.needsTrustRemoteCode },
      links: [],
    })
    for (const f of r.findings) {
      findings.push({
        id: findingIdFor([f.ruleId, f.path, f.line, f.callable, f.message]),
        ruleId: f.ruleId,
        severity: f.severity,
        title: findRule(f.ruleId)?.title ?? f.ruleId,
        message: f.message,
        path: f.path,
        line: f.line,
        assetId: id,
        callable: f.callable,
      })
    }
  }
  for (const r of reports) {
    const id = assetIdFor('model', r.path)
    assets.push({
      id,
      kind: 'model',
      path: r.path,
      format: r.format,
      sha256: r.sha256,
      verdict: r.verdict,
      details: {},
      links: [],
    })
    for (const f of r.findings) {
      findings.push({
        id: findingIdFor([f.ruleId, r.path, f.member, f.offset, f.callable, f.message]),
        ruleId: f.ruleId,
        severity: f.severity,
        title: findRule(f.ruleId)?.title ?? f.ruleId,
        message: f.message,
        path: r.path,
        assetId: id,
        member: f.member,
        offset: f.offset,
        callable: f.callable,
        line: f.line,
      })
    }
  }
  const now = new Date().toISOString()
  return arrayInventory({
    host: hostInfo(),
    scan: {
      id: 'scan-model',
      startedAt: now,
      finishedAt: now,
      status: 'complete',
      roots: [],
      stats: {
        filesSeen: reports.length,
        dirsSeen: 0,
        candidates: reports.length,
        bytesHashed: 0,
        filesHashed: 0,
        hashCacheHits: 0,
        modelsScanned: reports.length,
        assets: assets.length,
        findings: findings.length,
        skipped: 0,
        durationMs: 0,
      },
    },
    assets,
    findings,
    skipped: [],
  })
}
