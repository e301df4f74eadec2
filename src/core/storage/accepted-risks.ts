import { scrubText } from '../secrets/scrub'
import type { Db } from './db'
import { recordFindingEdit } from './merge/log'

/**
 * Who accepted a finding's risk: the user on this device (`local`), or an admin on the central
 * server (`server`, pushed in the sync config). See migration 0085 for how the two combine.
 */
export type AcceptanceSource = 'local' | 'server'

/** A decision to accept a finding's risk, with the reason given. */
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
  source: AcceptanceSource
}>

export class AcceptRiskError extends Error {
  constructor(
    /** `managed`: the security team accepted it on the server; only they can reopen it. */
    readonly code: 'not-found' | 'invalid' | 'managed',
    message: string,
  ) {
    super(message)
  }
}

/** Longest note kept: a paragraph, not a document. */
export const MAX_NOTE_LENGTH = 2000

/**
 * SQL condition true when finding `alias` is covered by an acceptance (the user's or the
 * server's) that has not expired at the bound parameter `@now` (an ISO time). Queries that
 * count open findings use its negation.
 */
export function acceptedSql(alias: string): string {
  // The two tables, not the accepted_risks view: the same answer (either holding accepts), and an
  // uncorrelated IN is built once per statement instead of probed per finding (see the query
  // benchmark's accepted-risk rows).
  return `${alias}.id IN (SELECT finding_id FROM local_accepted_risks WHERE expires_at IS NULL OR expires_at > @now UNION ALL SELECT finding_id FROM server_accepted_risks WHERE expires_at IS NULL OR expires_at > @now)`
}

type Row = {
  finding_id: string
  rule_id: string
  path: string
  note: string
  accepted_by: string
  accepted_at: string
  expires_at: string | null
  source?: AcceptanceSource
}

function fromRow(r: Row, source: AcceptanceSource = r.source ?? 'local'): AcceptedRisk {
  return {
    findingId: r.finding_id,
    ruleId: r.rule_id,
    path: r.path,
    note: r.note,
    acceptedBy: r.accepted_by,
    acceptedAt: r.accepted_at,
    ...(r.expires_at !== null ? { expiresAt: r.expires_at } : {}),
    source,
  }
}

/** The ISO form of a time, or undefined when it is not one. */
function isoOf(s: string): string | undefined {
  const t = Date.parse(s)
  return Number.isNaN(t) ? undefined : new Date(t).toISOString()
}

/**
 * Accepts a finding's risk on this device (replacing the user's earlier acceptance of it). The
 * note is required; an expiry must lie in the future. Keyed by the finding's stable id, so it
 * survives rescans. The change log records the edit, so the next sync sends this one finding
 * again, now carrying the acceptance.
 */
export function acceptRisk(
  db: Db,
  req: Readonly<{ findingId: string; note: string; expiresAt?: string; acceptedBy: string }>,
  now = new Date(),
): AcceptedRisk {
  // A key pasted into the note would be stored here and sent to the server: keep its preview only.
  const note = scrubText(req.note.trim())
  if (!note)
    throw new AcceptRiskError('invalid', 'a note saying why the risk is accepted is required')
  if (note.length > MAX_NOTE_LENGTH)
    throw new AcceptRiskError('invalid', `the note is longer than ${MAX_NOTE_LENGTH} characters`)
  let expiresAt: string | undefined
  if (req.expiresAt !== undefined) {
    expiresAt = isoOf(req.expiresAt)
    if (expiresAt === undefined)
      throw new AcceptRiskError('invalid', 'the expiry is not a valid date')
    if (Date.parse(expiresAt) <= now.getTime())
      throw new AcceptRiskError('invalid', 'the expiry must be in the future')
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
  db.transaction(() => {
    db.prepare(
      `INSERT INTO local_accepted_risks (finding_id, rule_id, path, note, accepted_by, accepted_at, expires_at)
       VALUES (@finding_id, @rule_id, @path, @note, @accepted_by, @accepted_at, @expires_at)
       ON CONFLICT (finding_id) DO UPDATE SET note = excluded.note, accepted_by = excluded.accepted_by,
         accepted_at = excluded.accepted_at, expires_at = excluded.expires_at`,
    ).run(row)
    recordFindingEdit(db, f.id)
  })()
  return fromRow(row, 'local')
}

/**
 * Reopens the user's acceptance of a finding; false when the user had not accepted it. One the
 * security team set on the server cannot be reopened here (the next config would bring it back
 * anyway): that throws `managed`, naming who to ask. When both accepted it, the user's own is
 * removed and the server's still applies.
 */
export function reopenRisk(db: Db, findingId: string, now = new Date()): boolean {
  return db.transaction(() => {
    const removed =
      db.prepare(`DELETE FROM local_accepted_risks WHERE finding_id = ?`).run(findingId).changes > 0
    if (removed) {
      recordFindingEdit(db, findingId)
      return true
    }
    const server = serverAcceptanceOf(db, findingId)
    if (server && !isExpired(server, now)) {
      throw new AcceptRiskError(
        'managed',
        `accepted by your security team (${server.acceptedBy}) on the AI Scout server: ask them to reopen it`,
      )
    }
    return false
  })()
}

/**
 * The acceptance of one finding that counts (the longer-lasting of the user's and the
 * server's), expired or not (the UI says when it expired).
 */
export function acceptanceOf(db: Db, findingId: string): AcceptedRisk | undefined {
  const r = db.prepare(`SELECT * FROM accepted_risks WHERE finding_id = ?`).get(findingId) as
    Row | undefined
  return r ? fromRow(r) : undefined
}

/** The server's acceptance of one finding, expired or not. */
export function serverAcceptanceOf(db: Db, findingId: string): AcceptedRisk | undefined {
  const r = db
    .prepare(`SELECT * FROM server_accepted_risks WHERE finding_id = ?`)
    .get(findingId) as Row | undefined
  return r ? fromRow(r, 'server') : undefined
}

/**
 * Acceptances in force at `now`, by finding id (the user's or the server's). Acceptances are made
 * one finding at a time, so this stays small enough to hold while an export streams the findings.
 */
export function activeAcceptances(db: Db, now = new Date()): ReadonlyMap<string, AcceptedRisk> {
  const rows = db
    .prepare(`SELECT * FROM accepted_risks WHERE expires_at IS NULL OR expires_at > ?`)
    .all(now.toISOString()) as Row[]
  return new Map(rows.map((r) => [r.finding_id, fromRow(r)]))
}

/**
 * The user's own acceptances, expired or not, by finding id: what the sync client reports back
 * to the server with each finding (the server judges expiry itself, so an item does not change
 * by itself when time passes).
 */
export function localAcceptances(db: Db): ReadonlyMap<string, AcceptedRisk> {
  const rows = db.prepare(`SELECT * FROM local_accepted_risks`).all() as Row[]
  return new Map(rows.map((r) => [r.finding_id, fromRow(r, 'local')]))
}

export function isExpired(a: Pick<AcceptedRisk, 'expiresAt'>, now = new Date()): boolean {
  return a.expiresAt !== undefined && Date.parse(a.expiresAt) <= now.getTime()
}

/** An acceptance as the server's config carries it (src/shared/sync-api.ts `AcceptedRisk`). */
export type ServerAcceptance = Readonly<{
  findingKey: string
  note: string
  acceptedBy: string
  acceptedAt: string
  expiresAt?: string
}>

export type ServerAcceptanceResult = Readonly<{
  /** Acceptances now held from the server. */
  held: number
  /** Entries left out because a field was not usable (an empty key, a date that is not one). */
  skipped: number
}>

/**
 * Replaces the server's acceptances with those of a config just fetched: one the server no
 * longer lists stops applying now, and an expired one stops counting when its time passes (it is
 * kept, so the app can say it lapsed). The user's own acceptances are untouched. Call inside
 * the transaction that stores the config. Entries with an unusable field are skipped, never
 * half-applied: the config is the server's, but this device decides what it trusts.
 */
export function applyServerAcceptances(
  db: Db,
  risks: readonly ServerAcceptance[],
  now = new Date(),
): ServerAcceptanceResult {
  const finding = db.prepare(`SELECT rule_id, path FROM findings WHERE id = ?`)
  const local = db.prepare(`SELECT rule_id, path FROM local_accepted_risks WHERE finding_id = ?`)
  const ins = db.prepare(
    `INSERT INTO server_accepted_risks (finding_id, rule_id, path, note, accepted_by, accepted_at, expires_at, received_at)
     VALUES (@finding_id, @rule_id, @path, @note, @accepted_by, @accepted_at, @expires_at, @received_at)
     ON CONFLICT (finding_id) DO UPDATE SET rule_id = excluded.rule_id, path = excluded.path,
       note = excluded.note, accepted_by = excluded.accepted_by, accepted_at = excluded.accepted_at,
       expires_at = excluded.expires_at, received_at = excluded.received_at`,
  )
  let held = 0
  let skipped = 0
  db.prepare(`DELETE FROM server_accepted_risks`).run()
  for (const r of risks) {
    const acceptedAt = typeof r.acceptedAt === 'string' ? isoOf(r.acceptedAt) : undefined
    const expiresAt = typeof r.expiresAt === 'string' ? isoOf(r.expiresAt) : undefined
    // A key the security team pasted into their note stays on the server side of the redaction.
    const note =
      typeof r.note === 'string' ? scrubText(r.note.trim().slice(0, MAX_NOTE_LENGTH)) : ''
    if (
      typeof r.findingKey !== 'string' ||
      !r.findingKey ||
      !note ||
      acceptedAt === undefined ||
      (r.expiresAt !== undefined && expiresAt === undefined)
    ) {
      skipped++
      continue
    }
    const where = (finding.get(r.findingKey) ?? local.get(r.findingKey)) as
      { rule_id: string; path: string } | undefined
    ins.run({
      finding_id: r.findingKey,
      rule_id: where?.rule_id ?? '',
      path: where?.path ?? '',
      note,
      accepted_by: typeof r.acceptedBy === 'string' && r.acceptedBy ? r.acceptedBy : 'server',
      accepted_at: acceptedAt,
      expires_at: expiresAt ?? null,
      received_at: now.toISOString(),
    })
    held++
  }
  return { held, skipped }
}

/** Forgets the server's acceptances (the device left that server: another one knows nothing of them). */
export function clearServerAcceptances(db: Db): void {
  db.prepare(`DELETE FROM server_accepted_risks`).run()
}
