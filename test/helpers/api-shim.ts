import type { Page } from 'playwright-core'
import type { ScanProgress } from '../../src/shared/types'
import type { IpcHandlers } from '../../src/shared/ipc'
import { API_CHANNELS } from '../../src/shared/ipc'

/**
 * Stands in for the preload bridge: `window.api` in the page calls the very handler table that
 * Electron main registers with ipcMain.handle. Call before page.goto().
 */
export async function installApiShim(page: Page, handlers: IpcHandlers): Promise<void> {
  await page.exposeBinding(
    '__aiscoutInvoke',
    async (_src, channel: keyof IpcHandlers, args: unknown[]) =>
      (handlers[channel] as (...a: unknown[]) => Promise<unknown>)(...args),
  )
  await page.addInitScript(
    (channels: Record<string, string>) => {
      const w = globalThis as unknown as {
        __aiscoutInvoke(channel: string, args: unknown[]): Promise<unknown>
        __aiscoutEmit(p: unknown): void
      }
      const listeners = new Set<(p: unknown) => void>()
      const api: Record<string, unknown> = {}
      for (const [method, channel] of Object.entries(channels)) {
        api[method] = (...args: unknown[]) => w.__aiscoutInvoke(channel, args)
      }
      api.onScanProgress = (cb: (p: unknown) => void) => {
        listeners.add(cb)
        return () => listeners.delete(cb)
      }
      w.__aiscoutEmit = (p: unknown) => listeners.forEach((cb) => cb(p))
      Object.defineProperty(globalThis, 'api', { value: Object.freeze(api) })
    },
    API_CHANNELS as Record<string, string>,
  )
}

/** Pushes a main → renderer progress event into the page (what webContents.send does in Electron). */
export function progressEmitter(getPage: () => Page | undefined): (p: ScanProgress) => void {
  return (p) => {
    void getPage()
      ?.evaluate(
        (x) => (globalThis as unknown as { __aiscoutEmit(p: unknown): void }).__aiscoutEmit(x),
        p,
      )
      .catch(() => undefined)
  }
}
