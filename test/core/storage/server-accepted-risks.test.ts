import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import {
  AcceptRiskError,
  acceptRisk,
  acceptanceOf,
  acceptedSql,
  activeAcceptances,
  applyServerAcceptances,
  localAcceptances,
  reopenRisk,
} from '../../../src/core/storage/accepted-risks'
import { readChanges, latestChangeSeq } from '../../../src/core/storage/change-log'
import { openDb } from '../../../src/core/storage/db'
import type { Db } from '../../../src/core/storage/db'
import { openInventoryReader } from '../../../src/core/storage/inventory-reader'
import { MIGRATIONS, migrate } from '../../../src/core/storage/migrations'
import { storeConfig } from '../../../src/core/sync/config'
import { readState, resetForNewServer } from '../../../src/core/sync/state'
import { configWith as config, env, pickle, scanWith } from '../../helpers/accepted-risk'
import { fakeOpenAiKey } from '../../fixtures/generators/fake-home'

const T0 = new Date('2030-01-01T00:00:00Z')
const day = (n: number): string => new Date(T0.getTime() + n * 86_400_000).toISOString()

/** Open findings not covered by an acceptance in force at `now`, as every open count reads them. */
function openCount(db: Db, now: Date): number {
  return (
    db
      .prepare(
        `SELECT count(*) AS n FROM findings f WHERE f.status = 'open' AND NOT ${acceptedSql('f')}`,
      )
      .get({ now: now.toISOString() }) as { n: number }
  ).n
}

describe('accepted risk from the server (real SQLite file)', () => {
  const dirs: string[] = []
  const dir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'aiscout-srisk-'))
    dirs.push(d)
    return d
  }
  const open = (): Db => openDb(join(dir(), 'inv.db'))
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

  it("a config applies the security team's acceptances; the next config without one removes it", () => {
    const db = open()
    const [p, e] = scanWith(db, [pickle, env])
    expect(openCount(db, T0)).toBe(2)
    const r = storeConfig(
      db,
      config([
        {
          findingKey: p!,
          note: 'research sandbox',
          acceptedBy: 'ada',
          acceptedAt: day(-1),
          expiresAt: day(30),
        },
      ]),
      T0,
    )
    expect(r).toEqual({ held: 1, skipped: 0 })
    expect(readState(db).configEtag).toBe('"e1"')
    expect(openCount(db, T0)).toBe(1)
    expect(acceptanceOf(db, p!)).toEqual({
      findingId: p,
      ruleId: pickle.ruleId,
      path: pickle.path,
      note: 'research sandbox',
      acceptedBy: 'ada',
      acceptedAt: day(-1),
      expiresAt: day(30),
      source: 'server',
    })
    // Exports read the same acceptances (scan --format json, SARIF, CSV, HTML).
    const inv = openInventoryReader(db)
    expect(inv.accepted?.get(p!)).toMatchObject({ source: 'server', note: 'research sandbox' })
    expect(inv.accepted?.has(e!)).toBe(false)
    // Not the user's: nothing to send back to the server.
    expect(localAcceptances(db).size).toBe(0)
    // The admin reopened it: the next config no longer lists it.
    storeConfig(db, config([], '"e2"'), T0)
    expect(acceptanceOf(db, p!)).toBeUndefined()
    expect(openCount(db, T0)).toBe(2)
    db.close()
  })

  it('an expired server acceptance stops counting when its time passes', () => {
    const db = open()
    const [p] = scanWith(db, [pickle])
    storeConfig(
      db,
      config([
        { findingKey: p!, note: 'n', acceptedBy: 'ada', acceptedAt: day(0), expiresAt: day(10) },
      ]),
      T0,
    )
    expect(openCount(db, new Date(day(9)))).toBe(0)
    expect(activeAcceptances(db, new Date(day(9))).size).toBe(1)
    expect(openCount(db, new Date(day(11)))).toBe(1)
    expect(activeAcceptances(db, new Date(day(11))).size).toBe(0)
    // Still known (the app says it lapsed), and then the user may reopen nothing.
    expect(acceptanceOf(db, p!)?.expiresAt).toBe(day(10))
    expect(reopenRisk(db, p!, new Date(day(11)))).toBe(false)
    db.close()
  })

  it('either acceptance accepts; the longer-lasting one is shown; a server one cannot be reopened here', () => {
    const db = open()
    const [p, e] = scanWith(db, [pickle, env])
    storeConfig(
      db,
      config([
        {
          findingKey: p!,
          note: 'team says ok',
          acceptedBy: 'ada',
          acceptedAt: day(0),
          expiresAt: day(30),
        },
        { findingKey: e!, note: 'team: forever', acceptedBy: 'ada', acceptedAt: day(0) },
      ]),
      T0,
    )
    // Server-set, no local one: reopening here is refused, naming who to ask.
    const err = (() => {
      try {
        reopenRisk(db, p!, T0)
      } catch (x) {
        return x
      }
    })()
    expect(err).toBeInstanceOf(AcceptRiskError)
    expect((err as AcceptRiskError).code).toBe('managed')
    expect((err as Error).message).toMatch(/security team.*ada/)
    expect(openCount(db, T0)).toBe(0)
    // The user accepts the same finding for longer: theirs is shown, both count.
    acceptRisk(db, { findingId: p!, note: 'mine, no expiry', acceptedBy: 'dev' }, T0)
    expect(acceptanceOf(db, p!)).toMatchObject({ source: 'local', note: 'mine, no expiry' })
    // A shorter local one under a server one without expiry: the server's is shown.
    acceptRisk(
      db,
      { findingId: e!, note: 'mine, a week', acceptedBy: 'dev', expiresAt: day(7) },
      T0,
    )
    expect(acceptanceOf(db, e!)).toMatchObject({ source: 'server', note: 'team: forever' })
    expect([...activeAcceptances(db, T0).values()].map((a) => a.source).sort()).toEqual([
      'local',
      'server',
    ])
    // Reopening the user's own leaves the team's in force.
    expect(reopenRisk(db, p!, T0)).toBe(true)
    expect(acceptanceOf(db, p!)).toMatchObject({ source: 'server', note: 'team says ok' })
    expect(openCount(db, T0)).toBe(0)
    // After the team's expires, the finding is open again.
    expect(openCount(db, new Date(day(31)))).toBe(1)
    db.close()
  })

  it('skips unusable entries from a config instead of half-applying them', () => {
    const db = open()
    const [p] = scanWith(db, [pickle])
    const r = applyServerAcceptances(
      db,
      [
        { findingKey: '', note: 'x', acceptedBy: 'ada', acceptedAt: day(0) },
        { findingKey: p!, note: '   ', acceptedBy: 'ada', acceptedAt: day(0) },
        { findingKey: p!, note: 'x', acceptedBy: 'ada', acceptedAt: 'yesterday' },
        { findingKey: p!, note: 'x', acceptedBy: 'ada', acceptedAt: day(0), expiresAt: 'never' },
        // For a finding this laptop does not have (yet): kept, applies when it appears.
        { findingKey: 'finding:unknown', note: 'later', acceptedBy: 'ada', acceptedAt: day(0) },
      ],
      T0,
    )
    expect(r).toEqual({ held: 1, skipped: 4 })
    expect(acceptanceOf(db, p!)).toBeUndefined()
    expect(acceptanceOf(db, 'finding:unknown')).toMatchObject({ ruleId: '', source: 'server' })
    db.close()
  })

  it("leaving the server forgets its acceptances, not the user's", () => {
    const db = open()
    const [p, e] = scanWith(db, [pickle, env])
    storeConfig(
      db,
      config([{ findingKey: p!, note: 'n', acceptedBy: 'ada', acceptedAt: day(0) }]),
      T0,
    )
    acceptRisk(db, { findingId: e!, note: 'mine', acceptedBy: 'dev' }, T0)
    resetForNewServer(db)
    expect(acceptanceOf(db, p!)).toBeUndefined()
    expect(acceptanceOf(db, e!)).toMatchObject({ source: 'local' })
    db.close()
  })

  it('accept and reopen each log one change of exactly that finding', () => {
    const db = open()
    const [p] = scanWith(db, [pickle, env])
    const before = latestChangeSeq(db)
    acceptRisk(db, { findingId: p!, note: 'ok', acceptedBy: 'dev' }, T0)
    const a = readChanges(db, { after: before })
    expect(a.changes.map((c) => [c.entity, c.key, c.change])).toEqual([['finding', p, 'changed']])
    reopenRisk(db, p!, T0)
    const b = readChanges(db, { after: before })
    expect(b.changes.map((c) => [c.entity, c.key, c.change])).toEqual([
      ['finding', p, 'changed'],
      ['finding', p, 'changed'],
    ])
    // A server acceptance arriving logs nothing: it is not sent back.
    const mid = latestChangeSeq(db)
    storeConfig(
      db,
      config([{ findingKey: p!, note: 'n', acceptedBy: 'ada', acceptedAt: day(0) }]),
      T0,
    )
    expect(latestChangeSeq(db)).toBe(mid)
    db.close()
  })

  it('a key pasted into a note is kept only as its redacted preview (stored and sent)', () => {
    const db = open()
    const [p] = scanWith(db, [pickle])
    const key = fakeOpenAiKey(7)
    const a = acceptRisk(
      db,
      { findingId: p!, note: `rotated ${key} last week`, acceptedBy: 'dev' },
      T0,
    )
    expect(a.note).not.toContain(key)
    expect(a.note).toMatch(/^rotated sk-proj-….{4} last week$/)
    const raw = JSON.stringify(db.prepare(`SELECT * FROM local_accepted_risks`).all())
    expect(raw).not.toContain(key)
    expect(raw).toContain(key.slice(-4))
    db.close()
  })

  it('migration 0085 keeps acceptances made before it', () => {
    const file = join(dir(), 'old.db')
    const raw = new Database(file)
    migrate(
      raw,
      MIGRATIONS.filter((m) => m.version < 85),
    )
    raw
      .prepare(
        `INSERT INTO accepted_risks (finding_id, rule_id, path, note, accepted_by, accepted_at, expires_at)
         VALUES ('finding:a', 'r', '/p', 'kept', 'dev', '2029-01-01T00:00:00.000Z', NULL)`,
      )
      .run()
    raw.close()
    const db = openDb(file)
    expect(acceptanceOf(db, 'finding:a')).toMatchObject({ note: 'kept', source: 'local' })
    expect(localAcceptances(db).size).toBe(1)
    db.close()
  })
})
