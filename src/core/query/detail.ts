import { findRule } from '../rules'
import type { Db } from '../storage/db'
import type {
  AssetDetail,
  AssetRef,
  FindingDetail,
  LinkedAsset,
  QueryOptions,
  RuleInfo,
} from '../../shared/query'
import { withAcceptance, withOpenCounts } from './acceptance'
import { refreshDerived } from './derived'
import { FINDING_RANK } from './findings'
import type { AssetDbRow, FindingDbRow } from './rows'
import {
  ASSET_COLUMNS,
  FINDING_COLUMNS,
  FINDINGS_FROM,
  REF_COLUMNS,
  toAssetRef,
  toAssetRow,
  toFindingRow,
  withAssetTimes,
  withFindingTimes,
} from './rows'

/** Findings and incoming links listed in a detail, at most. */
const DETAIL_MAX = 500

/**
 * An asset with its findings (open ones first, most severe first) and the assets it links to
 * and that link to it. Undefined when the id is not in the inventory.
 */
export function assetDetail(db: Db, id: string, opts?: QueryOptions): AssetDetail | undefined {
  refreshDerived(db)
  const row = db
    .prepare(`SELECT ${ASSET_COLUMNS}, rowid AS rid FROM assets WHERE id = ?`)
    .get(id) as (AssetDbRow & { rid: number }) | undefined
  if (!row) return undefined
  const asset = withAssetTimes(db, withOpenCounts(db, [toAssetRow(row)], opts))[0]!
  const listed = (
    db
      .prepare(
        `SELECT ${FINDING_COLUMNS} FROM ${FINDINGS_FROM} WHERE findings.asset_id = ?
         ORDER BY findings.status = 'open' DESC, ${FINDING_RANK} DESC, findings.first_seen_scan DESC, findings.id
         LIMIT ?`,
      )
      .all(id, DETAIL_MAX) as FindingDbRow[]
  ).map(toFindingRow)
  const findings = withAcceptance(db, withFindingTimes(db, listed), opts)
  const findingsTotal =
    findings.length < DETAIL_MAX
      ? findings.length
      : (
          db.prepare(`SELECT count(*) AS n FROM findings WHERE asset_id = ?`).get(id) as {
            n: number
          }
        ).n
  const ref = db.prepare(`SELECT ${REF_COLUMNS} FROM assets WHERE id = ?`)
  const refOf = (to: string): AssetRef | undefined => {
    const r = ref.get(to) as Parameters<typeof toAssetRef>[0] | undefined
    return r ? toAssetRef(r) : undefined
  }
  const links: LinkedAsset[] = []
  // A link named twice in the asset's own list is shown once.
  const seen = new Set<string>()
  for (const l of asset.links) {
    if (seen.has(`${l.relation}\0${l.to}`)) continue
    seen.add(`${l.relation}\0${l.to}`)
    const other = refOf(l.to)
    links.push({
      direction: 'out',
      relation: l.relation,
      id: l.to,
      ...(other ? { asset: other } : {}),
    })
  }
  const incoming = db
    .prepare(
      `SELECT a.id, a.kind, a.name, a.path, a.status, l.relation FROM asset_links l
       JOIN assets a ON a.rowid = l.from_rowid
       WHERE l.to_id = ? ORDER BY a.kind, a.path, a.id LIMIT ?`,
    )
    .all(id, DETAIL_MAX + 1) as (Parameters<typeof toAssetRef>[0] & { relation: string })[]
  const linksTruncated = incoming.length > DETAIL_MAX
  for (const r of incoming.slice(0, DETAIL_MAX)) {
    links.push({ direction: 'in', relation: r.relation, id: r.id, asset: toAssetRef(r) })
  }
  return { asset, findings, findingsTotal, links, linksTruncated }
}

/** A finding with its rule (why it matters, how to fix it) and its asset. */
export function findingDetail(db: Db, id: string, opts?: QueryOptions): FindingDetail | undefined {
  const row = db
    .prepare(`SELECT ${FINDING_COLUMNS} FROM ${FINDINGS_FROM} WHERE findings.id = ?`)
    .get(id) as FindingDbRow | undefined
  if (!row) return undefined
  const finding = withAcceptance(db, withFindingTimes(db, [toFindingRow(row)]), opts)[0]!
  const r = findRule(finding.ruleId)
  const rule: RuleInfo | undefined = r
    ? {
        id: r.id,
        severity: r.severity,
        title: r.title,
        why: r.why,
        fix: r.fix,
        ...(r.cwe ? { cwe: r.cwe } : {}),
        ...(r.advisories ? { advisories: r.advisories } : {}),
      }
    : undefined
  const assetRow =
    finding.assetId === undefined
      ? undefined
      : (db.prepare(`SELECT ${ASSET_COLUMNS} FROM assets WHERE id = ?`).get(finding.assetId) as
          AssetDbRow | undefined)
  return {
    finding,
    ...(rule ? { rule } : {}),
    ...(assetRow
      ? { asset: withAssetTimes(db, withOpenCounts(db, [toAssetRow(assetRow)], opts))[0]! }
      : {}),
  }
}
