import type { Db } from './db'

/** A user's decision to accept a finding's risk, with the reason they gave. */
export type AcceptedRisk = Readonly<{
  findingId: string
  ruleId: string
  /** Where the finding was when it was accepted (shown if the finding is gone later). */
  path: string
  note: string
  acceptedBy: string
  acceptedAt: string
  /** ISO time after which the finding counts as open again; absent: until reopened. */
  expiresAt?: string
}>

export class AcceptRiskError extends Error {
  constructor(
    readonly code: 'not-found' | 'invalid',
    message: string,
  ) {
    super(message)
  }
}

/** Longest note kept: a paragraph, not a document. */
export const MAX_NOTE_LENGTH = 2000

/**
 * SQL condition true when finding `alias` is covered by an acceptance that has not expired at
 * the bound parameter `@now` (an ISO time). Queries that count open findings use its negation.
 */
export function acceptedSql(alias: string): string {
  return `EXISTS (SELECT 1 FROM accepted_risks ar WHERE ar.finding_id = ${alias}.id AND (ar.expires_at IS NULL OR ar.expires_at > @now))`
}

type Row = {
  finding_id: string
  rule_id: string
  path: string
  note: string
  accepted_by: string
  accepted_at: string
  expires_at: string | null
}

function fromRow(r: Row): AcceptedRisk {
  return {
    findingId: r.finding_id,
    ruleId: r.rule_id,
    path: r.path,
    note: r.note,
    acceptedBy: r.accepted_by,
    acceptedAt: r.accepted_at,
    ...(r.expires_at !== null ? { expiresAt: r.expires_at } : {}),
  }
}

/**
 * Accepts a finding's risk (replacing an earlier acceptance of it). The note is required; an
 * expiry must lie in the future. Keyed by the finding's stable id, so it survives rescans.
 */
export function acceptRisk(
  db: Db,
  req: Readonly<{ findingId: string; note: string; expiresAt?: string; acceptedBy: string }>,
  now = new Date(),
): AcceptedRisk {
  const note = req.note.trim()
  if (!note)
    throw new AcceptRiskError('invalid', 'a note saying why the risk is accepted is required')
  if (note.length > MAX_NOTE_LENGTH)
    throw new AcceptRiskError('invalid', `the note is longer than ${MAX_NOTE_LENGTH} characters`)
  let expiresAt: string | undefined
  if (req.expiresAt !== undefined) {
    const t = Date.parse(req.expiresAt)
    if (Number.isNaN(t)) throw new AcceptRiskError('invalid', 'the expiry is not a valid date')
    if (t <= now.getTime()) throw new AcceptRiskError('invalid', 'the expiry must be in the future')
    expiresAt = new Date(t).toISOString()
  }
  const f = db.prepare(`SELECT id, rule_id, path FROM findings WHERE id = ?`).get(req.findingId) as
    { id: string; rule_id: string; path: string } | undefined
  if (!f) throw new AcceptRiskError('not-found', `no finding with id ${req.findingId}`)
  const row: Row = {
    finding_id: f.id,
    rule_id: f.rule_id,
    path: f.path,
    note,
    accepted_by: req.acceptedBy,
    accepted_at: now.toISOString(),
    expires_at: expiresAt ?? null,
  }
  db.prepare(
    `INSERT INTO accepted_risks (finding_id, rule_id, path, note, accepted_by, accepted_at, expires_at)
     VALUES (@finding_id, @rule_id, @path, @note, @accepted_by, @accepted_at, @expires_at)
     ON CONFLICT (finding_id) DO UPDATE SET note = excluded.note, accepted_by = excluded.accepted_by,
       accepted_at = excluded.accepted_at, expires_at = excluded.expires_at`,
  ).run(row)
  return fromRow(row)
}

/** Reopens an accepted finding; false when it was not accepted. */
export function reopenRisk(db: Db, findingId: string): boolean {
  return db.prepare(`DELETE FROM accepted_risks WHERE finding_id = ?`).run(findingId).changes > 0
}

/** The acceptance of one finding, expired or not (the UI says when it expired). */
export function acceptanceOf(db: Db, findingId: string): AcceptedRisk | undefined {
  const r = db.prepare(`SELECT * FROM accepted_risks WHERE finding_id = ?`).get(findingId) as
    Row | undefined
  return r ? fromRow(r) : undefined
}

/**
 * Acceptances in force at `now`, by finding id. Users accept findings one by one, so this stays
 * small enough to hold while an export streams the findings.
 */
export function activeAcceptances(db: Db, now = new Date()): ReadonlyMap<string, AcceptedRisk> {
  const rows = db
    .prepare(`SELECT * FROM accepted_risks WHERE expires_at IS NULL OR expires_at > ?`)
    .all(now.toISOString()) as Row[]
  return new Map(rows.map((r) => [r.finding_id, fromRow(r)]))
}

export function isExpired(a: AcceptedRisk, now = new Date()): boolean {
  return a.expiresAt !== undefined && Date.parse(a.expiresAt) <= now.getTime()
}
