import { app, BrowserWindow, ipcMain, session, shell } from 'electron'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { defaultDbPath } from '../core/store'
import { INVOKE_CHANNELS } from '../shared/ipc'
import type { IpcHandlers } from '../shared/ipc'
import { createHandlers } from './handlers'
import { sqliteNativeBinding } from './native'

let win: BrowserWindow | undefined

function createWindow(): BrowserWindow {
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
  w.once('ready-to-show', () => w.show())
  if (process.env.ELECTRON_RENDERER_URL) void w.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void w.loadFile(join(__dirname, '../renderer/index.html'))
  return w
}

void app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false))
  const base = app.isPackaged ? process.resourcesPath : app.getAppPath()
  const handlers: IpcHandlers = createHandlers({
    dbPath: defaultDbPath(homedir()),
    home: homedir(),
    workerPath: join(__dirname, 'scan-worker.js'),
    nativeBinding: sqliteNativeBinding(base),
    emitProgress: (p) => win?.webContents.send('scan:progress', p),
  })
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
  win = createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) win = createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
