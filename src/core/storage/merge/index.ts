import { sep } from 'node:path'
import type { ScanDelta } from '../../types'
import type { Db } from '../db'
import type { StageWriter } from '../stage'
import { applyDerivedFindings, computeKeyReuse } from './derived'
import type { DerivedFindings } from './derived'
import { mergeFull } from './fast'
import type { Coverage } from './general'
import { mergeGeneral } from './general'
import { createChangeRecorder, maxChangeSeq, readDelta } from './log'
import type { ChangeRecorder } from './log'

/**
 * What a commit covers: a full scan covers every unit; a scoped one the units it ran plus every
 * unit of a crawled file at or under its paths (a deleted file's units have nothing left to
 * emit). Units whose stored rows come from a scan that began after this one are never
 * replaced: for each unit, the inventory holds the result of the latest-begun scan that ran it.
 */
export type CommitScope = Readonly<
  { full: true } | { full: false; paths: readonly string[]; units: readonly string[] }
>

/** Unit key prefixes of the analyses of one crawled file. */
export const FILE_UNIT_PREFIXES = ['file:', 'secrets:'] as const

/** The range of keys at or under `path` for one prefix: [equal, lower bound, upper bound). */
function unitRange(prefix: string, path: string): [string, string, string] {
  const base = path.endsWith(sep) ? path.slice(0, -1) : path
  const next = String.fromCharCode(sep.charCodeAt(0) + 1)
  return [prefix + base, prefix + base + sep, prefix + base + next]
}

/** The path of a crawled file's unit, or undefined for other units. */
export function unitPath(origin: string): string | undefined {
  for (const p of FILE_UNIT_PREFIXES) if (origin.startsWith(p)) return origin.slice(p.length)
  return undefined
}

function isAtOrUnder(path: string, root: string): boolean {
  const base = root.endsWith(sep) ? root.slice(0, -1) : root
  return path === base || path.startsWith(base + sep)
}

/** Runs inside a commit's transaction after the merge; records its changes through `log`. */
export type CommitDerive = (db: Db, scanId: string, log: ChangeRecorder) => void

export type CommitResult = Readonly<{ delta: ScanDelta; superseded: boolean }>

/**
 * Applies a staged scan to the inventory in one transaction, with its change-log rows, and
 * records where each covered unit claimed or read paths. Returns what changed.
 */
export function commitScan(
  db: Db,
  args: Readonly<{
    scanId: string
    seq: number
    stage: StageWriter
    scope: CommitScope
    /** Findings derived from the merged inventory by a higher layer (src/core/policy). */
    derive?: CommitDerive
    /** Writes the scan row's final state inside the commit; full scans get the inventory's counts. */
    finish(counts?: Readonly<{ assets: number; findings: number }>): void
  }>,
): CommitResult {
  const { scanId, seq, stage, scope } = args
  let superseded = false
  let before = 0
  db.transaction(() => {
    // Read under the write lock: this commit's rows are exactly those numbered after it.
    before = maxChangeSeq(db)
    db.prepare(
      `INSERT INTO skipped (scan_id, path, reason, code, message)
       SELECT ?, path, reason, code, message FROM stage.staged_skipped ORDER BY rowid`,
    ).run(scanId)
    const log = createChangeRecorder(db, scanId)
    const newerFull = (
      db
        .prepare(
          `SELECT max(seq) AS m FROM scans WHERE status = 'complete' AND seq > ? AND json_extract(scope, '$.kind') = 'full'`,
        )
        .get(seq) as { m: number | null }
    ).m
    if (newerFull !== null) {
      // A full scan that began later has already replaced everything this one saw.
      superseded = true
      args.finish()
      return
    }
    const newer = db.prepare(`SELECT origin FROM origin_runs WHERE scan_seq > ?`).all(seq) as {
      origin: string
    }[]
    const skipUnits = new Set<string>()
    const skipTrees: string[] = []
    for (const r of newer) {
      if (r.origin.startsWith('tree:')) skipTrees.push(r.origin.slice(5))
      else skipUnits.add(r.origin)
    }
    const skipped = (o: string): boolean => {
      if (skipUnits.has(o)) return true
      if (skipTrees.length === 0) return false
      const p = unitPath(o)
      return p !== undefined && skipTrees.some((t) => isAtOrUnder(p, t))
    }

    let covered: Set<string> | undefined
    if (!scope.full) {
      covered = new Set<string>()
      for (const o of stage.ranks.keys()) covered.add(o)
      for (const o of scope.units) covered.add(o)
      for (const p of scope.paths) for (const o of unitsUnder(db, p)) covered.add(o)
      for (const o of covered) if (skipped(o)) covered.delete(o)
      const ins = db.prepare(`INSERT OR IGNORE INTO stage.covered (origin, rank) VALUES (?, 0)`)
      for (const o of covered) ins.run(o)
    }
    const cov: Coverage = scope.full
      ? { full: true, covers: (o) => !skipped(o) && !o.startsWith('derived:') }
      : { full: false, covers: (o) => covered!.has(o) }

    let derived: DerivedFindings | undefined
    const computeDerived = (): DerivedFindings => (derived ??= computeKeyReuse(db))
    if (scope.full && skipUnits.size === 0 && skipTrees.length === 0) {
      mergeFull(db, scanId, stage, computeDerived)
    } else mergeGeneral(db, scanId, stage, log, cov, computeDerived)
    applyDerivedFindings(db, scanId, log, computeDerived())
    // What layers above storage derive from the merged inventory (fleet policies), in this
    // same transaction and change log.
    args.derive?.(db, scanId, log)

    // Where the covered units claimed and read paths now.
    if (scope.full && skipUnits.size === 0 && skipTrees.length === 0) {
      db.prepare(`DELETE FROM origin_paths`).run()
    } else {
      const drop = db.prepare(`DELETE FROM origin_paths WHERE origin = ?`)
      const units = scope.full
        ? (db.prepare(`SELECT DISTINCT origin FROM origin_paths`).all() as { origin: string }[])
            .map((r) => r.origin)
            .filter((o) => cov.covers(o))
        : [...covered!]
      for (const o of units) drop.run(o)
    }
    const paths = db.prepare(`SELECT origin, path, how FROM stage.staged_paths`).all() as {
      origin: string
      path: string
      how: string
    }[]
    const insPath = db.prepare(
      `INSERT OR IGNORE INTO origin_paths (origin, path, how) VALUES (?, ?, ?)`,
    )
    for (const p of paths) if (cov.covers(p.origin)) insPath.run(p.origin, p.path, p.how)

    // Which scan each unit's rows come from, where that is newer than the last full scan.
    if (scope.full) db.prepare(`DELETE FROM origin_runs WHERE scan_seq <= ?`).run(seq)
    else {
      const stamp = db.prepare(
        `INSERT INTO origin_runs (origin, scan_seq) VALUES (?, ?)
         ON CONFLICT (origin) DO UPDATE SET scan_seq = max(scan_seq, excluded.scan_seq)`,
      )
      for (const o of covered!) stamp.run(o, seq)
      for (const p of scope.paths) stamp.run(`tree:${p}`, seq)
    }
    args.finish(
      scope.full
        ? (db
            .prepare(
              `SELECT (SELECT count(*) FROM assets WHERE status = 'present') AS assets,
                      (SELECT count(*) FROM findings WHERE status = 'open') AS findings`,
            )
            .get() as { assets: number; findings: number })
        : undefined,
    )
  }).immediate()
  return { delta: readDelta(db, before), superseded }
}

/** Every stored unit of a crawled file at or under `path`. */
function unitsUnder(db: Db, path: string): string[] {
  const out = new Set<string>()
  const tables = [
    ['assets', 'origin'],
    ['asset_parts', 'origin'],
    ['findings', 'origin'],
    ['finding_origins', 'origin'],
    ['origin_paths', 'origin'],
  ] as const
  for (const prefix of FILE_UNIT_PREFIXES) {
    const [eq, lo, hi] = unitRange(prefix, path)
    for (const [t, c] of tables) {
      const rows = db
        .prepare(`SELECT DISTINCT ${c} AS o FROM ${t} WHERE ${c} = ? OR (${c} >= ? AND ${c} < ?)`)
        .all(eq, lo, hi) as { o: string }[]
      for (const r of rows) out.add(r.o)
    }
  }
  return [...out]
}
