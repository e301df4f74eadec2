import type { IpcError, IpcEvents, RendererApi } from '../../../shared/ipc'
import type { EventChannel } from '../../../shared/ipc-channels'

/** An error reply from main, thrown so screens can `catch` it and show its message. */
export class ApiError extends Error {
  readonly code: IpcError['code']
  constructor(e: IpcError) {
    super(e.message)
    this.code = e.code
  }
}

type InvokeMethods = {
  [
    K in keyof RendererApi as RendererApi[K] extends (...a: never[]) => Promise<unknown> ? K : never
  ]: RendererApi[K]
}
type Unwrapped<T> =
  T extends Promise<infer R> ? (R extends { ok: true; value: infer V } ? V : never) : never

/**
 * Calls a preload method and unwraps its reply envelope: the value, or an ApiError with the
 * message main chose for the user. A missing bridge (the page opened outside the app) is an
 * error too, never a crash.
 */
export async function call<M extends keyof InvokeMethods>(
  method: M,
  ...args: Parameters<InvokeMethods[M]>
): Promise<Unwrapped<ReturnType<InvokeMethods[M]>>> {
  const api = (window as { api?: RendererApi }).api
  if (!api)
    throw new ApiError({
      code: 'unavailable',
      message: 'AI Scout’s background service is not connected.',
    })
  const fn = api[method] as unknown as (
    ...a: unknown[]
  ) => Promise<{ ok: boolean; value?: unknown; error?: IpcError }>
  let reply
  try {
    reply = await fn(...args)
  } catch (e) {
    throw new ApiError({
      code: 'unavailable',
      message: `The request did not reach AI Scout: ${(e as Error).message}`,
    })
  }
  if (!reply || typeof reply !== 'object')
    throw new ApiError({ code: 'internal', message: 'Unexpected reply.' })
  if (reply.ok) return reply.value as Unwrapped<ReturnType<InvokeMethods[M]>>
  throw new ApiError(reply.error ?? { code: 'internal', message: 'Unknown error.' })
}

const EVENT_METHOD = {
  'scan:progress': 'onScanProgress',
  'scan:state': 'onScanState',
  'inventory:changed': 'onInventoryChanged',
  'status:changed': 'onStatus',
  'app:command': 'onCommand',
  'watcher:status': 'onWatcherStatus',
  'app:open': 'onOpen',
  'sync:status': 'onSyncStatus',
} as const satisfies Record<EventChannel, keyof RendererApi>

/** Subscribes to a main → renderer event; returns the unsubscribe function. */
export function on<E extends EventChannel>(
  event: E,
  cb: (payload: IpcEvents[E]) => void,
): () => void {
  const api = (window as { api?: RendererApi }).api
  if (!api) return () => undefined
  const sub = api[EVENT_METHOD[event]] as unknown as (cb: (p: IpcEvents[E]) => void) => () => void
  return sub(cb)
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message
  return 'Something went wrong. Details are in the log (About).'
}
