import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import * as CDX from '@cyclonedx/cyclonedx-library'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyServerAcceptances, latestChangeSeq, openDb, readChanges } from '../../src/core'
import { storeConfig } from '../../src/core/sync/config'
import { createHandlers } from '../../src/main/handlers'
import type { AppHandlers } from '../../src/main/handlers'
import { createIpcRouter } from '../../src/main/ipc-router'
import type { IpcRouter } from '../../src/main/ipc-router'
import type {
  AssetPage,
  FindingDetail,
  FindingGroups,
  FindingPage,
  IpcReply,
  Overview,
} from '../../src/shared/ipc'
import { loadSarifSchema } from '../core/report/helpers'
import { configWith } from '../helpers/accepted-risk'
import { testDeps } from '../helpers/handler-deps'
import { makeDemoHome } from '../helpers/demo-home'
import type { DemoHome } from '../helpers/demo-home'

const ROOT = resolve(__dirname, '../..')
const OUT = join(ROOT, 'out/main')

async function ok<T>(p: Promise<IpcReply<unknown>>): Promise<T> {
  const r = await p
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.value as T
}

describe('handler table over the real workers and a real SQLite file', () => {
  let dir: string
  let demo: DemoHome
  let app: AppHandlers
  let router: IpcRouter
  let t: ReturnType<typeof testDeps>
  const replies: string[] = []

  beforeAll(async () => {
    if (!existsSync(join(OUT, 'db-worker.js')))
      throw new Error('out/main is missing: run `npm run build` first')
    dir = mkdtempSync(join(tmpdir(), 'aiscout-handlers-'))
    demo = makeDemoHome()
    t = testDeps(dir, demo.home)
    app = createHandlers(t.deps)
    const r = createIpcRouter(app.handlers)
    router = {
      invoke: async (c, a) => {
        const x = await r.invoke(c, a)
        replies.push(JSON.stringify(x))
        return x
      },
    }
    const outcome = await ok<{ kind: string }>(router.invoke('scan:start', [{}]))
    expect(outcome.kind).toBe('complete')
  }, 120_000)
  afterAll(async () => {
    await app?.close()
    demo?.remove()
    rmSync(dir, { recursive: true, force: true })
  })

  it('reports scan state and progress as events, and the overview after the scan', async () => {
    const states = t.events
      .filter(([c]) => c === 'scan:state')
      .map(([, p]) => (p as { running: boolean }).running)
    expect(states).toEqual([true, false])
    expect(t.events.some(([c]) => c === 'scan:progress')).toBe(true)
    expect(
      t.events.some(
        ([c, p]) => c === 'inventory:changed' && (p as { reason: string }).reason === 'scan',
      ),
    ).toBe(true)
    const o = await ok<Overview>(router.invoke('overview:get', []))
    expect(o.lastScan?.status).toBe('complete')
    expect(o.lastScan?.roots).toEqual([demo.home])
    expect(o.totalAssets).toBeGreaterThan(50)
    expect(o.assetsByKind.model).toBeGreaterThan(5)
    expect(o.openBySeverity.critical).toBeGreaterThan(0)
    expect(o.top.length).toBeGreaterThan(0)
    expect(o.top.every((f) => f.severity === 'critical' || f.severity === 'high')).toBe(true)
    expect(o.models.malicious).toBeGreaterThanOrEqual(1)
  })

  it('a cancelled scan says so and keeps the previous inventory as it was', async () => {
    const before = await ok<Overview>(router.invoke('overview:get', []))
    const page = async () =>
      ok<{ rows: { id: string }[] }>(router.invoke('assets:list', [{ status: 'all', limit: 500 }]))
    const idsBefore = (await page()).rows.map((r) => r.id)
    const running = router.invoke('scan:start', [{}])
    // The cancel reaches the worker before its scan walks anything.
    expect(await ok<boolean>(router.invoke('scan:cancel', []))).toBe(true)
    const outcome = await ok<{ kind: string }>(running)
    expect(outcome.kind).toBe('interrupted')
    const after = await ok<Overview>(router.invoke('overview:get', []))
    expect(after.lastScan?.id).toBe(before.lastScan?.id)
    expect(after.lastAttempt?.status).toBe('interrupted')
    expect(after.totalAssets).toBe(before.totalAssets)
    expect(after.openBySeverity).toEqual(before.openBySeverity)
    expect((await page()).rows.map((r) => r.id)).toEqual(idsBefore)
  }, 60_000)

  it('pages assets by key: sorted, filtered, no row twice, and the same total as one big page', async () => {
    const q = { kinds: ['mcp-server'] as const, sort: { key: 'name', dir: 'asc' } as const }
    const all = await ok<AssetPage>(
      router.invoke('assets:list', [{ ...q, kinds: [...q.kinds], limit: 500 }]),
    )
    expect(all.total).toBe(all.rows.length)
    const seen: string[] = []
    let cursor: string | undefined
    do {
      const page: AssetPage = await ok(
        router.invoke('assets:list', [
          { ...q, kinds: [...q.kinds], limit: 7, ...(cursor ? { cursor } : {}) },
        ]),
      )
      expect(page.start).toBe(seen.length)
      seen.push(...page.rows.map((r) => r.id))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toEqual(all.rows.map((r) => r.id))
    const names = all.rows.map((r) => r.name.toLowerCase())
    expect(names).toEqual([...names].sort())
    // A jump to a row number continues by key from there.
    const jump = await ok<AssetPage>(
      router.invoke('assets:list', [{ ...q, kinds: [...q.kinds], at: 10, limit: 5 }]),
    )
    expect(jump.start).toBe(10)
    expect(jump.rows.map((r) => r.id)).toEqual(seen.slice(10, 15))
    // Facts for the tab's columns travel with the row.
    expect(all.rows.find((r) => r.facts.client)).toBeTruthy()
    const filtered = await ok<AssetPage>(
      router.invoke('assets:list', [{ kinds: ['mcp-server'], text: 'filesystem' }]),
    )
    expect(filtered.total).toBeGreaterThan(0)
    expect(filtered.total).toBeLessThan(all.total)
    const bySize = await ok<AssetPage>(
      router.invoke('assets:list', [
        { kinds: ['model'], sort: { key: 'size', dir: 'desc' }, limit: 500 },
      ]),
    )
    const sizes = bySize.rows.map((r) => r.sizeBytes ?? -1)
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a))
    const malicious = await ok<AssetPage>(
      router.invoke('assets:list', [{ kinds: ['model'], verdict: 'malicious' }]),
    )
    expect(malicious.rows.map((r) => r.path)).toContain(demo.paths.evil)
  })

  it('shows an asset with its findings and its links both ways', async () => {
    const servers = await ok<AssetPage>(
      router.invoke('assets:list', [{ kinds: ['mcp-server'], limit: 500 }]),
    )
    let linkedSeen = false
    for (const s of servers.rows) {
      const d = await ok<{
        links: { relation: string; direction: string; asset?: { kind: string } }[]
      }>(router.invoke('assets:get', [{ id: s.id }]))
      const key = d.links.find((l) => l.relation === 'uses-secret' && l.direction === 'out')
      if (key) {
        expect(key.asset?.kind).toBe('secret')
        linkedSeen = true
        break
      }
    }
    expect(linkedSeen).toBe(true)
    const evil = (
      await ok<AssetPage>(
        router.invoke('assets:list', [{ kinds: ['model'], verdict: 'malicious' }]),
      )
    ).rows.find((r) => r.path === demo.paths.evil)!
    const d = await ok<{
      findings: { severity: string; callable?: string }[]
      asset: { verdict: string }
    }>(router.invoke('assets:get', [{ id: evil.id }]))
    expect(d.asset.verdict).toBe('malicious')
    expect(d.findings.some((f) => f.severity === 'critical')).toBe(true)
  })

  it('groups findings by severity and rule, pages them, and explains each with its rule', async () => {
    const g = await ok<FindingGroups>(router.invoke('findings:groups', [{}]))
    expect(g.groups[0]!.severity).toBe('critical')
    const ranks = g.groups.map((x) =>
      ['info', 'low', 'medium', 'high', 'critical'].indexOf(x.severity),
    )
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a))
    const mcp = g.groups.find((x) => x.ruleId === 'mcp.unpinned-package')!
    const ids: string[] = []
    let cursor: string | undefined
    do {
      const p: FindingPage = await ok(
        router.invoke('findings:list', [
          {
            filter: { ruleId: mcp.ruleId, severities: [mcp.severity] },
            limit: 2,
            ...(cursor ? { cursor } : {}),
          },
        ]),
      )
      ids.push(...p.rows.map((r) => r.id))
      cursor = p.nextCursor
    } while (cursor)
    expect(ids.length).toBe(mcp.count)
    expect(new Set(ids).size).toBe(ids.length)
    const detail = await ok<{ rule: { why: string; fix: string; known: boolean } }>(
      router.invoke('findings:get', [{ id: ids[0]! }]),
    )
    expect(detail.rule.known).toBe(true)
    expect(detail.rule.why.length).toBeGreaterThan(20)
    expect(detail.rule.fix.length).toBeGreaterThan(10)
  })

  it('accepts a risk with a note (out of open counts, kept across a rescan), then reopens it', async () => {
    const before = await ok<Overview>(router.invoke('overview:get', []))
    const crit = (
      await ok<FindingPage>(
        router.invoke('findings:list', [{ filter: { severities: ['critical'] } }]),
      )
    ).rows[0]!
    const acc = await ok<{ note: string; acceptedBy: string }>(
      router.invoke('risk:accept', [
        { findingId: crit.id, note: 'Known fixture kept in a sandbox', expiresAt: '2099-01-01' },
      ]),
    )
    expect(acc).toMatchObject({ note: 'Known fixture kept in a sandbox', acceptedBy: 'tester' })
    const after = await ok<Overview>(router.invoke('overview:get', []))
    expect(after.openBySeverity.critical).toBe(before.openBySeverity.critical - 1)
    expect(after.accepted).toBe(before.accepted + 1)
    await ok(router.invoke('scan:start', [{}]))
    const accepted = await ok<FindingPage>(
      router.invoke('findings:list', [{ filter: { state: 'accepted' } }]),
    )
    expect(accepted.rows.map((r) => r.id)).toEqual([crit.id])
    expect(accepted.rows[0]!.accepted?.expiresAt).toBe('2099-01-01T00:00:00.000Z')
    expect(await ok(router.invoke('risk:reopen', [{ findingId: crit.id }]))).toBe(true)
    expect((await ok<Overview>(router.invoke('overview:get', []))).openBySeverity.critical).toBe(
      before.openBySeverity.critical,
    )
    expect(await router.invoke('risk:reopen', [{ findingId: crit.id }])).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    })
  }, 120_000)

  it("shows the security team's acceptance from the sync config as accepted, and will not reopen it", async () => {
    const before = await ok<Overview>(router.invoke('overview:get', []))
    const crit = (
      await ok<FindingPage>(
        router.invoke('findings:list', [{ filter: { severities: ['critical'] } }]),
      )
    ).rows[0]!
    // What the sync client does with a fetched config (another connection: the CLI's sync).
    const other = openDb(join(dir, 'inventory.db'))
    try {
      storeConfig(
        other,
        configWith([
          {
            findingKey: crit.id,
            note: 'Reviewed by secops',
            acceptedBy: 'ada',
            acceptedAt: new Date().toISOString(),
          },
        ]),
      )
    } finally {
      other.close()
    }
    const after = await ok<Overview>(router.invoke('overview:get', []))
    expect(after.openBySeverity.critical).toBe(before.openBySeverity.critical - 1)
    const d = await ok<FindingDetail>(router.invoke('findings:get', [{ id: crit.id }]))
    expect(d.acceptance).toMatchObject({
      note: 'Reviewed by secops',
      acceptedBy: 'ada',
      source: 'server',
      expired: false,
    })
    expect(d.finding.state).toBe('accepted')
    expect(await router.invoke('risk:reopen', [{ findingId: crit.id }])).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringMatching(/security team \(ada\)/) },
    })
    // The next config without it: open again.
    const again = openDb(join(dir, 'inventory.db'))
    try {
      applyServerAcceptances(again, [])
    } finally {
      again.close()
    }
    expect((await ok<Overview>(router.invoke('overview:get', []))).openBySeverity.critical).toBe(
      before.openBySeverity.critical,
    )
  }, 120_000)

  it('answers unknown ids with not-found, never a crash', async () => {
    expect(
      await router.invoke('assets:get', [{ id: 'model:000000000000000000000000' }]),
    ).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: expect.stringContaining('No asset') },
    })
    expect(await router.invoke('findings:get', [{ id: 'ffff' }])).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    })
    expect(await router.invoke('risk:accept', [{ findingId: 'ffff', note: 'x' }])).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    })
    expect(await router.invoke('model:report', [{ assetId: 'model:nope' }])).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    })
    expect(await router.invoke('assets:list', [{ cursor: 'Zm9yZ2Vk' }])).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    })
  })

  it('reveals and copies only paths the inventory knows; opens only https links', async () => {
    const evil = (
      await ok<AssetPage>(
        router.invoke('assets:list', [{ kinds: ['model'], verdict: 'malicious' }]),
      )
    ).rows.find((r) => r.path === demo.paths.evil)!
    await ok(router.invoke('shell:reveal', [{ assetId: evil.id }]))
    await ok(router.invoke('clipboard:write', [{ assetId: evil.id }]))
    expect(t.os.revealed).toEqual([demo.paths.evil])
    expect(t.os.copied).toEqual([demo.paths.evil])
    expect(await router.invoke('shell:open-external', ['file:///etc/passwd'])).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    })
    await ok(
      router.invoke('shell:open-external', ['https://nvd.nist.gov/vuln/detail/CVE-2025-32434']),
    )
    expect(t.os.opened).toEqual(['https://nvd.nist.gov/vuln/detail/CVE-2025-32434'])
  })

  it('runs a model report: a fresh static scan with evidence, why and fix', async () => {
    const evil = (
      await ok<AssetPage>(
        router.invoke('assets:list', [{ kinds: ['model'], verdict: 'malicious' }]),
      )
    ).rows.find((r) => r.path === demo.paths.evil)!
    const r = await ok<{
      scan: { ok: boolean; verdict: string; callables: string[]; findings: { why: string }[] }
    }>(router.invoke('model:report', [{ assetId: evil.id }]))
    expect(r.scan.ok).toBe(true)
    expect(r.scan.verdict).toBe('malicious')
    expect(r.scan.callables.join(' ')).toMatch(/system/)
    expect(r.scan.findings.every((f) => f.why.length > 0)).toBe(true)
  })

  it('runs a model report on a model repository: its configs and custom code, file and line', async () => {
    const repos = (
      await ok<AssetPage>(
        router.invoke('assets:list', [{ kinds: ['model'], verdict: 'malicious', limit: 50 }]),
      )
    ).rows.filter((r) => r.path !== demo.paths.evil && statSync(r.path).isDirectory())
    expect(repos.length).toBeGreaterThan(0)
    const r = await ok<{
      scan: {
        ok: boolean
        format: string
        verdict: string
        metadata: Record<string, unknown>
        findings: { file?: string; line?: number; why: string; severity: string }[]
      }
    }>(router.invoke('model:report', [{ assetId: repos[0]!.id }]))
    expect(r.scan.ok).toBe(true)
    expect(r.scan.format).toBe('repository')
    expect(r.scan.verdict).toBe('malicious')
    expect(r.scan.metadata).toHaveProperty('Needs trust_remote_code')
    const worst = r.scan.findings.find((f) => f.severity === 'critical')!
    // Each finding names its file inside the repository (a weight file, a config, code).
    expect(worst.file).toMatch(/^[^/\\].*\.\w+$/)
    expect(r.scan.metadata['Weight files scanned']).toBeGreaterThan(0)
    expect(worst.why.length).toBeGreaterThan(0)
  })

  it('exports every format from the inventory with accepted risk marked; files parse', async () => {
    const crit = (
      await ok<FindingPage>(
        router.invoke('findings:list', [{ filter: { severities: ['critical'] } }]),
      )
    ).rows[0]!
    await ok(router.invoke('risk:accept', [{ findingId: crit.id, note: 'exported acceptance' }]))
    // A folder that does not exist: a clear error, no hang.
    expect(await router.invoke('export:save', [{ format: 'json' }])).toMatchObject({
      ok: false,
      error: { code: 'unavailable', message: expect.stringContaining('Cannot write') },
    })
    mkdirSync(join(dir, 'exports'), { recursive: true })
    const out: Record<string, string> = {}
    for (const format of ['json', 'csv', 'sarif', 'cyclonedx', 'html'] as const) {
      const r = await ok<{ kind: string; path: string; bytes: number }>(
        router.invoke('export:save', [{ format }]),
      )
      expect(r.kind).toBe('saved')
      expect(r.bytes).toBeGreaterThan(100)
      out[format] = readFileSync(r.path, 'utf8')
    }
    const json = JSON.parse(out.json!) as {
      findings: { id: string; accepted?: { note: string } }[]
    }
    const schema = JSON.parse(
      readFileSync(join(ROOT, 'resources/schemas/scan-output.schema.json'), 'utf8'),
    )
    const ajv = new Ajv({ allErrors: true, strict: false })
    addFormats(ajv)
    expect(ajv.compile(schema)(json)).toBe(true)
    expect(json.findings.find((f) => f.id === crit.id)?.accepted?.note).toBe('exported acceptance')
    const sarif = JSON.parse(out.sarif!) as { runs: { results: { suppressions?: unknown[] }[] }[] }
    const sajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false })
    addFormats(sajv)
    expect(sajv.compile(loadSarifSchema())(sarif)).toBe(true)
    expect(sarif.runs[0]!.results.filter((r) => r.suppressions).length).toBe(1)
    expect(
      await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(
        out.cyclonedx!,
      ),
    ).toBeNull()
    expect(out.cyclonedx).toContain('exported acceptance')
    expect(out.csv!.split('\r\n')[0]).toContain('acceptedFindings')
    expect(out.html).toContain('<section id="accepted">')
    for (const text of Object.values(out))
      for (const v of demo.planted) expect(text).not.toContain(v)
    // PDF: the printer's failure comes back as an error reply, and no half-written file is left.
    const pdf = await router.invoke('export:save', [{ format: 'pdf' }])
    expect(pdf).toMatchObject({ ok: false, error: { code: 'internal' } })
    await ok(router.invoke('risk:reopen', [{ findingId: crit.id }]))
  })

  it('never lets a planted key value cross IPC', () => {
    expect(replies.length).toBeGreaterThan(20)
    const all = replies.join('\n')
    for (const v of demo.planted) expect(all).not.toContain(v)
  })

  it('keeps settings in the inventory across a restart of the handler table', async () => {
    const root = join(dir, 'models-root')
    const value = {
      roots: [root, '/definitely/gone'],
      exclude: ['**/tmp/**'],
      hash: false,
      verifyDigests: false,
    }
    const v = await ok<{ missingRoots: string[] }>(
      router.invoke('settings:update', [{ section: 'scan', value }]),
    )
    expect(v.missingRoots).toEqual([root, '/definitely/gone'])
    await app.close()
    app = createHandlers(t.deps)
    const r2 = createIpcRouter(app.handlers)
    router = { invoke: (c, a) => r2.invoke(c, a) }
    const again = await ok<{ settings: { scan: unknown } }>(router.invoke('settings:get', []))
    expect(again.settings.scan).toEqual(value)
  })

  it('clears the inventory only with the typed phrase, keeping settings', async () => {
    expect(await router.invoke('inventory:clear', [{ confirm: 'yes' }])).toMatchObject({
      ok: false,
    })
    const before = await ok<Overview>(router.invoke('overview:get', []))
    const db = openDb(t.deps.dbPath)
    const seq = latestChangeSeq(db)
    await ok(router.invoke('inventory:clear', [{ confirm: 'clear inventory' }]))
    const o = await ok<Overview>(router.invoke('overview:get', []))
    expect(o.totalAssets).toBe(0)
    // Readers of the change log (sync, notifications) learn that everything left.
    const after = readChanges(db, { after: seq, limit: 5000, state: false }).changes
    expect(after.filter((c) => c.entity === 'asset' && c.change === 'gone').length).toBe(
      before.totalAssets,
    )
    db.close()
    expect(o.lastScan).toBeUndefined()
    expect(
      (await ok<{ settings: { scan: { hash: boolean } } }>(router.invoke('settings:get', [])))
        .settings.scan.hash,
    ).toBe(false)
  })

  it('writes errors to the log and lists them for About, without key values', async () => {
    const info = await ok<{ logPath: string; dbSizeBytes: number; versions: { sqlite?: string } }>(
      router.invoke('app:info', []),
    )
    expect(info.versions.sqlite).toMatch(/^3\./)
    expect(info.dbSizeBytes).toBeGreaterThan(0)
    const diag = await ok<{ text: string }>(router.invoke('app:diagnostics', []))
    expect(diag.text).toContain('AI Scout 0.1.0')
    expect(diag.text).toContain('inventory: ')
    for (const v of demo.planted) expect(diag.text).not.toContain(v)
    expect(readdirSync(join(dir, 'logs'))).toContain('aiscout.log')
  })
})
