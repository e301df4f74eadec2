import type { Page } from 'playwright-core'
import type { IpcRouter } from '../../src/main/ipc-router'
import type { EventChannel, IpcEvents } from '../../src/shared/ipc'
import { EVENT_METHODS, INVOKE_METHODS } from '../../src/shared/ipc-channels'

/**
 * Stands in for the preload bridge: `window.api` in the page has the same named methods, and each
 * calls the very router Electron main registers with ipcMain.handle (argument validation and the
 * handler table included). Call before page.goto(). `record` sees every reply, so a test can
 * prove what crossed the boundary.
 */
export async function installApiShim(
  page: Page,
  router: IpcRouter,
  record?: (channel: string, args: unknown, reply: unknown) => void,
): Promise<void> {
  await page.exposeBinding('__aiscoutInvoke', async (_src, channel: string, args: unknown) => {
    const reply = await router.invoke(channel, args)
    record?.(channel, args, reply)
    return reply
  })
  await page.addInitScript(
    ({ invoke, events }: { invoke: Record<string, string>; events: Record<string, string> }) => {
      const w = globalThis as unknown as {
        __aiscoutInvoke(channel: string, args: unknown[]): Promise<unknown>
        __aiscoutEmit(channel: string, payload: unknown): void
      }
      const listeners = new Map<string, Set<(p: unknown) => void>>()
      const api: Record<string, unknown> = {}
      for (const [channel, method] of Object.entries(invoke)) {
        api[method] = (...args: unknown[]) => w.__aiscoutInvoke(channel, args)
      }
      for (const [channel, method] of Object.entries(events)) {
        listeners.set(channel, new Set())
        api[method] = (cb: (p: unknown) => void) => {
          listeners.get(channel)!.add(cb)
          return () => listeners.get(channel)!.delete(cb)
        }
      }
      w.__aiscoutEmit = (channel, payload) => listeners.get(channel)?.forEach((cb) => cb(payload))
      Object.defineProperty(globalThis, 'api', { value: Object.freeze(api) })
    },
    {
      invoke: INVOKE_METHODS as Record<string, string>,
      events: EVENT_METHODS as Record<string, string>,
    },
  )
}

/** Pushes a main → renderer event into the page (what webContents.send does in Electron). */
export function eventEmitter(
  getPage: () => Page | undefined,
  record?: (channel: string, payload: unknown) => void,
): <E extends EventChannel>(channel: E, payload: IpcEvents[E]) => void {
  return (channel, payload) => {
    record?.(channel, payload)
    void getPage()
      ?.evaluate(
        ([c, p]) =>
          (globalThis as unknown as { __aiscoutEmit(c: string, p: unknown): void }).__aiscoutEmit(
            c,
            p,
          ),
        [channel, payload] as const,
      )
      .catch(() => undefined)
  }
}
