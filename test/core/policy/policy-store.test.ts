import { chmodSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  openDb,
  openInventoryReader,
  POLICY_ORIGIN,
  recordPolicyFacts,
  reevaluatePolicies,
  scan,
  writeSettingsSection,
} from '../../../src/core'
import type { Db } from '../../../src/core'
import { makeFakeHome } from '../../fixtures/generators/fake-home'
import { fakeHomeScanOptions } from '../../helpers/scan-options'

function pushConfig(db: Db, policies: unknown[]): void {
  db.prepare(
    `INSERT INTO sync_state (key, value) VALUES ('config', ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  ).run(JSON.stringify({ etag: '"x"', policies, acceptedRisks: [] }))
}

const openPolicyFindings = (db: Db) =>
  db
    .prepare(
      `SELECT id, rule_id, severity, title, path, status FROM findings WHERE origin = ? AND status = 'open' ORDER BY rule_id, path`,
    )
    .all(POLICY_ORIGIN) as {
    id: string
    rule_id: string
    severity: string
    title: string
    path: string
  }[]

const BLOCK_PICKLE = {
  id: 'pol_pickle',
  name: 'No pickle models',
  enabled: true,
  severity: 'critical',
  rule: { type: 'model-format', mode: 'block', formats: ['pickle'] },
}
const KEY_MODE = {
  id: 'pol_keys',
  name: 'Keys 600',
  enabled: true,
  rule: { type: 'key-file-mode', maxMode: '600' },
}

describe('policy findings in the inventory', () => {
  it('evaluated at every commit, re-evaluated on a config change, in the change log', async () => {
    const fake = makeFakeHome()
    chmodSync(fake.paths.env, 0o644)
    const db = openDb(join(mkdtempSync(join(tmpdir(), 'aiscout-pol-')), 'inv.db'))
    // Before a sync there is no config: nothing is judged.
    await scan(db, fakeHomeScanOptions(fake.home))
    expect(openPolicyFindings(db)).toEqual([])

    pushConfig(db, [BLOCK_PICKLE, KEY_MODE])
    const delta = reevaluatePolicies(db)!
    const found = openPolicyFindings(db)
    expect(found.map((f) => [f.rule_id, f.path])).toEqual([
      ['policy.key-file-mode', fake.paths.env],
      ['policy.model-format', fake.paths.evil],
    ])
    expect(found[1]).toMatchObject({
      severity: 'critical',
      title: 'Model format not allowed by policy: No pickle models',
    })
    expect([...delta.findings.opened].sort()).toEqual(found.map((f) => f.id).sort())

    // They are findings like any other: the inventory reader (exports, JSON, the app) lists them.
    const ids = [...openInventoryReader(db).findings()].map((f) => f.id)
    for (const f of found) expect(ids).toContain(f.id)

    // A rescan keeps them open (same keys, no change recorded); fixing the file resolves one.
    const again = await scan(db, fakeHomeScanOptions(fake.home))
    expect(again.delta.findings.opened).toEqual([])
    expect(again.delta.findings.resolved).toEqual([])
    chmodSync(fake.paths.env, 0o600)
    const fixed = await scan(db, fakeHomeScanOptions(fake.home))
    expect(fixed.delta.findings.resolved).toContain(found[0]!.id)
    expect(openPolicyFindings(db).map((f) => f.id)).toEqual([found[1]!.id])

    // Editing the severity on the server changes the finding; removing the policy resolves it.
    pushConfig(db, [{ ...BLOCK_PICKLE, severity: 'medium' }])
    expect(reevaluatePolicies(db)!.findings.changed).toEqual([found[1]!.id])
    pushConfig(db, [])
    expect(reevaluatePolicies(db)!.findings.resolved).toEqual([found[1]!.id])
    expect(openPolicyFindings(db)).toEqual([])
    db.close()
  })

  it('scan settings: the stored hash setting and the facts shells record', async () => {
    const fake = makeFakeHome()
    const db = openDb(join(mkdtempSync(join(tmpdir(), 'aiscout-pol-')), 'inv.db'))
    pushConfig(db, [
      {
        id: 'pol_settings',
        name: 'Hash and watch',
        enabled: true,
        rule: { type: 'scan-settings', hashing: true, watcher: true },
      },
    ])
    await scan(db, fakeHomeScanOptions(fake.home))
    // A CLI-only device: hashing on by default, no watcher reported.
    expect(openPolicyFindings(db).map((f) => f.path)).toEqual(['settings:background.watcher'])
    recordPolicyFacts(db, { watcher: true })
    writeSettingsSection(db, 'scan', { roots: [], exclude: [], hash: false, verifyDigests: false })
    reevaluatePolicies(db)
    expect(openPolicyFindings(db).map((f) => f.path)).toEqual(['settings:scan.hash'])
    db.close()
  })

  it('a malformed stored config is reported, never thrown', async () => {
    const fake = makeFakeHome()
    const db = openDb(join(mkdtempSync(join(tmpdir(), 'aiscout-pol-')), 'inv.db'))
    db.prepare(`INSERT INTO sync_state (key, value) VALUES ('config', '{not json')`).run()
    await scan(db, fakeHomeScanOptions(fake.home))
    expect(openPolicyFindings(db).map((f) => f.rule_id)).toEqual(['policy.invalid'])
    db.close()
  })
})
