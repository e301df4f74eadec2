import type { Db } from '../storage/db'

/**
 * The inventory's summary counts: assets by status and kind, findings by status and severity,
 * and the bytes of present model files (each SHA-256 once). The query layer keeps them with its
 * derived state (derived.ts), moved by the rows each refresh rewrites, so the overview and plain
 * counts read a few numbers instead of counting whole indexes.
 */
export type Summary = {
  /** `status \0 kind` → rows. */
  assets: Map<string, number>
  /** `status \0 severity` → rows. */
  findings: Map<string, number>
  modelBytes: number
}

/** How a summary is kept in the settings table: [status, bucket, rows] triples. */
export type StoredSummary = Readonly<{
  assets: readonly (readonly [string, string, number])[]
  findings: readonly (readonly [string, string, number])[]
  modelBytes: number
}>

const SEP = '\u0000'

export function emptySummary(): Summary {
  return { assets: new Map(), findings: new Map(), modelBytes: 0 }
}

/** Adds `by` rows to a status and bucket (a kind or a severity). */
export function bump(
  counts: Map<string, number>,
  status: string,
  bucket: string,
  by: number,
): void {
  const key = status + SEP + bucket
  const n = (counts.get(key) ?? 0) + by
  if (n === 0) counts.delete(key)
  else counts.set(key, n)
}

/** Rows per status and bucket, status and bucket in ascending order. */
export function entries(counts: ReadonlyMap<string, number>): [string, string, number][] {
  return [...counts]
    .map(([k, n]): [string, string, number] => {
      const i = k.indexOf(SEP)
      return [k.slice(0, i), k.slice(i + 1), n]
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
}

/** Total rows of a summary table (every status). */
export function totalRows(counts: ReadonlyMap<string, number>): number {
  let n = 0
  for (const v of counts.values()) n += v
  return n
}

export function storeSummary(s: Summary): StoredSummary {
  return { assets: entries(s.assets), findings: entries(s.findings), modelBytes: s.modelBytes }
}

export function loadSummary(s: StoredSummary): Summary {
  const load = (xs: StoredSummary['assets']): Map<string, number> =>
    new Map(xs.map(([status, bucket, n]) => [status + SEP + bucket, n]))
  return { assets: load(s.assets), findings: load(s.findings), modelBytes: s.modelBytes }
}

function grouped(db: Db, sql: string): Map<string, number> {
  const m = new Map<string, number>()
  for (const r of db.prepare(sql).all() as { status: string; bucket: string; n: number }[])
    m.set(r.status + SEP + r.bucket, r.n)
  return m
}

/** Asset counts from the derived state (after a rebuild or a comparison). */
export function assetCountsFromState(db: Db): Map<string, number> {
  return grouped(
    db,
    `SELECT status, kind AS bucket, count(*) AS n FROM query_asset_state GROUP BY status, kind`,
  )
}

export function findingCountsFromState(db: Db): Map<string, number> {
  return grouped(
    db,
    `SELECT status, severity AS bucket, count(*) AS n FROM query_finding_state GROUP BY status, severity`,
  )
}

/**
 * Bytes of present model files from the derived state: copies of the same weights (same
 * SHA-256) count once, at their largest recorded size; a model without a digest counts alone.
 * Reads the query_model_weights partial index only.
 */
export function modelBytesFromState(db: Db): number {
  return (
    db
      .prepare(
        `SELECT coalesce((SELECT sum(m) FROM (SELECT max(size) AS m FROM query_asset_state
                  WHERE kind = 'model' AND status = 'present' AND sha256 IS NOT NULL GROUP BY sha256)), 0)
              + coalesce((SELECT sum(size) FROM query_asset_state
                  WHERE kind = 'model' AND status = 'present' AND sha256 IS NULL), 0) AS bytes`,
      )
      .get() as { bytes: number }
  ).bytes
}

/**
 * The summary counted from the inventory itself: what a read-only connection answers when the
 * derived state is behind the inventory (it cannot bring the state up to date).
 */
export function summaryFromInventory(db: Db): Summary {
  return {
    assets: grouped(
      db,
      `SELECT status, kind AS bucket, count(*) AS n FROM assets GROUP BY status, kind`,
    ),
    findings: grouped(
      db,
      `SELECT status, severity AS bucket, count(*) AS n FROM findings GROUP BY status, severity`,
    ),
    modelBytes:
      (
        db
          .prepare(
            `SELECT sum(size) AS bytes FROM (SELECT max(size_bytes) AS size FROM assets
             WHERE kind = 'model' AND status = 'present' GROUP BY coalesce(sha256, id))`,
          )
          .get() as { bytes: number | null }
      ).bytes ?? 0,
  }
}

/** Rows whose status is one of `statuses` and bucket one of `buckets` (all buckets when absent). */
export function countOf(
  counts: ReadonlyMap<string, number>,
  statuses: readonly unknown[],
  buckets?: (bucket: string) => boolean,
): number {
  const want = new Set(statuses)
  let n = 0
  for (const [status, bucket, rows] of entries(counts)) {
    if (want.has(status) && (buckets === undefined || buckets(bucket))) n += rows
  }
  return n
}
