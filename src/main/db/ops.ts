import { createWriteStream, statSync } from 'node:fs'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import type { Db, ReportFormat } from '../../core'
import {
  AcceptRiskError,
  ackChanges,
  getChangeConsumer,
  latestChangeSeq,
  MAX_CHANGE_PAGE,
  readChanges,
  registerChangeConsumer,
  clearInventory,
  isSettingsSection,
  lastFullScanStart,
  openInventoryReader,
  readSettings,
  recordPolicyFacts,
  reevaluatePolicies,
  reopenRisk,
  acceptRisk,
  writeReport,
  writeSettingsSection,
  NoScanError,
  SettingsError,
} from '../../core'
import type {
  AcceptRiskRequest,
  AcceptedRiskDto,
  AssetQuery,
  NewSince,
  Overview,
  FindingFilter,
  FindingQuery,
  SettingsUpdate,
  SettingsView,
} from '../../shared/ipc'
import { IpcFault, invalid, notFound } from '../errors'
import { modelReport } from './model-report'
import { SYNC_OPS } from './sync-ops'
import {
  findingGroups,
  getAsset,
  getFinding,
  listAssets,
  listFindings,
  listScans,
  overview,
  statusCounts,
} from './views'

/** The change-log consumer behind "new since you last looked". */
const OVERVIEW_CONSUMER = 'desktop-overview'
/** Changes counted for the summary, at most (a summary, not an audit: older ones are old news). */
const MAX_COUNTED = 50_000

/**
 * What changed since the user last marked the Overview seen. Nothing before the first time they
 * did (the first scan is not "new": all of it is shown anyway).
 */
function newSince(db: Db): NewSince | undefined {
  const c = getChangeConsumer(db, OVERVIEW_CONSUMER)
  const upTo = latestChangeSeq(db)
  if (!c || c.ackedSeq === 0 || upTo <= c.ackedSeq) return undefined
  const assets = { added: new Set<string>(), gone: new Set<string>() }
  const findings = { opened: new Set<string>(), resolved: new Set<string>() }
  let after = c.ackedSeq
  for (let counted = 0; counted < MAX_COUNTED;) {
    const page = readChanges(db, { after, limit: MAX_CHANGE_PAGE, state: false })
    for (const ch of page.changes) {
      if (ch.entity === 'asset') {
        if (ch.change === 'added') assets.added.add(ch.key)
        else if (ch.change === 'gone') assets.gone.add(ch.key)
      } else if (ch.change === 'opened') findings.opened.add(ch.key)
      else if (ch.change === 'resolved') findings.resolved.add(ch.key)
    }
    counted += page.changes.length
    after = page.next
    if (!page.more) break
  }
  return {
    since: c.updatedAt,
    upTo,
    assetsAdded: assets.added.size,
    assetsGone: assets.gone.size,
    findingsOpened: findings.opened.size,
    findingsResolved: findings.resolved.size,
  }
}

export type OpContext = Readonly<{
  db: Db
  dbPath: string
  user: string
  home: string
  now(): Date
}>

function missingRoots(roots: readonly string[]): string[] {
  return roots.filter((r) => {
    try {
      return !statSync(r).isDirectory()
    } catch {
      return true
    }
  })
}

function settingsView(ctx: OpContext): SettingsView {
  const settings = readSettings(ctx.db)
  return {
    settings,
    missingRoots: missingRoots(settings.scan.roots),
    home: ctx.home,
    dbPath: ctx.dbPath,
  }
}

/**
 * What a database worker can be asked to do, by name. Every op gets validated arguments (the IPC
 * router checked them against the contract) and returns plain data.
 */
export const OPS = {
  overview: (ctx: OpContext): Overview => {
    const o = { ...overview(ctx.db, ctx.now()), changeSeq: latestChangeSeq(ctx.db) }
    const n = newSince(ctx.db)
    return n ? { ...o, newSince: n } : o
  },
  markOverviewSeen(ctx: OpContext, upTo: number): boolean {
    registerChangeConsumer(ctx.db, OVERVIEW_CONSUMER)
    ackChanges(ctx.db, OVERVIEW_CONSUMER, Math.min(upTo, latestChangeSeq(ctx.db)))
    return true
  },
  status: (ctx: OpContext) => statusCounts(ctx.db, ctx.now()),
  listAssets: (ctx: OpContext, q: AssetQuery) => listAssets(ctx.db, q, ctx.now()),
  getAsset: (ctx: OpContext, id: string) => getAsset(ctx.db, id, ctx.now()),
  findingGroups: (ctx: OpContext, f: FindingFilter) => findingGroups(ctx.db, f, ctx.now()),
  listFindings: (ctx: OpContext, q: FindingQuery) => listFindings(ctx.db, q, ctx.now()),
  getFinding: (ctx: OpContext, id: string) => getFinding(ctx.db, id, ctx.now()),
  listScans: (ctx: OpContext, limit: number) => listScans(ctx.db, limit),
  acceptRisk(ctx: OpContext, req: AcceptRiskRequest): AcceptedRiskDto {
    try {
      const a = acceptRisk(ctx.db, { ...req, acceptedBy: ctx.user }, ctx.now())
      return { ...a, expired: false }
    } catch (e) {
      if (e instanceof AcceptRiskError)
        throw new IpcFault(e.code === 'not-found' ? 'not-found' : 'invalid-argument', e.message)
      throw e
    }
  },
  reopenRisk(ctx: OpContext, findingId: string): boolean {
    try {
      return reopenRisk(ctx.db, findingId, ctx.now())
    } catch (e) {
      // Accepted by the security team on the server: only they can reopen it.
      if (e instanceof AcceptRiskError) throw new IpcFault('forbidden', e.message)
      throw e
    }
  },
  getSettings: (ctx: OpContext) => settingsView(ctx),
  updateSettings(ctx: OpContext, u: SettingsUpdate): SettingsView {
    if (!isSettingsSection(u.section)) throw invalid(`unknown settings section ${u.section}`)
    try {
      writeSettingsSection(ctx.db, u.section, u.value as never, ctx.now())
    } catch (e) {
      if (e instanceof SettingsError) throw invalid(e.message)
      throw e
    }
    return settingsView(ctx)
  },
  clearInventory: (ctx: OpContext) => clearInventory(ctx.db),
  dbInfo(ctx: OpContext) {
    let size: number | undefined
    try {
      size = statSync(ctx.dbPath).size
      size += statSync(`${ctx.dbPath}-wal`).size
    } catch {
      // No WAL file right now.
    }
    const sqlite = (ctx.db.prepare(`SELECT sqlite_version() AS v`).get() as { v: string }).v
    return { sizeBytes: size, sqlite }
  },
  /** Streams a report from the inventory to a file (a job worker: long exports block no query). */
  async writeReport(
    ctx: OpContext,
    a: { format: ReportFormat; path: string; includeGone: boolean; toolVersion: string },
  ): Promise<{ bytes: number }> {
    let inv
    try {
      inv = openInventoryReader(ctx.db, { includeGone: a.includeGone })
    } catch (e) {
      if (e instanceof NoScanError)
        throw notFound('There is nothing to export yet: run a scan first.')
      throw e
    }
    const out = createWriteStream(a.path, { mode: 0o600 })
    // Settles on close or error, whenever that happens (an unwritable folder fails at open).
    const done = finished(out)
    // Handled here so an early failure is not an unhandled rejection; awaited below.
    done.catch(() => undefined)
    try {
      await once(out, 'open')
    } catch (e) {
      throw new IpcFault('unavailable', `Cannot write ${a.path}: ${(e as Error).message}`)
    }
    try {
      await writeReport(a.format, inv, out, {
        toolVersion: a.toolVersion,
        includeGone: a.includeGone,
      })
    } finally {
      out.end()
    }
    await done
    return { bytes: statSync(a.path).size }
  },
  modelReport: (ctx: OpContext, assetId: string) => modelReport(ctx.db, assetId, ctx.now()),
  /** When the last complete full scan started (ms since the epoch): the schedule's reference. */
  lastFullScan: (ctx: OpContext): number | null => lastFullScanStart(ctx.db) ?? null,
  /**
   * The background watcher was turned on or off in Settings: recorded for the scan-settings
   * policy ("watcher on") and the policies judged again. True when their findings changed.
   */
  watcherSetting(ctx: OpContext, on: boolean): boolean {
    recordPolicyFacts(ctx.db, { watcher: on })
    const d = reevaluatePolicies(ctx.db)
    return d?.seq !== undefined
  },
  /** Settings → Sync: state, the What-is-shared preview, disconnect (db/sync-ops.ts). */
  ...SYNC_OPS,
} as const

export type OpName = keyof typeof OPS
export type OpArgs<K extends OpName> =
  Parameters<(typeof OPS)[K]> extends [OpContext, infer A] ? A : undefined
export type OpResult<K extends OpName> = Awaited<ReturnType<(typeof OPS)[K]>>
