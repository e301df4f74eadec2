import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  AcceptRiskError,
  acceptRisk,
  acceptanceOf,
  activeAcceptances,
  reopenRisk,
} from '../../../src/core/storage/accepted-risks'
import { openDb } from '../../../src/core/storage/db'
import { openInventoryReader } from '../../../src/core/storage/inventory-reader'
import type { Db } from '../../../src/core/storage/db'
import { env, pickle, scanWith } from '../../helpers/accepted-risk'

describe('accepted risk (real SQLite file)', () => {
  const dirs: string[] = []
  const open = (): Db => {
    const d = mkdtempSync(join(tmpdir(), 'aiscout-risk-'))
    dirs.push(d)
    return openDb(join(d, 'inv.db'))
  }
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

  it('keeps an acceptance across rescans, keyed by the finding id, until it is reopened', () => {
    const db = open()
    const [id] = scanWith(db, [pickle, env])
    const a = acceptRisk(db, {
      findingId: id!,
      note: '  sandboxed test fixture  ',
      acceptedBy: 'dev',
    })
    expect(a).toMatchObject({
      findingId: id,
      note: 'sandboxed test fixture',
      ruleId: pickle.ruleId,
    })
    expect(a.expiresAt).toBeUndefined()
    // The same finding comes back on the next scan with the same id: still accepted.
    expect(scanWith(db, [pickle, env])[0]).toBe(id)
    expect([...activeAcceptances(db).keys()]).toEqual([id])
    const inv = openInventoryReader(db)
    expect(inv.accepted?.get(id!)?.note).toBe('sandboxed test fixture')
    expect(reopenRisk(db, id!)).toBe(true)
    expect(reopenRisk(db, id!)).toBe(false)
    expect(activeAcceptances(db).size).toBe(0)
    db.close()
  })

  it('stops counting an acceptance once it expires, but remembers it', () => {
    const db = open()
    const [id] = scanWith(db, [pickle])
    const t0 = new Date('2030-01-01T00:00:00Z')
    acceptRisk(
      db,
      {
        findingId: id!,
        note: 'until the vendor ships a fix',
        acceptedBy: 'dev',
        expiresAt: '2030-02-01T00:00:00Z',
      },
      t0,
    )
    expect(activeAcceptances(db, new Date('2030-01-15T00:00:00Z')).size).toBe(1)
    expect(activeAcceptances(db, new Date('2030-02-02T00:00:00Z')).size).toBe(0)
    expect(acceptanceOf(db, id!)?.expiresAt).toBe('2030-02-01T00:00:00.000Z')
    db.close()
  })

  it('requires a note, a future expiry and a known finding', () => {
    const db = open()
    const [id] = scanWith(db, [pickle])
    expect(() => acceptRisk(db, { findingId: id!, note: '   ', acceptedBy: 'dev' })).toThrow(
      /note .* is required/,
    )
    expect(() =>
      acceptRisk(db, { findingId: id!, note: 'x', acceptedBy: 'dev', expiresAt: '2001-01-01' }),
    ).toThrow(/in the future/)
    expect(() =>
      acceptRisk(db, { findingId: id!, note: 'x', acceptedBy: 'dev', expiresAt: 'soon' }),
    ).toThrow(/not a valid date/)
    const e = (() => {
      try {
        acceptRisk(db, { findingId: 'nope', note: 'x', acceptedBy: 'dev' })
      } catch (err) {
        return err
      }
    })()
    expect(e).toBeInstanceOf(AcceptRiskError)
    expect((e as AcceptRiskError).code).toBe('not-found')
    // The database enforces the note too.
    expect(() =>
      db
        .prepare(
          `INSERT INTO local_accepted_risks (finding_id, rule_id, path, note, accepted_by, accepted_at) VALUES ('a','r','p',' ','u','t')`,
        )
        .run(),
    ).toThrow(/CHECK/)
    db.close()
  })
})
