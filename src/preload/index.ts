import { contextBridge, ipcRenderer } from 'electron'
import type { IpcRendererEvent } from 'electron'
import type { IpcEvents, RendererApi } from '../shared/ipc'

function on<K extends keyof IpcEvents>(channel: K, cb: (p: IpcEvents[K]) => void): () => void {
  const listener = (_e: IpcRendererEvent, p: IpcEvents[K]): void => cb(p)
  ipcRenderer.on(channel, listener)
  return () => ipcRenderer.removeListener(channel, listener)
}

// Named methods only (no generic invoke): the renderer can reach exactly these channels.
const api: RendererApi = {
  getSummary: () => ipcRenderer.invoke('inventory:summary'),
  startScan: () => ipcRenderer.invoke('scan:start'),
  cancelScan: () => ipcRenderer.invoke('scan:cancel'),
  getBackgroundSettings: () => ipcRenderer.invoke('settings:background'),
  setBackgroundSettings: (change) => ipcRenderer.invoke('settings:set-background', change),
  getWatcherStatus: () => ipcRenderer.invoke('watcher:status'),
  pauseWatcher: (until) => ipcRenderer.invoke('watcher:pause', until),
  resumeWatcher: () => ipcRenderer.invoke('watcher:resume'),
  onScanProgress: (cb) => on('scan:progress', cb),
  onInventoryChanged: (cb) => on('inventory:changed', cb),
  onWatcherStatus: (cb) => on('watcher:status', cb),
  onOpen: (cb) => on('app:open', cb),
}

contextBridge.exposeInMainWorld('api', api)
