import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  powerMonitor,
  safeStorage,
  screen,
  session,
  shell,
  Tray,
  utilityProcess,
} from 'electron'
import type { MenuItemConstructorOptions } from 'electron'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { homedir, hostname, tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { defaultDbPath, onBatteryPower } from '../core'
import type { EventChannel, IpcEvents, IpcHandlers } from '../shared/ipc'
import { INVOKE_CHANNELS } from '../shared/ipc'
import { createAppEvents, watcherLine } from './app-events'
import { createBackground } from './background'
import type { Background } from './background'
import {
  HIDDEN_ARG,
  loadBackgroundSettings,
  loginItemSettings,
  loginItemSupported,
  saveBackgroundSettings,
  setLinuxAutostart,
} from './background-settings'
import { createHandlers } from './handlers'
import type { AppHandlers } from './handlers'
import { createIpcRouter } from './ipc-router'
import { safeTokenStore } from './safe-token-store'
import { createAppLog } from './log'
import { buildMenuModel } from './menu-model'
import type { MenuItemModel } from './menu-model'
import { sqliteNativeBinding } from './native'
import type { AppOrigin } from './security'
import {
  denyAllPermissions,
  installNavigationGuards,
  isTrustedSender,
  secureWebPreferences,
} from './security'
import type { TrayModel } from './tray-model'
import { trayMenuTemplate } from './tray-model'
import type { ChildLink } from './watcher-host'
import { createWatcherHost } from './watcher-host'
import type { FromWatcher } from './watcher-protocol'
import { MIN_SIZE, loadBounds, saveBounds } from './window-state'

/**
 * Electron main: windows, the native menu, the tray, notifications and IPC. Everything with logic
 * lives in modules tested without Electron (security, menu-model, window-state, export-flow,
 * handlers, background, tray-model, watcher-host); this file only wires them to Electron's objects.
 */
const DOCS_URL = 'https://github.com/aiscout/aiscout#readme'

let win: BrowserWindow | undefined
let core: AppHandlers | undefined
let logPath: string | undefined
let tray: Tray | undefined
let background: Background | undefined
let quitting = false

const appOrigin = (): AppOrigin =>
  process.env.ELECTRON_RENDERER_URL
    ? { kind: 'dev', origin: new URL(process.env.ELECTRON_RENDERER_URL).origin }
    : { kind: 'file', indexUrl: pathToFileURL(join(__dirname, '../renderer/index.html')).href }

function emit<E extends EventChannel>(channel: E, payload: IpcEvents[E]): void {
  if (win && !win.isDestroyed()) win.webContents.send(channel, payload)
}

function createWindow(hidden = false): BrowserWindow {
  const stateFile = join(app.getPath('userData'), 'window.json')
  const bounds = loadBounds(
    stateFile,
    screen.getAllDisplays().map((d) => d.workArea),
  )
  const w = new BrowserWindow({
    ...(bounds.x !== undefined && bounds.y !== undefined ? { x: bounds.x, y: bounds.y } : {}),
    width: bounds.width,
    height: bounds.height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'AI Scout',
    backgroundColor: '#f6f7f9',
    webPreferences: {
      ...secureWebPreferences(join(__dirname, '../preload/index.js')),
      // Written out as well so that static checkers (electronegativity) see them at the call.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  })
  if (bounds.maximized) w.maximize()
  installNavigationGuards(w.webContents, appOrigin(), (url) => void shell.openExternal(url))
  // Middle-click and similar auxiliary opens go through the same window-open handler (denied).
  if (!hidden) w.once('ready-to-show', () => w.show())
  w.on('close', (e) => {
    const b = w.getNormalBounds()
    saveBounds(stateFile, { ...b, maximized: w.isMaximized() })
    // Closing the window keeps AI Scout in the tray; Quit (tray, menu, OS logout) ends it.
    if (quitting || !tray) return
    e.preventDefault()
    w.hide()
  })
  if (process.env.ELECTRON_RENDERER_URL) void w.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void w.loadFile(join(__dirname, '../renderer/index.html'))
  return w
}

function toTemplate(items: readonly MenuItemModel[]): MenuItemConstructorOptions[] {
  return items.map((i): MenuItemConstructorOptions => {
    if (i.type === 'separator') return { type: 'separator' }
    const action = i.action
    return {
      ...(i.label ? { label: i.label } : {}),
      ...(i.role ? { role: i.role } : {}),
      ...(i.accelerator ? { accelerator: i.accelerator } : {}),
      ...(i.submenu ? { submenu: toTemplate(i.submenu) } : {}),
      ...(action
        ? {
            click: () => {
              if (action.to === 'renderer') emit('app:command', action.command)
              else if (action.action === 'open-docs') void shell.openExternal(DOCS_URL)
              else if (logPath) shell.showItemInFolder(logPath)
            },
          }
        : {}),
    }
  })
}

function showWindow(): BrowserWindow {
  if (!win || win.isDestroyed()) win = createWindow()
  if (win.isMinimized()) win.restore()
  win.show()
  win.focus()
  return win
}

function showTray(m: TrayModel, base: string): void {
  const icon = nativeImage.createFromPath(join(base, 'resources', 'tray', `${m.icon}.png`))
  if (!tray) tray = new Tray(icon)
  else tray.setImage(icon)
  tray.setToolTip(m.tooltip)
  tray.setContextMenu(
    Menu.buildFromTemplate(
      trayMenuTemplate(
        m.items,
        (a) => void background?.onTrayAction(a),
      ) as MenuItemConstructorOptions[],
    ),
  )
}

/** The watcher process as an Electron utility process (below-normal priority set inside it). */
function utilityLink(modulePath: string): ChildLink {
  const child = utilityProcess.fork(modulePath, [], { serviceName: 'AI Scout watcher' })
  return {
    send: (m) => child.postMessage(m),
    onMessage: (cb) => child.on('message', (m: unknown) => cb(m as FromWatcher)),
    onExit: (cb) => child.on('exit', (code) => cb(code)),
    kill: () => void child.kill(),
    pid: () => child.pid,
  }
}

/**
 * Only the schedule needs it. systeminformation runs `ioreg` (macOS) or PowerShell (Windows) for
 * it by bare name, so core runs it in its trusted child, whose PATH holds only root-owned system
 * folders: a program named like them on the user's PATH is never started by the app.
 */
const onBattery = (): Promise<boolean> => onBatteryPower()

/** The HTML report printed by Chromium in a hidden window with JavaScript off. */
async function printToPdf(htmlPath: string, pdfPath: string): Promise<void> {
  const pw = new BrowserWindow({
    show: false,
    webPreferences: {
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      javascript: false,
      webSecurity: true,
    },
  })
  // The report page has no script and a CSP that forbids every fetch; it may not navigate either.
  pw.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  pw.webContents.on('will-navigate', (e) => e.preventDefault())
  try {
    await pw.loadFile(htmlPath)
    const pdf = await pw.webContents.printToPDF({ printBackground: true, pageSize: 'A4' })
    writeFileSync(pdfPath, pdf)
  } finally {
    pw.destroy()
  }
}

// One AI Scout per user: a second start (a click on the icon, launch at login) focuses this one.
if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => showWindow())
  void app.whenReady().then(ready)
}

function ready(): void {
  denyAllPermissions(session.defaultSession)
  const log = createAppLog(join(app.getPath('logs'), 'aiscout.log'))
  logPath = log.path
  const base = app.isPackaged ? process.resourcesPath : app.getAppPath()
  const nativeBinding = sqliteNativeBinding(base)
  if (!nativeBinding)
    log.error(
      'startup',
      `no Electron-ABI better-sqlite3 under ${join(base, 'native')}; run npm run dev (it builds one)`,
    )
  const home = homedir()
  const dbPath = process.env.AISCOUT_DB ?? defaultDbPath(home)
  const settingsFile = join(app.getPath('userData'), 'background.json')
  // The schedule asks synchronously when the last full scan ran: kept here, read in the db worker.
  let lastFull: Date | undefined
  const readLastFull = (): void =>
    void core?.db.call('lastFullScan').then(
      (t) => (lastFull = t === null ? undefined : new Date(t)),
      () => undefined,
    )
  // Pushes to the window, and what each push sets off in main (src/main/app-events.ts).
  const send = createAppEvents({
    toWindow: emit,
    readLastFullScan: readLastFull,
    refreshStatus: () => void core?.refreshStatus().catch(() => undefined),
    scanSettingsChanged: () => background?.scanSettingsChanged(),
    watcherChangedInventory: () => core?.sync.inventoryChanged(),
  })
  core = createHandlers({
    dbPath,
    home,
    user: userInfo().username,
    hostname: hostname(),
    scanWorkerPath: join(__dirname, 'scan-worker.js'),
    dbWorkerPath: join(__dirname, 'db-worker.js'),
    ...(nativeBinding ? { nativeBinding } : {}),
    app: {
      version: app.getVersion(),
      platform: process.platform,
      arch: process.arch,
      versions: {
        node: process.versions.node,
        ...(process.versions.electron ? { electron: process.versions.electron } : {}),
        ...(process.versions.chrome ? { chrome: process.versions.chrome } : {}),
      },
    },
    log,
    emit: send,
    statusExtras: () => (background ? { watcher: watcherLine(background.status()) } : {}),
    // The device token, encrypted by the OS keychain, beside the inventory it belongs to.
    tokens: safeTokenStore(`${dbPath}.sync-token.enc`, safeStorage, {
      backend: () =>
        process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os-keychain',
    }),
    os: {
      revealInFolder: (p) => shell.showItemInFolder(p),
      openExternal: (url) => shell.openExternal(url),
      copyText: (t) => clipboard.writeText(t),
      async pickFolder(title) {
        const r = await dialog.showOpenDialog(win!, {
          title,
          properties: ['openDirectory', 'dontAddToRecent'],
        })
        return r.canceled ? undefined : r.filePaths[0]
      },
      async pickSavePath(req) {
        const r = await dialog.showSaveDialog(win!, {
          title: req.title,
          defaultPath: req.defaultPath,
          filters: req.filters.map((f) => ({ name: f.name, extensions: [...f.extensions] })),
          properties: ['createDirectory', 'showOverwriteConfirmation'],
        })
        return r.canceled ? undefined : r.filePath
      },
      printToPdf,
    },
    scratchDir: () => mkdtempSync(join(tmpdir(), 'aiscout-export-')),
    defaultExportDir: app.getPath('documents'),
  })
  const appHandlers = core
  const host = createWatcherHost({
    spawn: () => utilityLink(join(__dirname, 'watcher-process.js')),
    onMessage: (m) => background?.onWatcherMessage(m),
  })
  background = createBackground({
    host,
    baseConfig: {
      dbPath,
      home,
      roots: [],
      exclude: [],
      hash: true,
      ...(nativeBinding ? { nativeBinding } : {}),
    },
    settings: loadBackgroundSettings(settingsFile),
    saveSettings: (s) => saveBackgroundSettings(settingsFile, s),
    applyLaunchAtLogin: (enabled) => {
      if (loginItemSupported(process.platform)) app.setLoginItemSettings(loginItemSettings(enabled))
      else if (process.platform === 'linux' && app.isPackaged)
        setLinuxAutostart({
          configHome: process.env.XDG_CONFIG_HOME || join(home, '.config'),
          execPath: process.env.APPIMAGE || process.execPath,
          enabled,
        })
    },
    watcherSetting: (on) =>
      void appHandlers
        .watcherSettingChanged(on)
        .catch((e: unknown) => log.error('policy', String(e))),
    // A full scan from the window or the tray runs in the scan worker; the watcher holds its
    // rescans meanwhile.
    scanNow: () => appHandlers.handlers['scan:start']({}),
    lastFullScan: () => lastFull,
    onBattery,
    showTray: (m) => showTray(m, base),
    notify: (n) => {
      if (!Notification.isSupported()) return
      const note = new Notification({ title: n.title, body: n.body, urgency: n.urgency })
      note.on('click', () => {
        showWindow()
        send('app:open', n.open)
      })
      note.show()
    },
    emit: send,
    log: (level, message) =>
      level === 'info' ? log.info(`[watcher] ${message}`) : log.error('watcher', message),
    openWindow: (view) => {
      showWindow()
      if (view === 'findings') send('app:command', { type: 'navigate', to: 'findings' })
    },
    quit: () => app.quit(),
  })
  const bg = background
  const handlers: IpcHandlers = {
    ...core.handlers,
    // Scoped rescans go straight to the scan worker; a full scan goes through the background
    // controller so that it never runs beside a scheduled one.
    'scan:start': (req) => (req.paths ? appHandlers.handlers['scan:start'](req) : bg.scanNow()),
    ...bg.ipc,
  }
  const router = createIpcRouter(handlers, {
    onError: (channel, error, reply) => {
      if (!reply.ok && reply.error.code !== 'invalid-argument' && reply.error.code !== 'not-found')
        log.error(
          channel,
          error instanceof Error ? `${error.name}: ${error.message}` : reply.error.message,
        )
    },
  })
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      const trusted = isTrustedSender(
        {
          senderId: event.sender.id,
          frameIsMain: event.senderFrame !== null && event.senderFrame === event.sender.mainFrame,
          frameUrl: event.senderFrame?.url,
        },
        { webContentsId: win?.webContents.id, app: appOrigin() },
      )
      if (!trusted)
        return { ok: false, error: { code: 'forbidden', message: 'IPC from an unexpected sender' } }
      return router.invoke(channel, args)
    })
  }
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      toTemplate(
        buildMenuModel({ platform: process.platform, appName: 'AI Scout', dev: !app.isPackaged }),
      ),
    ),
  )
  // Started at login: the tray only, the window opens from it.
  const hidden =
    process.argv.includes(HIDDEN_ARG) ||
    (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin)
  win = createWindow(hidden)
  readLastFull()
  bg.start()
  powerMonitor.on('resume', () => void background?.wake())
  app.on('activate', () => showWindow())
}

app.on('web-contents-created', (_e, contents) => {
  // Any other web contents (the PDF printer) gets the same guards.
  contents.on('will-attach-webview', (e) => e.preventDefault())
})

// The tray keeps the app alive with no window; the watcher stops before the app exits.
app.on('before-quit', (e) => {
  quitting = true
  if (!background) {
    void core?.close()
    return
  }
  const b = background
  background = undefined
  e.preventDefault()
  void b
    .stop()
    .finally(() => core?.close())
    .finally(() => app.quit())
})

app.on('window-all-closed', () => {
  if (!tray && process.platform !== 'darwin') app.quit()
})
