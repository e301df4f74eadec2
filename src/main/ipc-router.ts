import { compileSchema } from '../core'
import type { Checker } from '../core'
import type { IpcHandlers, IpcReply } from '../shared/ipc'
import { INVOKE_CHANNELS, IPC_ARGS } from '../shared/ipc'
import type { InvokeChannel } from '../shared/ipc-channels'
import { toIpcError } from './errors'

export type IpcRouter = Readonly<{
  /**
   * Validates `args` against the channel's schema, runs the handler and wraps the result. Never
   * rejects: a bad channel or argument, a missing item or a failing database all become an
   * error reply the page can show.
   */
  invoke(channel: string, args: unknown): Promise<IpcReply<unknown>>
}>

export type RouterOptions = Readonly<{
  /** Called for every error reply (the app log records them; About shows the last ones). */
  onError?(channel: string, error: unknown, reply: IpcReply<never>): void
}>

const CHECKERS = new Map<InvokeChannel, Checker<unknown>>()
function checker(c: InvokeChannel): Checker<unknown> {
  let k = CHECKERS.get(c)
  if (!k) CHECKERS.set(c, (k = compileSchema(IPC_ARGS[c])))
  return k
}

function isChannel(c: string): c is InvokeChannel {
  return (INVOKE_CHANNELS as readonly string[]).includes(c)
}

export function createIpcRouter(handlers: IpcHandlers, opts: RouterOptions = {}): IpcRouter {
  const fail = (channel: string, error: unknown, reply: IpcReply<never>): IpcReply<never> => {
    opts.onError?.(channel, error, reply)
    return reply
  }
  return {
    async invoke(channel, args) {
      if (!isChannel(channel))
        return fail(channel, undefined, {
          ok: false,
          error: {
            code: 'invalid-argument',
            message: `unknown IPC channel ${JSON.stringify(channel).slice(0, 80)}`,
          },
        })
      const why = checker(channel).explain(args)
      if (why !== undefined)
        return fail(channel, undefined, {
          ok: false,
          error: { code: 'invalid-argument', message: `${channel}: argument ${why}` },
        })
      try {
        const fn = handlers[channel] as (...a: unknown[]) => Promise<unknown>
        return { ok: true, value: await fn(...(args as unknown[])) }
      } catch (e) {
        return fail(channel, e, { ok: false, error: toIpcError(e) })
      }
    },
  }
}
