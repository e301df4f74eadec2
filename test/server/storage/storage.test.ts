import { randomUUID } from 'node:crypto'
import { Migrator } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createApiToken,
  authenticateApiToken,
  revokeApiToken,
} from '../../../src/server/storage/api-tokens'
import { deviceConfig, putConfigItem } from '../../../src/server/storage/config-items'
import {
  authenticateDevice,
  enrollDevice,
  requestResync,
  revokeDevice,
  rotateDeviceToken,
} from '../../../src/server/storage/devices'
import {
  createEnrollSecret,
  listEnrollSecrets,
  revokeEnrollSecret,
  teamForEnrollSecret,
} from '../../../src/server/storage/enroll-secrets'
import { findHolders, findingsByRule, listDevices } from '../../../src/server/storage/fleet'
import { NO_EXPIRY } from '../../../src/server/storage/acceptance'
import { applyBatch, commitSnapshot } from '../../../src/server/storage/ingest'
import type { IngestResult } from '../../../src/server/storage/ingest'
import { openStorage } from '../../../src/server/storage/open'
import type { Storage } from '../../../src/server/storage/open'
import { ensureOrg, ensureTeam } from '../../../src/server/storage/orgs'
import type { Team } from '../../../src/server/storage/orgs'
import {
  assetUpsert,
  delta,
  FACTS,
  findingUpsert,
  hashOf,
  presentKeys,
  snapshotPart,
} from '../helpers/batches'
import { ENGINES, freshTarget, stopPg } from '../helpers/engines'
import type { EngineName } from '../helpers/engines'

afterAll(stopPg)

async function enrolled(storage: Storage, team: Team, facts = FACTS) {
  const r = await enrollDevice(storage, team, facts)
  if (r.kind !== 'enrolled') throw new Error('not enrolled')
  return r
}

function applied(r: IngestResult) {
  if (r.kind === 'resync') throw new Error(`resync: ${r.reason}`)
  return r
}

/** Sends a one-part snapshot and commits it. */
async function snapshot(
  storage: Storage,
  deviceId: string,
  seq: number,
  assets = [assetUpsert('a1')],
  findings = [findingUpsert('f1', 'a1')],
) {
  const id = `snap_${randomUUID().slice(0, 8)}`
  applied(await applyBatch(storage, deviceId, snapshotPart(seq, id, 1, 1, assets, findings)))
  return applied(
    await commitSnapshot(storage, deviceId, {
      batchId: randomUUID(),
      seq: seq + 1,
      snapshotId: id,
      parts: 1,
    }),
  )
}

describe.each(ENGINES)('server storage on %s', (engine: EngineName) => {
  let storage: Storage
  let team: Team

  beforeAll(async () => {
    storage = await openStorage(await freshTarget(engine))
    team = await ensureTeam(storage)
  })
  afterAll(async () => storage.close())

  describe('migrations and organisation', () => {
    it('migrates a new database, reopens without change and refuses one from a newer build', async () => {
      const target = await freshTarget(engine)
      const s1 = await openStorage(target)
      const org1 = await ensureOrg(s1)
      await s1.close()
      const s2 = await openStorage(target)
      const org2 = await ensureOrg(s2)
      expect(org2.fingerprintKey).toBe(org1.fingerprintKey)
      expect(Buffer.from(org1.fingerprintKey, 'base64')).toHaveLength(32)
      // A migration this build does not know: the database comes from the future.
      await s2.db
        .insertInto('server_migrations' as never)
        .values({ name: '9990-future', timestamp: new Date().toISOString() } as never)
        .execute()
      await s2.close()
      await expect(openStorage(target)).rejects.toThrow(/migration|corrupted/i)
    })

    it('creates teams once and rejects odd team names', async () => {
      const a = await ensureTeam(storage, 'research')
      const b = await ensureTeam(storage, 'research')
      expect(a.id).toBe(b.id)
      await expect(ensureTeam(storage, '../etc')).rejects.toThrow(/team name/)
    })

    it('migrator reports nothing pending after open', async () => {
      const { migrationProvider } = await import('../../../src/server/storage/migrations')
      const m = new Migrator({
        db: storage.db,
        provider: migrationProvider,
        migrationTableName: 'server_migrations',
        migrationLockTableName: 'server_migrations_lock',
      })
      const all = await m.getMigrations()
      expect(all.every((x) => x.executedAt !== undefined)).toBe(true)
    })
  })

  describe('enroll secrets', () => {
    it('creates, lists, resolves and revokes a team-scoped secret stored only hashed', async () => {
      const { secret, info } = await createEnrollSecret(storage, 'ops')
      expect(secret).toMatch(/^aise_[A-Za-z0-9_-]{43}$/)
      expect((await teamForEnrollSecret(storage, secret))?.name).toBe('ops')
      const listed = await listEnrollSecrets(storage)
      expect(listed.find((s) => s.id === info.id)?.team).toBe('ops')
      const rows = await storage.db.selectFrom('enroll_secrets').selectAll().execute()
      expect(JSON.stringify(rows)).not.toContain(secret)
      expect(await revokeEnrollSecret(storage, info.id)).toBe(true)
      expect(await revokeEnrollSecret(storage, info.id)).toBe(false)
      expect(await teamForEnrollSecret(storage, secret)).toBeUndefined()
      expect(await teamForEnrollSecret(storage, 'aise_nonsense')).toBeUndefined()
    })
  })

  describe('devices', () => {
    it('re-enrolling the same install keeps the device and replaces its token', async () => {
      const facts = {
        ...FACTS,
        installationId: `inst-${randomUUID()}`,
        hardwareId: `hw-${randomUUID()}`,
      }
      const first = await enrolled(storage, team, facts)
      expect(first.reenrolled).toBe(false)
      const again = await enrolled(storage, team, facts)
      expect(again.reenrolled).toBe(true)
      expect(again.device.id).toBe(first.device.id)
      expect((await authenticateDevice(storage, first.token)).kind).toBe('unknown')
      expect((await authenticateDevice(storage, again.token)).kind).toBe('ok')
      const rows = await storage.db.selectFrom('devices').selectAll().execute()
      expect(JSON.stringify(rows)).not.toContain(again.token)
    })

    it('flags clones: the same install on other hardware, and a second install of one user on one machine', async () => {
      const inst = `inst-${randomUUID()}`
      const hw = `hw-${randomUUID()}`
      const orig = await enrolled(storage, team, { ...FACTS, installationId: inst, hardwareId: hw })
      const copy = await enrolled(storage, team, {
        ...FACTS,
        installationId: inst,
        hardwareId: `${hw}-vm`,
      })
      expect(copy.device.id).not.toBe(orig.device.id)
      expect(copy.device.clone_of).toBe(orig.device.id)
      const reinstall = await enrolled(storage, team, {
        ...FACTS,
        installationId: `inst-${randomUUID()}`,
        hardwareId: hw,
      })
      expect(reinstall.device.clone_of).toBe(orig.device.id)
      const otherUser = await enrolled(storage, team, {
        ...FACTS,
        installationId: `inst-${randomUUID()}`,
        hardwareId: hw,
        user: 'bob',
      })
      expect(otherUser.device.clone_of).toBeNull()
    })

    it('a revoked device is refused, also when it tries to enroll again', async () => {
      const facts = {
        ...FACTS,
        installationId: `inst-${randomUUID()}`,
        hardwareId: `hw-${randomUUID()}`,
      }
      const d = await enrolled(storage, team, facts)
      expect(await revokeDevice(storage, d.device.id)).toBe(true)
      expect((await authenticateDevice(storage, d.token)).kind).toBe('revoked')
      expect((await enrollDevice(storage, team, facts)).kind).toBe('revoked')
    })

    it('rotation: the old token works until the new one is used', async () => {
      const d = await enrolled(storage, team, { ...FACTS, installationId: `inst-${randomUUID()}` })
      const next = await rotateDeviceToken(storage, d.device)
      expect((await authenticateDevice(storage, d.token)).kind).toBe('ok')
      expect((await authenticateDevice(storage, next)).kind).toBe('ok')
      expect((await authenticateDevice(storage, d.token)).kind).toBe('unknown')
      // Expired grace: the previous token stops working even if the new one was never used.
      const d2 = await enrolled(storage, team, { ...FACTS, installationId: `inst-${randomUUID()}` })
      await rotateDeviceToken(storage, d2.device, new Date(Date.now() - 48 * 3600_000))
      expect((await authenticateDevice(storage, d2.token)).kind).toBe('unknown')
    })
  })

  describe('ingest', () => {
    it('refuses deltas before the first snapshot, then applies snapshot parts and the commit', async () => {
      const d = await enrolled(storage, team, { ...FACTS, installationId: `inst-${randomUUID()}` })
      const id = d.device.id
      const early = await applyBatch(storage, id, delta(1, [assetUpsert('x')]))
      expect(early).toMatchObject({ kind: 'resync', expectedSeq: 1 })
      applied(
        await applyBatch(
          storage,
          id,
          snapshotPart(1, 'snap_aaaaaaaa', 1, 2, [assetUpsert('a'), assetUpsert('b')]),
        ),
      )
      // A delta while the snapshot is in flight, or a commit with a part missing: resync.
      expect((await applyBatch(storage, id, delta(2, [assetUpsert('c')]))).kind).toBe('resync')
      expect(
        (
          await commitSnapshot(storage, id, {
            batchId: randomUUID(),
            seq: 2,
            snapshotId: 'snap_aaaaaaaa',
            parts: 2,
          })
        ).kind,
      ).toBe('resync')
      applied(
        await applyBatch(
          storage,
          id,
          snapshotPart(
            2,
            'snap_aaaaaaaa',
            2,
            2,
            [assetUpsert('c')],
            [findingUpsert('f1', 'c', 'critical')],
          ),
        ),
      )
      const c = applied(
        await commitSnapshot(storage, id, {
          batchId: randomUUID(),
          seq: 3,
          snapshotId: 'snap_aaaaaaaa',
          parts: 2,
        }),
      )
      expect(c.ack).toMatchObject({ ackSeq: 3, applied: { gone: 0, resolved: 0 } })
      expect(await presentKeys(storage, id)).toEqual(['a', 'b', 'c'])
      // Deltas now apply in order; a gap asks for a resync with the expected number.
      applied(
        await applyBatch(storage, id, delta(4, [assetUpsert('d'), { op: 'remove', key: 'a' }])),
      )
      expect(await presentKeys(storage, id)).toEqual(['b', 'c', 'd'])
      expect(await applyBatch(storage, id, delta(6, [assetUpsert('e')]))).toMatchObject({
        kind: 'resync',
        expectedSeq: 5,
      })
      // A second snapshot marks what it does not list gone and resolves its findings.
      const s2 = await snapshot(storage, id, 5, [assetUpsert('b'), assetUpsert('e')], [])
      expect(s2.ack.applied).toMatchObject({ gone: 2, resolved: 1 })
      expect(await presentKeys(storage, id)).toEqual(['b', 'e'])
      const gone = await storage.db
        .selectFrom('device_assets')
        .select(['asset_key', 'status', 'gone_at'])
        .where('device_id', '=', id)
        .where('status', '=', 'gone')
        .orderBy('asset_key')
        .execute()
      expect(gone.map((g) => g.asset_key)).toEqual(['a', 'c', 'd'])
      expect(gone.every((g) => g.gone_at !== null)).toBe(true)
    })

    it('a duplicate batch is acknowledged again without being applied twice', async () => {
      const d = await enrolled(storage, team, { ...FACTS, installationId: `inst-${randomUUID()}` })
      const id = d.device.id
      await snapshot(storage, id, 1)
      const b = delta(3, [assetUpsert('n1')], [findingUpsert('fn', 'n1')])
      const first = applied(await applyBatch(storage, id, b))
      expect(first.kind).toBe('applied')
      // The asset changes through a later delta; replaying the old batch must not undo it.
      const changed = assetUpsert('n1', 'model', { name: 'renamed' })
      applied(await applyBatch(storage, id, delta(4, [changed])))
      const again = await applyBatch(storage, id, b)
      expect(again).toEqual({ kind: 'duplicate', ack: first.ack })
      const row = await storage.db
        .selectFrom('device_assets')
        .select(['name', 'content_hash'])
        .where('device_id', '=', id)
        .where('asset_key', '=', 'n1')
        .executeTakeFirstOrThrow()
      expect(row).toEqual({
        name: 'renamed',
        content_hash: changed.op === 'upsert' ? changed.hash : '',
      })
      const nBatches = await storage.db
        .selectFrom('batches')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('device_id', '=', id)
        .executeTakeFirstOrThrow()
      expect(Number(nBatches.n)).toBe(4)
    })

    it('a requested resync refuses deltas until a snapshot commits', async () => {
      const d = await enrolled(storage, team, { ...FACTS, installationId: `inst-${randomUUID()}` })
      await snapshot(storage, d.device.id, 1)
      await requestResync(storage, d.device.id)
      expect((await applyBatch(storage, d.device.id, delta(3, [assetUpsert('z')]))).kind).toBe(
        'resync',
      )
      await snapshot(storage, d.device.id, 3)
      expect((await applyBatch(storage, d.device.id, delta(5, [assetUpsert('z')]))).kind).toBe(
        'applied',
      )
    })

    it('a snapshot part out of order, or a sequence that goes back, asks for a resync', async () => {
      const d = await enrolled(storage, team, { ...FACTS, installationId: `inst-${randomUUID()}` })
      const id = d.device.id
      await snapshot(storage, id, 10)
      expect(
        (await applyBatch(storage, id, snapshotPart(12, 'snap_bbbbbbbb', 2, 3, []))).kind,
      ).toBe('resync')
      expect((await applyBatch(storage, id, snapshotPart(5, 'snap_bbbbbbbb', 1, 3, []))).kind).toBe(
        'resync',
      )
      // A snapshot may start at any higher number (the client jumped ahead after a server restore).
      expect(
        (await applyBatch(storage, id, snapshotPart(40, 'snap_bbbbbbbb', 1, 1, []))).kind,
      ).toBe('applied')
    })

    it('keeps the last item per key, writes only changed content, and survives NUL characters', async () => {
      const d = await enrolled(storage, team, { ...FACTS, installationId: `inst-${randomUUID()}` })
      const id = d.device.id
      await snapshot(storage, id, 1, [assetUpsert('k1')])
      const r = applied(
        await applyBatch(
          storage,
          id,
          delta(3, [
            assetUpsert('k2'),
            { op: 'remove', key: 'k2' },
            assetUpsert('k1'),
            assetUpsert('nul', 'tool', { name: 'a\u0000b' }),
          ]),
        ),
      )
      // k2 removed before it existed (0 rows), k1 unchanged (0 rows), nul inserted.
      expect(r.ack.applied.assets).toBe(1)
      expect(await presentKeys(storage, id)).toEqual(['k1', 'nul'])
    })

    it("one device's batches never touch another device's rows", async () => {
      const a = await enrolled(storage, team, { ...FACTS, installationId: `inst-${randomUUID()}` })
      const b = await enrolled(storage, team, { ...FACTS, installationId: `inst-${randomUUID()}` })
      await snapshot(storage, a.device.id, 1, [assetUpsert('shared-key')])
      await snapshot(storage, b.device.id, 1, [assetUpsert('shared-key'), assetUpsert('only-b')])
      applied(
        await applyBatch(storage, b.device.id, delta(3, [{ op: 'remove', key: 'shared-key' }])),
      )
      expect(await presentKeys(storage, a.device.id)).toEqual(['shared-key'])
      expect(await presentKeys(storage, b.device.id)).toEqual(['only-b'])
    })
  })

  describe('fleet queries', () => {
    let fleetTeam: Team
    const sha = 'a'.repeat(64)
    const fp = 'b'.repeat(64)
    beforeAll(async () => {
      fleetTeam = await ensureTeam(storage, 'fleet')
      for (const [i, host] of ['host-b', 'host-a', 'host-c'].entries()) {
        const d = await enrolled(storage, fleetTeam, {
          ...FACTS,
          hostname: host,
          installationId: `inst-fleet-${i}-${randomUUID()}`,
        })
        const assets = [
          assetUpsert(`m${i}`, 'model', { sha256: i < 2 ? sha : 'c'.repeat(64) }),
          assetUpsert(`k${i}`, 'secret', { fingerprint: fp, details: { fingerprint: fp } }),
          assetUpsert(`mcp${i}`, 'mcp-server', {
            name: 'github',
            details: {
              command: 'npx',
              args: ['-y', i === 0 ? '@scope/server_100%' : '@scope/serverx100'],
              url: null,
            },
          }),
          assetUpsert(`t${i}`, 'tool', { name: i === 2 ? 'Ollama' : 'claude' }),
        ]
        const findings = [
          findingUpsert(`f${i}a`, `m${i}`, 'critical', 'pickle.dangerous-callable'),
          findingUpsert(`f${i}b`, `k${i}`, 'high', 'secrets.openai'),
          ...(i === 0 ? [findingUpsert('f0c', 'k0', 'high', 'secrets.openai')] : []),
        ]
        await snapshot(storage, d.device.id, 1, assets, findings)
        if (i === 2) {
          // Gone assets and resolved findings are not counted or found.
          applied(
            await applyBatch(
              storage,
              d.device.id,
              delta(3, [{ op: 'remove', key: 'm2' }], [{ op: 'resolve', key: 'f2a' }]),
            ),
          )
        }
      }
    })

    it('lists devices by hostname with counts, keyset-paged', async () => {
      const p1 = await listDevices(storage, { team: 'fleet', limit: 2 })
      expect(p1.items.map((d) => d.hostname)).toEqual(['host-a', 'host-b'])
      expect(p1.next).toBeTruthy()
      const p2 = await listDevices(storage, { team: 'fleet', limit: 2, after: p1.next })
      expect(p2.items.map((d) => d.hostname)).toEqual(['host-c'])
      expect(p2.next).toBeUndefined()
      const b = p1.items[1]!
      expect(b.openFindings).toEqual({ critical: 1, high: 2, medium: 0, low: 0, info: 0 })
      expect(b.assets).toBe(4)
      expect(p2.items[0]!.openFindings.critical).toBe(0)
      expect(p2.items[0]!.assets).toBe(3)
      expect(
        (await listDevices(storage, { team: 'fleet', hostnamePrefix: 'host-c' })).items,
      ).toHaveLength(1)
      await expect(listDevices(storage, { after: 'garbage' })).rejects.toThrow(/cursor/)
    })

    it('finds holders by digest, fingerprint, MCP command or URL, and tool name', async () => {
      const bySha = await findHolders(storage, { by: 'sha256', sha256: sha.toUpperCase() })
      expect(bySha.devices.map((h) => h.device.hostname)).toEqual(['host-a', 'host-b'])
      const byFp = await findHolders(storage, { by: 'fingerprint', fingerprint: fp })
      expect(byFp.devices).toHaveLength(3)
      // `%` and `_` are literal: only the device whose command holds "server_100%".
      const byCmd = await findHolders(storage, { by: 'mcp-command', text: 'SERVER_100%' })
      expect(byCmd.devices.map((h) => h.device.hostname)).toEqual(['host-b'])
      expect(
        (await findHolders(storage, { by: 'mcp-command', text: '@scope/server' })).devices,
      ).toHaveLength(3)
      expect((await findHolders(storage, { by: 'mcp-url', text: 'x' })).devices).toHaveLength(0)
      const byTool = await findHolders(storage, { by: 'tool', name: 'ollama' })
      expect(byTool.devices.map((h) => h.device.hostname)).toEqual(['host-c'])
      expect(byTool.devices[0]!.assets[0]).toMatchObject({ kind: 'tool', name: 'Ollama' })
      // SQL-shaped input is data, not SQL.
      expect(
        (await findHolders(storage, { by: 'tool', name: "x' OR '1'='1" })).devices,
      ).toHaveLength(0)
      expect(
        (await findHolders(storage, { by: 'mcp-command', text: "'; DROP TABLE devices; --" }))
          .devices,
      ).toHaveLength(0)
      expect((await listDevices(storage, { team: 'fleet' })).items).toHaveLength(3)
    })

    it('groups open findings across the fleet by rule and severity, worst first', async () => {
      const groups = (await findingsByRule(storage)).filter((g) =>
        ['pickle.dangerous-callable', 'secrets.openai'].includes(g.ruleId),
      )
      const pickle = groups.find((g) => g.ruleId === 'pickle.dangerous-callable')
      const openai = groups.find((g) => g.ruleId === 'secrets.openai')
      expect(openai).toMatchObject({ severity: 'high', findings: 4, devices: 3 })
      expect(pickle!.severity).toBe('critical')
      const all = await findingsByRule(storage)
      expect(all[0]!.severity).toBe('critical')
    })
  })

  describe('holders: order, grouping and the limit', () => {
    let limA = ''
    beforeAll(async () => {
      const t = await ensureTeam(storage, 'holders')
      // Enrolled b first, so that device ids and host names sort differently.
      for (const host of ['lim-b', 'lim-a']) {
        const d = await enrolled(storage, t, {
          ...FACTS,
          hostname: host,
          installationId: `inst-${randomUUID()}`,
        })
        if (host === 'lim-a') limA = d.device.id
        const mcp = (key: string) =>
          assetUpsert(key, 'mcp-server', {
            name: key,
            details: { command: 'uvx', args: ['LimTest-server', key] },
          })
        await snapshot(storage, d.device.id, 1, [mcp('mcp-2'), mcp('mcp-1'), mcp('mcp-3')], [])
      }
    })

    const found = async (limit?: number) => {
      const r = await findHolders(storage, { by: 'mcp-command', text: 'limtest' }, { limit })
      return {
        truncated: r.truncated,
        devices: r.devices.map((h) => [h.device.hostname, ...h.assets.map((a) => a.key)]),
      }
    }

    it('groups assets by device, by host name then asset key, and cuts at the limit', async () => {
      expect(await found()).toEqual({
        truncated: false,
        devices: [
          ['lim-a', 'mcp-1', 'mcp-2', 'mcp-3'],
          ['lim-b', 'mcp-1', 'mcp-2', 'mcp-3'],
        ],
      })
      // The limit counts assets, and may end inside a device's list.
      expect(await found(4)).toEqual({
        truncated: true,
        devices: [
          ['lim-a', 'mcp-1', 'mcp-2', 'mcp-3'],
          ['lim-b', 'mcp-1'],
        ],
      })
      expect(await found(6)).toMatchObject({ truncated: false })
      const r = await findHolders(storage, { by: 'mcp-command', text: 'limtest' }, { limit: 1 })
      expect(r.devices[0]!.assets[0]).toMatchObject({
        key: 'mcp-1',
        kind: 'mcp-server',
        name: 'mcp-1',
        path: '/home/u/mcp-1',
      })
    })

    it('leaves out assets that are gone', async () => {
      applied(await applyBatch(storage, limA, delta(3, [{ op: 'remove', key: 'mcp-1' }])))
      expect((await found()).devices[0]).toEqual(['lim-a', 'mcp-2', 'mcp-3'])
    })
  })

  describe('config and API tokens', () => {
    it('merges org, team and device items; the ETag follows the content', async () => {
      const org = await ensureOrg(storage)
      const t = await ensureTeam(storage, 'cfg')
      const d = await enrolled(storage, t, { ...FACTS, installationId: `inst-${randomUUID()}` })
      const c0 = await deviceConfig(storage, d.device, org.id)
      expect(c0.settings.uploadPaths).toBe('home')
      await putConfigItem(storage, {
        scope: 'team',
        scopeId: t.id,
        kind: 'setting',
        key: 'uploadPaths',
        value: 'full',
      })
      await putConfigItem(storage, {
        scope: 'device',
        scopeId: d.device.id,
        kind: 'accepted-risk',
        key: 'f1',
        value: {
          findingKey: 'f1',
          note: 'test model',
          acceptedBy: 'admin',
          acceptedAt: '2026-01-01T00:00:00Z',
        },
      })
      const c1 = await deviceConfig(storage, d.device, org.id)
      expect(c1.settings.uploadPaths).toBe('full')
      expect(c1.acceptedRisks).toHaveLength(1)
      expect(c1.etag).not.toBe(c0.etag)
      expect((await deviceConfig(storage, d.device, org.id)).etag).toBe(c1.etag)
    })

    it('API tokens authenticate until revoked and are stored hashed', async () => {
      const { token, info } = await createApiToken(storage, { name: 'ci', role: 'viewer' })
      expect((await authenticateApiToken(storage, token))?.role).toBe('viewer')
      const rows = await storage.db.selectFrom('api_tokens').selectAll().execute()
      expect(JSON.stringify(rows)).not.toContain(token)
      await revokeApiToken(storage, info.id)
      expect(await authenticateApiToken(storage, token)).toBeUndefined()
    })
  })
})

describe.each(ENGINES)('migration 0110 on %s', (engine: EngineName) => {
  /** A finding carrying the laptop's own acceptance, as `aiscout scan --format json` writes it. */
  const acceptedFinding = (key: string, accepted: unknown) => {
    const f = findingUpsert(key, 'a1')
    if (f.op !== 'upsert') throw new Error('upsert expected')
    const data = { ...f.data, accepted }
    return { ...f, data, hash: hashOf(data) }
  }

  it('backfills when a laptop acceptance ends for findings stored before it', async () => {
    const target = await freshTarget(engine)
    let storage = await openStorage(target)
    const team = await ensureTeam(storage)
    const d = await enrolled(storage, team)
    const at = '2030-01-01T00:00:00.000Z'
    await snapshot(storage, d.device.id, 1, undefined, [
      acceptedFinding('f:until', { note: 'n', acceptedAt: at, expiresAt: '2030-03-01T00:00:00Z' }),
      acceptedFinding('f:forever', { note: 'n', acceptedAt: at }),
      acceptedFinding('f:far', { note: 'n', acceptedAt: at, expiresAt: '+012000-01-01T00:00:00Z' }),
      acceptedFinding('f:forged', { note: '', acceptedAt: at }),
      findingUpsert('f:plain', 'a1'),
    ])
    const until = async () =>
      Object.fromEntries(
        (
          await storage.db
            .selectFrom('device_findings')
            .select(['finding_key', 'device_accepted_until'])
            .execute()
        ).map((r) => [r.finding_key, r.device_accepted_until]),
      )
    const expected = {
      'f:until': '2030-03-01T00:00:00.000Z',
      'f:forever': NO_EXPIRY,
      // Past year 9999: held for good, not written '+012000-…' (which sorts before now).
      'f:far': NO_EXPIRY,
      'f:forged': null,
      'f:plain': null,
    }
    // Ingest records it ...
    expect(await until()).toEqual(expected)
    // ... and a database from before 0110 gets it from the migration: undo 0110, reopen.
    await storage.db.schema.dropIndex('findings_device_accepted').execute()
    await storage.db.schema
      .alterTable('device_findings')
      .dropColumn('device_accepted_until')
      .execute()
    await storage.db
      .deleteFrom('server_migrations' as never)
      .where('name' as never, '=', '0110-device-acceptance' as never)
      .execute()
    await storage.close()
    storage = await openStorage(target)
    try {
      expect(await until()).toEqual(expected)
    } finally {
      await storage.close()
    }
  })
})
