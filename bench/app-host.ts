// The desktop app's main-process logic without Electron, for the watch bench's idle figure: the
// IPC handler table (its database worker thread, the scan worker it starts per scan), the
// background controller (scheduler armed with a daily scan, tray model, notifications) and the
// real watcher process, wired as src/main/index.ts wires them. Started with fork by
// bench/watch-bench.mjs: argv home, dbPath, out/main; it sends { type: 'ready', watcherPid } once
// the watcher watches and nothing is being scanned, and stops cleanly on { type: 'stop' }.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAppEvents } from '../src/main/app-events'
import { createBackground } from '../src/main/background'
import { DEFAULT_BACKGROUND_SETTINGS } from '../src/main/background-settings'
import { createHandlers } from '../src/main/handlers'
import { createAppLog } from '../src/main/log'
import { createWatcherHost, forkLink } from '../src/main/watcher-host'
import type { WatcherReport } from '../src/main/watcher-protocol'

const [home, dbPath, outMain] = process.argv.slice(2) as [string, string, string]
const scratch = mkdtempSync(join(tmpdir(), 'aiscout-app-host-'))
let report: WatcherReport | undefined

const send = createAppEvents({
  toWindow: () => undefined,
  readLastFullScan: () => void core.db.call('lastFullScan').catch(() => undefined),
  refreshStatus: () => void core.refreshStatus().catch(() => undefined),
  scanSettingsChanged: () => bg.scanSettingsChanged(),
  watcherChangedInventory: () => core.sync.inventoryChanged(),
})
const core = createHandlers({
  dbPath,
  home,
  user: 'bench',
  hostname: 'bench-host',
  scanWorkerPath: join(outMain, 'scan-worker.js'),
  dbWorkerPath: join(outMain, 'db-worker.js'),
  app: {
    version: '0.0.0',
    platform: process.platform,
    arch: process.arch,
    versions: { node: process.versions.node },
  },
  log: createAppLog(join(scratch, 'aiscout.log')),
  emit: send,
  os: {
    revealInFolder: () => undefined,
    openExternal: async () => undefined,
    copyText: () => undefined,
    pickFolder: async () => undefined,
    pickSavePath: async () => undefined,
    printToPdf: async () => undefined,
  },
  scratchDir: () => mkdtempSync(join(scratch, 'export-')),
  defaultExportDir: scratch,
})
const host = createWatcherHost({
  spawn: () => forkLink(join(outMain, 'watcher-process.js')),
  onMessage: (m) => {
    if (m.type === 'report') report = m.report
    bg.onWatcherMessage(m)
  },
})
const bg = createBackground({
  host,
  baseConfig: { dbPath, home, roots: [], exclude: [], hash: true },
  settings: { ...DEFAULT_BACKGROUND_SETTINGS, schedule: { kind: 'daily', at: '03:00' } },
  saveSettings: () => undefined,
  applyLaunchAtLogin: () => undefined,
  scanNow: () => core.handlers['scan:start']({}),
  lastFullScan: () => undefined,
  onBattery: async () => false,
  showTray: () => undefined,
  notify: () => undefined,
  emit: send,
  log: () => undefined,
  openWindow: () => undefined,
  quit: () => undefined,
})

async function main(): Promise<void> {
  bg.start()
  // What the window asks when it opens: the status line and the Overview (the db worker starts).
  await core.refreshStatus()
  await core.handlers['overview:get']()
  for (;;) {
    if (report?.state === 'watching' && !report.scanning) break
    await new Promise((r) => setTimeout(r, 100))
  }
  process.send?.({ type: 'ready', watcherPid: host.pid(), folders: report?.folders })
}

process.on('message', (m: { type: string }) => {
  if (m.type !== 'stop') return
  void bg
    .stop()
    .then(() => core.close())
    .then(() => process.exit(0))
})
void main()
