import { createWriteStream, statSync } from 'node:fs'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import type { Db, ReportFormat } from '../../core'
import {
  AcceptRiskError,
  clearInventory,
  isSettingsSection,
  openInventoryReader,
  readSettings,
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
  FindingFilter,
  FindingQuery,
  SettingsUpdate,
  SettingsView,
} from '../../shared/ipc'
import { IpcFault, invalid, notFound } from '../errors'
import { modelReport } from './model-report'
import {
  findingGroups,
  getAsset,
  getFinding,
  listAssets,
  listFindings,
  listScans,
  overview,
  statusCounts,
} from './queries'

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
  overview: (ctx: OpContext) => overview(ctx.db, ctx.now()),
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
  reopenRisk: (ctx: OpContext, findingId: string) => reopenRisk(ctx.db, findingId),
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
} as const

export type OpName = keyof typeof OPS
export type OpArgs<K extends OpName> =
  Parameters<(typeof OPS)[K]> extends [OpContext, infer A] ? A : undefined
export type OpResult<K extends OpName> = Awaited<ReturnType<(typeof OPS)[K]>>
