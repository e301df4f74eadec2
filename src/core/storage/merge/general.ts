import type { AssetLink } from '../../types'
import type { AssetPart } from '../compose'
import { byRank, composeParts } from '../compose'
import type { Db } from '../db'
import type { StageWriter } from '../stage'
import type { DerivedFindings } from './derived'
import { KEY_REUSED_ORIGIN, SAME_WEIGHTS, withSameWeights } from './derived'
import type { ChangeRecorder } from './log'

/** Which units this commit replaces. */
export type Coverage = Readonly<{
  /** A full scan: every unit not listed as newer. */
  full: boolean
  covers(origin: string): boolean
}>

type AssetRow = AssetPart & { id: string; status: 'present' | 'gone'; origin_rank: number }
type Next =
  { gone: true } | { gone: false; row: AssetPart; parts: readonly AssetPart[]; touched: boolean }

const CONTENT = [
  'kind',
  'path',
  'name',
  'version',
  'format',
  'sha256',
  'size_bytes',
  'source',
  'verdict',
  'details',
  'links',
] as const

const isWeights = (kind: string): boolean => kind === 'model' || kind === 'dataset'

/**
 * A scoped scan, or a full scan overlapped by newer scoped ones: per asset and finding, the
 * contributions of the units this commit covers are replaced by what they emitted now, the
 * others' are kept, and the row is composed again from what remains (nothing left: gone or
 * resolved). Work is proportional to the units covered, not to the inventory.
 */
export function mergeGeneral(
  db: Db,
  scanId: string,
  stage: StageWriter,
  log: ChangeRecorder,
  cov: Coverage,
  derived: () => DerivedFindings,
): void {
  const now = new Date().toISOString()
  // What this scan's covered units emitted, per asset, as parts.
  const staged = new Map<string, AssetPart[]>()
  const stagedParts = db.prepare(`SELECT * FROM stage.staged_parts WHERE asset_id = ?`)
  for (const r of db
    .prepare(`SELECT * FROM stage.staged_assets ORDER BY rowid`)
    .iterate() as IterableIterator<AssetPart & { id: string; multi: number }>) {
    const parts = r.multi ? (stagedParts.all(r.id) as AssetPart[]) : [r]
    const mine = parts.filter((p) => cov.covers(p.origin))
    if (mine.length) staged.set(r.id, mine)
  }

  const candidates = new Set<string>(staged.keys())
  const candidateSql = cov.full
    ? `SELECT id FROM assets WHERE status = 'present'`
    : `SELECT id FROM assets WHERE status = 'present' AND origin IN (SELECT origin FROM stage.covered)
       UNION SELECT asset_id FROM asset_parts WHERE origin IN (SELECT origin FROM stage.covered)`
  for (const r of db.prepare(candidateSql).iterate() as IterableIterator<{ id: string }>)
    candidates.add(r.id)

  const liveRow = db.prepare(`SELECT * FROM assets WHERE id = ?`)
  const liveParts = db.prepare(`SELECT * FROM asset_parts WHERE asset_id = ?`)
  const live = new Map<string, AssetRow>()
  const next = new Map<string, Next>()
  for (const id of candidates) {
    const row = liveRow.get(id) as AssetRow | undefined
    if (row) live.set(id, row)
    let held: AssetPart[] = []
    if (row && row.status === 'present') {
      held = liveParts.all(id) as AssetPart[]
      if (held.length === 0) held = [{ ...row, rank: row.origin_rank }]
    }
    const all = [...held.filter((p) => !cov.covers(p.origin)), ...(staged.get(id) ?? [])]
    if (all.length === 0) next.set(id, { gone: true })
    else {
      const parts = all.sort(byRank)
      next.set(id, {
        gone: false,
        row: composeParts(parts),
        parts: parts.length > 1 ? parts : [],
        touched: staged.has(id),
      })
    }
  }

  linkCopies(db, live, next)

  // Diff against the live rows, log, write.
  const upsert = db.prepare(
    `INSERT INTO assets (id, kind, path, name, version, format, sha256, size_bytes, source, verdict, details, links, status, first_seen_scan, last_seen_scan, origin, origin_rank)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'present', ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, path = excluded.path, name = excluded.name,
       version = excluded.version, format = excluded.format, sha256 = excluded.sha256,
       size_bytes = excluded.size_bytes, source = excluded.source, verdict = excluded.verdict,
       details = excluded.details, links = excluded.links, status = 'present', gone_since = NULL,
       last_seen_scan = CASE WHEN ? THEN excluded.last_seen_scan ELSE last_seen_scan END,
       origin = excluded.origin, origin_rank = excluded.origin_rank`,
  )
  const setGone = db.prepare(`UPDATE assets SET status = 'gone', gone_since = ? WHERE id = ?`)
  const dropParts = db.prepare(`DELETE FROM asset_parts WHERE asset_id = ?`)
  const insPart = db.prepare(
    `INSERT INTO asset_parts (asset_id, origin, rank, kind, path, name, version, format, sha256, size_bytes, source, verdict, details, links)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  for (const [id, n] of next) {
    const was = live.get(id)
    const present = was?.status === 'present'
    if (n.gone) {
      if (present) {
        log.asset(id, 'gone')
        setGone.run(now, id)
      }
      dropParts.run(id)
      continue
    }
    const r = n.row
    if (!present) log.asset(id, 'added')
    else if (CONTENT.some((k) => was[k] !== r[k])) log.asset(id, 'changed')
    upsert.run(
      id,
      r.kind,
      r.path,
      r.name,
      r.version,
      r.format,
      r.sha256,
      r.size_bytes,
      r.source,
      r.verdict,
      r.details,
      r.links,
      scanId,
      scanId,
      r.origin,
      r.rank,
      n.touched || !present ? 1 : 0,
    )
    dropParts.run(id)
    for (const p of n.parts)
      insPart.run(
        id,
        p.origin,
        p.rank,
        p.kind,
        p.path,
        p.name,
        p.version,
        p.format,
        p.sha256,
        p.size_bytes,
        p.source,
        p.verdict,
        p.details,
        p.links,
      )
  }

  mergeFindingsGeneral(db, scanId, log, cov, derived)
}

/**
 * Re-derives `same-weights` links for every digest a candidate had or has now: members are the
 * present models and datasets after this commit (candidates as `next` says, the rest as stored).
 * Assets outside the candidates whose links change join `next` with only their links changed.
 */
function linkCopies(db: Db, live: ReadonlyMap<string, AssetRow>, next: Map<string, Next>): void {
  const shas = new Set<string>()
  for (const [id, n] of next) {
    const was = live.get(id)
    if (was?.status === 'present' && was.sha256 && isWeights(was.kind)) shas.add(was.sha256)
    if (!n.gone && n.row.sha256 && isWeights(n.row.kind)) shas.add(n.row.sha256)
  }
  const bySha = db.prepare(
    `SELECT * FROM assets WHERE sha256 = ? AND status = 'present' AND kind IN ('model', 'dataset')`,
  )
  for (const sha of shas) {
    const members = new Map<string, AssetPart>()
    for (const r of bySha.all(sha) as AssetRow[]) {
      if (!next.has(r.id)) members.set(r.id, { ...r, rank: r.origin_rank })
    }
    for (const [id, n] of next) {
      if (!n.gone && n.row.sha256 === sha && isWeights(n.row.kind)) members.set(id, n.row)
    }
    const ids = [...members.keys()].sort()
    for (const id of ids) {
      const row = members.get(id)!
      const before = JSON.parse(row.links) as AssetLink[]
      const after = withSameWeights(before, id, ids.length > 1 ? ids : [])
      const text = JSON.stringify(after)
      if (next.has(id)) (next.get(id) as { row: AssetPart }).row.links = text
      else if (text !== row.links) {
        const stored =
          live.get(id) ?? (db.prepare(`SELECT * FROM assets WHERE id = ?`).get(id) as AssetRow)
        ;(live as Map<string, AssetRow>).set(id, stored)
        const parts = db
          .prepare(`SELECT * FROM asset_parts WHERE asset_id = ?`)
          .all(id) as AssetPart[]
        next.set(id, {
          gone: false,
          row: { ...row, links: text },
          parts: parts.sort(byRank),
          touched: false,
        })
      }
    }
  }
  // A copy whose digest changed away keeps no stale same-weights links.
  for (const n of next.values()) {
    if (n.gone) continue
    const links = JSON.parse(n.row.links) as AssetLink[]
    if (
      (!n.row.sha256 || !isWeights(n.row.kind)) &&
      links.some((l) => l.relation === SAME_WEIGHTS)
    ) {
      n.row.links = JSON.stringify(links.filter((l) => l.relation !== SAME_WEIGHTS))
    }
  }
}

type FindingRow = {
  id: string
  rule_id: string
  severity: string
  title: string
  message: string
  path: string
  line: number | null
  asset_id: string | null
  member: string | null
  offset: number | null
  callable: string | null
  origin: string
  status?: 'open' | 'resolved'
}

function mergeFindingsGeneral(
  db: Db,
  scanId: string,
  log: ChangeRecorder,
  cov: Coverage,
  derived: () => DerivedFindings,
): void {
  const keep = derived()
  const extrasOf = db.prepare(
    `SELECT origin FROM stage.staged_finding_origins WHERE finding_id = ?`,
  )
  const staged = new Map<string, { row: FindingRow; origins: string[] }>()
  for (const r of db
    .prepare(`SELECT * FROM stage.staged_findings ORDER BY rowid`)
    .iterate() as IterableIterator<FindingRow>) {
    const origins = [r.origin, ...(extrasOf.all(r.id) as { origin: string }[]).map((o) => o.origin)]
    const mine = origins.filter((o) => cov.covers(o))
    if (mine.length) staged.set(r.id, { row: r, origins: mine })
  }
  const candidates = new Set<string>(staged.keys())
  const candidateSql = cov.full
    ? `SELECT id FROM findings WHERE status = 'open'`
    : `SELECT id FROM findings WHERE status = 'open' AND origin IN (SELECT origin FROM stage.covered)
       UNION SELECT finding_id FROM finding_origins WHERE origin IN (SELECT origin FROM stage.covered)`
  for (const r of db.prepare(candidateSql).iterate() as IterableIterator<{ id: string }>)
    candidates.add(r.id)

  const liveRow = db.prepare(`SELECT * FROM findings WHERE id = ?`)
  const liveExtras = db.prepare(`SELECT origin FROM finding_origins WHERE finding_id = ?`)
  const upsert = db.prepare(
    `INSERT INTO findings (id, rule_id, severity, title, message, path, line, asset_id, member, offset, callable, status, first_seen_scan, last_seen_scan, origin)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, title = excluded.title,
       message = excluded.message, status = 'open', origin = excluded.origin,
       last_seen_scan = CASE WHEN ? THEN excluded.last_seen_scan ELSE last_seen_scan END`,
  )
  const resolve = db.prepare(`UPDATE findings SET status = 'resolved' WHERE id = ?`)
  const dropExtras = db.prepare(`DELETE FROM finding_origins WHERE finding_id = ?`)
  const insExtra = db.prepare(`INSERT INTO finding_origins (finding_id, origin) VALUES (?, ?)`)
  for (const id of candidates) {
    const was = liveRow.get(id) as FindingRow | undefined
    if (was?.origin === KEY_REUSED_ORIGIN || keep.has(id)) continue
    const open = was?.status === 'open'
    const held = open
      ? [was.origin, ...(liveExtras.all(id) as { origin: string }[]).map((o) => o.origin)]
      : []
    const mine = staged.get(id)
    const origins = [...new Set([...held.filter((o) => !cov.covers(o)), ...(mine?.origins ?? [])])]
    if (origins.length === 0) {
      if (open) {
        log.finding(id, 'resolved')
        resolve.run(id)
      }
      dropExtras.run(id)
      continue
    }
    origins.sort()
    const row = mine?.row ?? was!
    if (!open) log.finding(id, 'opened')
    else if (was.severity !== row.severity || was.title !== row.title) log.finding(id, 'changed')
    upsert.run(
      id,
      row.rule_id,
      row.severity,
      row.title,
      row.message,
      row.path,
      row.line,
      row.asset_id,
      row.member,
      row.offset,
      row.callable,
      scanId,
      scanId,
      origins[0],
      mine ? 1 : 0,
    )
    dropExtras.run(id)
    for (const o of origins.slice(1)) insExtra.run(id, o)
  }
}
