import { contextBridge, ipcRenderer } from 'electron'
import type { IpcRendererEvent } from 'electron'
import type { RendererApi } from '../shared/ipc'
import { EVENT_METHODS, INVOKE_METHODS } from '../shared/ipc-channels'

/**
 * window.api: one named method per channel of the contract (no generic invoke, so the page can
 * reach exactly these channels), plus one subscription per event. Arguments are validated in
 * main, not here: the preload is not a trust boundary.
 */
const api: Record<string, unknown> = {}
for (const [channel, method] of Object.entries(INVOKE_METHODS)) {
  api[method] = (...args: unknown[]) => ipcRenderer.invoke(channel, ...args)
}
for (const [channel, method] of Object.entries(EVENT_METHODS)) {
  api[method] = (cb: (payload: unknown) => void) => {
    const listener = (_e: IpcRendererEvent, payload: unknown): void => cb(payload)
    ipcRenderer.on(channel, listener)
    return () => {
      ipcRenderer.removeListener(channel, listener)
    }
  }
}

contextBridge.exposeInMainWorld('api', Object.freeze(api) as RendererApi)
