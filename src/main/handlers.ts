import { statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileTokenStore } from '../core'
import type { ScanProgress } from '../core'
import type {
  AppInfo,
  AppStatus,
  EventChannel,
  IpcEvents,
  IpcHandlers,
  ItemRef,
} from '../shared/ipc'
import { createDbClient } from './db-client'
import type { DbClient } from './db-client'
import { buildDiagnostics } from './diagnostics'
import { busy, invalid, notFound, unavailable } from './errors'
import type { SaveDialogRequest } from './export-flow'
import { runExport } from './export-flow'
import type { AppLog } from './log'
import { createScanRunner } from './scan-runner'
import type { ScanRunner } from './scan-runner'
import { externalUrlVerdict } from './security'
import { createSyncController } from './sync/controller'
import type { AppTokenStore, SyncController, SyncControllerDeps } from './sync/controller'

/** What the handler table needs from its host: Electron main, or the browser tests. */
export type HandlerDeps = Readonly<{
  dbPath: string
  home: string
  /** The OS user: recorded as who accepted a risk. */
  user: string
  hostname: string
  /** Built workers: out/main/scan-worker.js and out/main/db-worker.js. */
  scanWorkerPath: string
  dbWorkerPath: string
  /** Electron-ABI better-sqlite3 binding; undefined under plain Node. */
  nativeBinding?: string
  app: Readonly<{
    version: string
    platform: string
    arch: string
    versions: AppInfo['versions']
  }>
  log: AppLog
  /** main → renderer events (webContents.send in Electron). */
  emit<E extends EventChannel>(channel: E, payload: IpcEvents[E]): void
  /** The OS integrations: Electron's shell, clipboard and dialogs in the app. */
  os: Readonly<{
    revealInFolder(path: string): void
    openExternal(url: string): Promise<void>
    copyText(text: string): void
    pickFolder(title: string): Promise<string | undefined>
    pickSavePath(req: SaveDialogRequest): Promise<string | undefined>
    /** The HTML report printed to PDF by Chromium. */
    printToPdf(htmlPath: string, pdfPath: string): Promise<void>
  }>
  scratchDir(): string
  defaultExportDir: string
  /** What other shells (the watcher, sync) add to the status line and tray. */
  statusExtras?(): Pick<AppStatus, 'watcher' | 'sync'>
  /**
   * Where the device token lives: the OS keychain in the app (safe-token-store.ts); default, as
   * for the CLI, a 0600 file beside the inventory. Never read by the renderer.
   */
  tokens?: AppTokenStore
  /** Built sync worker; default: sync-worker.js beside the db worker. */
  syncWorkerPath?: string
  /** Sync schedule and retry options (tests: short debounce, fast retries, own hardware id). */
  sync?: Partial<Pick<SyncControllerDeps, 'debounceMs' | 'retry' | 'env' | 'timers' | 'now'>>
}>

export type AppHandlers = Readonly<{
  handlers: IpcHandlers
  scans: ScanRunner
  db: DbClient
  /** Sync with the central server (Settings → Sync, the automatic schedule). */
  sync: SyncController
  /** Recomputes the status and sends it to the renderer (status line, later the tray). */
  refreshStatus(): Promise<AppStatus>
  /**
   * The background watcher's on/off setting (Settings → Background), for fleet policies that
   * require it: a change in their findings reaches the window and the next sync.
   */
  watcherSettingChanged(on: boolean): Promise<void>
  close(): Promise<void>
}>

const noBackground = async (): Promise<never> => {
  throw unavailable('The background watcher runs in the desktop app only.')
}

/**
 * The IPC handler table: plain Node (no electron import). Electron main registers it with
 * ipcMain.handle behind the router (sender check, argument validation); the browser tests
 * install the same table in the page. Inventory queries run in the database worker, scans in
 * the scan worker: nothing here touches SQLite on the calling thread.
 */
export function createHandlers(deps: HandlerDeps): AppHandlers {
  const db = createDbClient({
    workerPath: deps.dbWorkerPath,
    dbPath: deps.dbPath,
    user: deps.user,
    home: deps.home,
    ...(deps.nativeBinding ? { nativeBinding: deps.nativeBinding } : {}),
    onFailure: (op, detail) => deps.log.error(`db:${op}`, detail),
  })

  const sync = createSyncController({
    db,
    tokens: deps.tokens ?? fileTokenStore(`${deps.dbPath}.sync-token`),
    dbPath: deps.dbPath,
    ...(deps.nativeBinding ? { nativeBinding: deps.nativeBinding } : {}),
    appVersion: deps.app.version,
    workerPath: deps.syncWorkerPath ?? join(dirname(deps.dbWorkerPath), 'sync-worker.js'),
    emit: (v) => {
      deps.emit('sync:status', v)
      void refreshStatus().catch(() => undefined)
    },
    log: deps.log,
    ...deps.sync,
  })

  const status = async (): Promise<AppStatus> => {
    const counts = await db.call('status')
    const line = sync.statusLine()
    return {
      scan: scans.state(),
      ...counts,
      ...(line ? { sync: line } : {}),
      ...(deps.statusExtras?.() ?? {}),
    }
  }
  const refreshStatus = async (): Promise<AppStatus> => {
    const s = await status()
    deps.emit('status:changed', s)
    return s
  }
  const changed = (reason: IpcEvents['inventory:changed']['reason']): void => {
    deps.emit('inventory:changed', { reason })
    if (reason !== 'settings') sync.inventoryChanged()
    void refreshStatus().catch((e: unknown) => deps.log.error('status', String(e)))
  }

  const scans = createScanRunner({
    workerPath: deps.scanWorkerPath,
    dbPath: deps.dbPath,
    home: deps.home,
    ...(deps.nativeBinding ? { nativeBinding: deps.nativeBinding } : {}),
    onProgress: (p: ScanProgress) => deps.emit('scan:progress', p),
    onState: (s) => {
      deps.emit('scan:state', s)
      if (!s.running && s.last?.kind === 'failed') deps.log.error('scan', s.last.message)
    },
    onComplete: () => changed('scan'),
  })

  /** The path behind an asset or finding the page names: never a path the page made up. */
  const pathOf = async (ref: ItemRef): Promise<string> => {
    if ('assetId' in ref) return (await db.call('getAsset', ref.assetId)).asset.path
    return (await db.call('getFinding', ref.findingId)).finding.path
  }
  const isFsPath = (p: string): boolean =>
    p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\')

  const appInfo = async (): Promise<AppInfo> => {
    const info = await db.call('dbInfo').catch(() => undefined)
    return {
      name: 'AI Scout',
      version: deps.app.version,
      platform: deps.app.platform,
      arch: deps.app.arch,
      versions: { ...deps.app.versions, ...(info?.sqlite ? { sqlite: info.sqlite } : {}) },
      dbPath: deps.dbPath,
      ...(info?.sizeBytes !== undefined ? { dbSizeBytes: info.sizeBytes } : {}),
      logPath: deps.log.path,
      recentErrors: deps.log.recent(),
    }
  }

  const handlers: IpcHandlers = {
    'app:info': appInfo,
    async 'app:diagnostics'() {
      const [info, overview, settings] = await Promise.all([
        appInfo(),
        db.call('overview').catch(() => undefined),
        db.call('getSettings').catch(() => undefined),
      ])
      return { text: buildDiagnostics({ info, overview, settings, scan: scans.state() }) }
    },
    'overview:get': () => db.call('overview'),
    'overview:seen': ({ upTo }) => db.call('markOverviewSeen', upTo),
    async 'scan:start'(req) {
      return scans.start(req)
    },
    async 'scan:cancel'() {
      return scans.cancel()
    },
    async 'scan:state'() {
      return scans.state()
    },
    'assets:list': (q) => db.call('listAssets', q),
    'assets:get': ({ id }) => db.call('getAsset', id),
    'findings:groups': (f) => db.call('findingGroups', f),
    'findings:list': (q) => db.call('listFindings', q),
    'findings:get': ({ id }) => db.call('getFinding', id),
    async 'risk:accept'(req) {
      const r = await db.call('acceptRisk', req)
      changed('risk')
      return r
    },
    async 'risk:reopen'({ findingId }) {
      const r = await db.call('reopenRisk', findingId)
      if (!r) throw notFound('This finding was not accepted.')
      changed('risk')
      return r
    },
    'model:report': ({ assetId }) => db.job('modelReport', assetId),
    'history:list': ({ limit }) => db.call('listScans', limit ?? 20),
    'settings:get': () => db.call('getSettings'),
    async 'settings:update'(u) {
      const v = await db.call('updateSettings', u)
      changed('settings')
      return v
    },
    async 'settings:pick-folder'({ title }) {
      return (await deps.os.pickFolder(title ?? 'Choose a folder to scan')) ?? null
    },
    async 'inventory:clear'() {
      if (scans.running()) throw busy('A scan is running. Cancel it before clearing the inventory.')
      await db.call('clearInventory')
      changed('clear')
      return true
    },
    async 'export:save'({ format, includeGone }) {
      return runExport(
        format,
        { includeGone: includeGone === true },
        {
          pickSavePath: deps.os.pickSavePath,
          writeReport: async (f, path, o) => {
            await db.job('writeReport', {
              format: f,
              path,
              includeGone: o.includeGone,
              toolVersion: deps.app.version,
            })
          },
          printToPdf: deps.os.printToPdf,
          scratchDir: deps.scratchDir,
          defaultDir: deps.defaultExportDir,
          hostname: deps.hostname,
          now: () => new Date(),
        },
      )
    },
    async 'shell:reveal'(ref) {
      const p = await pathOf(ref)
      if (!isFsPath(p))
        throw invalid(
          'This item has no file on disk (it was found in the environment or a system probe).',
        )
      try {
        statSync(p)
      } catch {
        throw notFound(`${p} is not there any more. Rescan to update the inventory.`)
      }
      deps.os.revealInFolder(p)
      return true
    },
    async 'shell:open-external'(url) {
      const v = externalUrlVerdict(url)
      if (!v.ok) throw invalid(`Not opened: ${v.reason}.`)
      await deps.os.openExternal(v.url)
      return true
    },
    async 'clipboard:write'(what) {
      deps.os.copyText('text' in what ? what.text : await pathOf(what))
      return true
    },
    'status:get': status,
    // The background channels are answered by src/main/background.ts, which Electron main
    // layers over this table; a host without a watcher (a test, a headless shell) says so.
    'settings:background': noBackground,
    'settings:set-background': noBackground,
    'watcher:status': noBackground,
    'watcher:pause': noBackground,
    'watcher:resume': noBackground,
    ...sync.ipc,
  }
  void sync.start().catch((e: unknown) => deps.log.error('sync', String(e)))
  return {
    handlers,
    scans,
    db,
    sync,
    refreshStatus,
    async watcherSettingChanged(on) {
      if (await db.call('watcherSetting', on)) changed('policy')
    },
    async close() {
      await sync.stop()
      await scans.close()
      await db.close()
    },
  }
}
