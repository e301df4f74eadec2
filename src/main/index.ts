import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  Menu,
  screen,
  session,
  shell,
} from 'electron'
import type { MenuItemConstructorOptions } from 'electron'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { homedir, hostname, tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { defaultDbPath } from '../core'
import type { EventChannel, IpcEvents } from '../shared/ipc'
import { INVOKE_CHANNELS } from '../shared/ipc'
import { createHandlers } from './handlers'
import type { AppHandlers } from './handlers'
import { createIpcRouter } from './ipc-router'
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
import { MIN_SIZE, loadBounds, saveBounds } from './window-state'

/**
 * Electron main: windows, the native menu and IPC. Everything with logic lives in modules tested
 * without Electron (security, menu-model, window-state, export-flow, handlers); this file only
 * wires them to Electron's objects.
 */
const DOCS_URL = 'https://github.com/aiscout/aiscout#readme'

let win: BrowserWindow | undefined
let core: AppHandlers | undefined
let logPath: string | undefined

const appOrigin = (): AppOrigin =>
  process.env.ELECTRON_RENDERER_URL
    ? { kind: 'dev', origin: new URL(process.env.ELECTRON_RENDERER_URL).origin }
    : { kind: 'file', indexUrl: pathToFileURL(join(__dirname, '../renderer/index.html')).href }

function emit<E extends EventChannel>(channel: E, payload: IpcEvents[E]): void {
  if (win && !win.isDestroyed()) win.webContents.send(channel, payload)
}

function createWindow(): BrowserWindow {
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
  w.once('ready-to-show', () => w.show())
  w.on('close', () => {
    const b = w.getNormalBounds()
    saveBounds(stateFile, { ...b, maximized: w.isMaximized() })
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

void app.whenReady().then(() => {
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
  core = createHandlers({
    dbPath: process.env.AISCOUT_DB ?? defaultDbPath(home),
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
    emit,
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
  const router = createIpcRouter(core.handlers, {
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
  win = createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) win = createWindow()
  })
})

app.on('web-contents-created', (_e, contents) => {
  // Any other web contents (the PDF printer) gets the same guards.
  contents.on('will-attach-webview', (e) => e.preventDefault())
})

app.on('before-quit', () => {
  void core?.close()
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
