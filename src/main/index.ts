import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  powerMonitor,
  session,
  shell,
  Tray,
  utilityProcess,
} from 'electron'
import type { MenuItemConstructorOptions } from 'electron'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { Db } from '../core'
import { defaultDbPath, lastFullScanStart, openDb } from '../core'
import { INVOKE_CHANNELS } from '../shared/ipc'
import type { IpcEvents, IpcHandlers } from '../shared/ipc'
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
import { sqliteNativeBinding } from './native'
import type { TrayItem, TrayModel } from './tray-model'
import type { ChildLink } from './watcher-host'
import { createWatcherHost } from './watcher-host'
import type { FromWatcher } from './watcher-protocol'

let win: BrowserWindow | undefined
let tray: Tray | undefined
let background: Background | undefined
let quitting = false

// One AI Scout per user: a second start (a click on the icon, launch at login) focuses this one.
if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => showWindow())
  void app.whenReady().then(ready)
}

function createWindow(hidden: boolean): BrowserWindow {
  const w = new BrowserWindow({
    width: 1100,
    height: 760,
    show: false,
    title: 'AI Scout',
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  })
  // No navigation away from the app page and no new windows; links open in the browser.
  w.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  w.webContents.on('will-navigate', (e) => e.preventDefault())
  if (!hidden) w.once('ready-to-show', () => w.show())
  // Closing the window keeps AI Scout in the tray; Quit (tray, menu, OS logout) ends it.
  w.on('close', (e) => {
    if (quitting || !tray) return
    e.preventDefault()
    w.hide()
  })
  if (process.env.ELECTRON_RENDERER_URL) void w.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void w.loadFile(join(__dirname, '../renderer/index.html'))
  return w
}

function showWindow(): BrowserWindow {
  if (!win || win.isDestroyed()) win = createWindow(false)
  if (win.isMinimized()) win.restore()
  win.show()
  win.focus()
  return win
}

function send<K extends keyof IpcEvents>(channel: K, payload: IpcEvents[K]): void {
  if (win && !win.isDestroyed()) win.webContents.send(channel, payload)
}

function trayMenu(items: readonly TrayItem[]): MenuItemConstructorOptions[] {
  return items.map((i): MenuItemConstructorOptions => {
    switch (i.kind) {
      case 'label':
        return { label: i.text, enabled: false }
      case 'separator':
        return { type: 'separator' }
      case 'action':
        return {
          label: i.label,
          enabled: i.enabled,
          click: () => void background?.onTrayAction(i.action),
        }
      case 'submenu':
        return { label: i.label, submenu: trayMenu(i.items) }
    }
  })
}

function showTray(m: TrayModel, base: string): void {
  const icon = nativeImage.createFromPath(join(base, 'resources', 'tray', `${m.icon}.png`))
  if (!tray) tray = new Tray(icon)
  else tray.setImage(icon)
  tray.setToolTip(m.tooltip)
  tray.setContextMenu(Menu.buildFromTemplate(trayMenu(m.items)))
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

async function onBattery(): Promise<boolean> {
  // Loaded on first use: only the schedule needs it. Unknown (no battery, an error) is mains.
  const si = await import('systeminformation')
  const b = await si.battery()
  return b.hasBattery && !b.acConnected
}

function ready(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false))
  const base = app.isPackaged ? process.resourcesPath : app.getAppPath()
  const home = homedir()
  const dbPath = defaultDbPath(home)
  const nativeBinding = sqliteNativeBinding(base)
  const settingsFile = join(app.getPath('userData'), 'background.json')
  const scanHandlers = createHandlers({
    dbPath,
    home,
    workerPath: join(__dirname, 'scan-worker.js'),
    nativeBinding,
    emitProgress: (p) => send('scan:progress', p),
  })
  const host = createWatcherHost({
    spawn: () => utilityLink(join(__dirname, 'watcher-process.js')),
    onMessage: (m) => background?.onWatcherMessage(m),
  })
  background = createBackground({
    host,
    baseConfig: { dbPath, home, roots: [], exclude: [], hash: true, nativeBinding },
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
    scanNow: () => scanHandlers['scan:start'](),
    lastFullScan: () => {
      let db: Db | undefined
      try {
        db = openDb(dbPath, { nativeBinding, readonly: true })
        const t = lastFullScanStart(db)
        return t === undefined ? undefined : new Date(t)
      } catch {
        // No inventory yet (or not readable now): as if never scanned.
        return undefined
      } finally {
        db?.close()
      }
    },
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
    log: (level, message) => console[level === 'info' ? 'log' : level](`[watcher] ${message}`),
    openWindow: (view) => {
      showWindow()
      if (view === 'findings') send('app:open', { kind: 'findings', ids: [] })
    },
    quit: () => app.quit(),
  })
  const handlers: IpcHandlers = {
    ...scanHandlers,
    'scan:start': () => background!.scanNow(),
    ...background.ipc,
  }
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      // Only our own window's top frame may call in (Electron security checklist: validate the sender).
      if (
        !win ||
        event.sender !== win.webContents ||
        event.senderFrame !== win.webContents.mainFrame
      ) {
        throw new Error('IPC from an unexpected sender')
      }
      return (handlers[channel] as (...a: unknown[]) => Promise<unknown>)(...args)
    })
  }
  // Started at login: the tray only, the window opens from it.
  const hidden =
    process.argv.includes(HIDDEN_ARG) ||
    (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin)
  win = createWindow(hidden)
  background.start()
  powerMonitor.on('resume', () => void background?.wake())
  app.on('activate', () => showWindow())
}

// The tray keeps the app alive with no window; the watcher stops before the app exits.
app.on('window-all-closed', () => {
  if (!tray && process.platform !== 'darwin') app.quit()
})
app.on('before-quit', (e) => {
  quitting = true
  if (!background) return
  const b = background
  background = undefined
  e.preventDefault()
  void b.stop().finally(() => app.quit())
})
