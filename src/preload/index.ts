import { contextBridge, ipcRenderer } from 'electron'
import type { IpcRendererEvent } from 'electron'
import type { RendererApi } from '../shared/ipc'
import type { ScanProgress } from '../shared/types'

// Named methods only (no generic invoke): the renderer can reach exactly these channels.
const api: RendererApi = {
  getSummary: () => ipcRenderer.invoke('inventory:summary'),
  startScan: () => ipcRenderer.invoke('scan:start'),
  cancelScan: () => ipcRenderer.invoke('scan:cancel'),
  onScanProgress(cb) {
    const listener = (_e: IpcRendererEvent, p: ScanProgress): void => cb(p)
    ipcRenderer.on('scan:progress', listener)
    return () => ipcRenderer.removeListener('scan:progress', listener)
  },
}

contextBridge.exposeInMainWorld('api', api)
