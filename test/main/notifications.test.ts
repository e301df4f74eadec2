import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDb, scan } from '../../src/core'
import type { Finding, ScanOptions } from '../../src/core'
import { ackNotified, readNewlyOpened } from '../../src/main/notification-feed'
import { GROUP_AFTER, planNotices } from '../../src/main/notifications'
import { maliciousPickle } from '../fixtures/generators/fake-home'

const finding = (id: string, severity: Finding['severity'], title = `Rule ${id}`): Finding => ({
  id,
  ruleId: `rule.${id}`,
  severity,
  title,
  message: `Something about ${id}`,
  path: `/home/me/Downloads/${id}.pkl`,
})
const open = { quiet: false, isAccepted: () => false }

describe('planNotices', () => {
  it('one notice per critical or high finding, most severe first; nothing below high', () => {
    const n = planNotices(
      [finding('a', 'high'), finding('b', 'medium'), finding('c', 'critical'), finding('d', 'low')],
      open,
    )
    expect(n.map((x) => x.open)).toEqual([
      { kind: 'finding', id: 'c' },
      { kind: 'finding', id: 'a' },
    ])
    expect(n[0]).toMatchObject({ title: 'Critical risk: Rule c', urgency: 'critical' })
    expect(n[0]!.body).toContain('/home/me/Downloads/c.pkl')
    expect(n[1]).toMatchObject({ title: 'High risk: Rule a', urgency: 'normal' })
  })

  it('groups many findings arriving at once into one notice that opens them all', () => {
    const many = [...Array(7)].map((_, i) => finding(`f${i}`, i < 2 ? 'critical' : 'high'))
    const n = planNotices(many, open)
    expect(n).toHaveLength(1)
    expect(n[0]!.title).toBe('7 new findings need attention: 2 critical, 5 high')
    expect(n[0]!.body.split('\n')).toHaveLength(GROUP_AFTER + 1)
    expect(n[0]!.body).toContain('and 4 more')
    expect(n[0]!.open).toEqual({ kind: 'findings', ids: many.map((f) => f.id) })
    expect(n[0]!.urgency).toBe('critical')
    expect(planNotices(many.slice(0, GROUP_AFTER), open)).toHaveLength(GROUP_AFTER)
  })

  it('says nothing for accepted risks, duplicates or in quiet mode', () => {
    const fs = [finding('a', 'critical'), finding('a', 'critical'), finding('b', 'high')]
    expect(planNotices(fs, { quiet: false, isAccepted: (id) => id === 'b' })).toHaveLength(1)
    expect(planNotices(fs, { quiet: true, isAccepted: () => false })).toEqual([])
  })
})

describe('notification feed (real inventory, change log)', () => {
  it('reads each opened finding once, and again only after it was resolved and opened anew', async () => {
    const work = mkdtempSync(join(tmpdir(), 'notify-'))
    const home = join(work, 'home')
    mkdirSync(join(home, 'Downloads'), { recursive: true })
    const db = openDb(join(work, 'inv.db'))
    const o: ScanOptions = { home, env: { HOME: home }, platform: 'linux' }
    try {
      await scan(db, o)
      // The consumer starts at the latest change: the history before it is not notified.
      expect(readNewlyOpened(db).findings).toEqual([])
      const evil = join(home, 'Downloads', 'evil.pkl')
      writeFileSync(evil, maliciousPickle())
      await scan(db, { ...o, scope: { kind: 'paths', paths: [evil] } })
      const first = readNewlyOpened(db)
      const critical = first.findings.filter((f) => f.severity === 'critical')
      expect(critical.length).toBeGreaterThan(0)
      expect(critical.every((f) => f.path === evil)).toBe(true)
      // Not acknowledged yet: read again.
      expect(readNewlyOpened(db).findings).toEqual(first.findings)
      ackNotified(db, first.upTo)
      expect(readNewlyOpened(db).findings).toEqual([])
      await scan(db, o)
      expect(readNewlyOpened(db).findings).toEqual([])
      rmSync(evil)
      await scan(db, { ...o, scope: { kind: 'paths', paths: [evil] } })
      ackNotified(db, readNewlyOpened(db).upTo)
      writeFileSync(evil, maliciousPickle())
      await scan(db, { ...o, scope: { kind: 'paths', paths: [evil] } })
      expect(
        readNewlyOpened(db)
          .findings.map((f) => f.id)
          .sort(),
      ).toEqual(first.findings.map((f) => f.id).sort())
    } finally {
      db.close()
    }
  })
})
