import type { Page } from 'playwright-core'
import type { IpcEvents, IpcHandlers } from '../../src/shared/ipc'
import { API_CHANNELS, API_EVENTS } from '../../src/shared/ipc'

/**
 * Stands in for the preload bridge: `window.api` in the page calls the very handler table that
 * Electron main registers with ipcMain.handle, and its `on…` subscriptions receive what
 * `emitter` pushes (webContents.send in Electron). Call before page.goto(). A channel the table
 * lacks rejects, as an unregistered ipcMain channel does.
 */
export async function installApiShim(page: Page, handlers: Partial<IpcHandlers>): Promise<void> {
  await page.exposeBinding(
    '__aiscoutInvoke',
    async (_src, channel: keyof IpcHandlers, args: unknown[]) => {
      const h = handlers[channel] as ((...a: unknown[]) => Promise<unknown>) | undefined
      if (!h) throw new Error(`No handler registered for '${channel}'`)
      return h(...args)
    },
  )
  await page.addInitScript(
    ([channels, events]: [Record<string, string>, Record<string, string>]) => {
      const w = globalThis as unknown as {
        __aiscoutInvoke(channel: string, args: unknown[]): Promise<unknown>
        __aiscoutEmit(channel: string, p: unknown): void
      }
      const listeners = new Map<string, Set<(p: unknown) => void>>()
      const api: Record<string, unknown> = {}
      for (const [method, channel] of Object.entries(channels)) {
        api[method] = (...args: unknown[]) => w.__aiscoutInvoke(channel, args)
      }
      for (const [method, channel] of Object.entries(events)) {
        api[method] = (cb: (p: unknown) => void) => {
          const set = listeners.get(channel) ?? new Set()
          listeners.set(channel, set)
          set.add(cb)
          return () => set.delete(cb)
        }
      }
      w.__aiscoutEmit = (channel, p) => listeners.get(channel)?.forEach((cb) => cb(p))
      Object.defineProperty(globalThis, 'api', { value: Object.freeze(api) })
    },
    [API_CHANNELS, API_EVENTS] as [Record<string, string>, Record<string, string>],
  )
}

/** Pushes a main → renderer event into the page (what webContents.send does in Electron). */
export function emitter(
  getPage: () => Page | undefined,
): <K extends keyof IpcEvents>(channel: K, payload: IpcEvents[K]) => void {
  return (channel, payload) => {
    void getPage()
      ?.evaluate(
        ([c, x]) =>
          (globalThis as unknown as { __aiscoutEmit(c: string, p: unknown): void }).__aiscoutEmit(
            c,
            x,
          ),
        [channel, payload] as [string, unknown],
      )
      .catch(() => undefined)
  }
}

/** Pushes scan progress into the page. */
export function progressEmitter(
  getPage: () => Page | undefined,
): (p: IpcEvents['scan:progress']) => void {
  const emit = emitter(getPage)
  return (p) => emit('scan:progress', p)
}
