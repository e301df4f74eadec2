import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads'

/**
 * A reader beside the calling thread. It reads the batches of directories it is sent one after
 * the other and answers each in order.
 */
export type SideReader = {
  /**
   * The batches sent and not yet answered, oldest first (given back to the queue if the reader is
   * lost). More than one keeps the reader busy while the caller is away from the walk.
   */
  batches: string[][]
  /** Queues a batch (NUL-separated paths). */
  send(joined: string): void
  /** The oldest batch's listing, picked up synchronously; undefined while still reading. */
  poll(): string | undefined
  close(): void
}

export type SideReaderEvents = Readonly<{
  /** A listing that arrived on the event loop (not picked up by poll). */
  answered(r: SideReader, listing: string): void
  /** The reader can no longer read (a dead thread, a batch too big for memory). */
  lost(r: SideReader): void
}>

/**
 * A helper Worker running `source` (helper.ts), or undefined where threads cannot start (a
 * locked-down runtime): the caller then reads everything.
 */
export function workerReader(
  source: string,
  ev: SideReaderEvents,
  data: Readonly<Record<string, unknown>> = {},
): SideReader | undefined {
  const { port1, port2 } = new MessageChannel()
  let worker: Worker
  try {
    worker = new Worker(source, {
      eval: true,
      workerData: { ...data, port: port2 },
      transferList: [port2],
      // A small heap keeps the scan's peak RSS down; a folder too big for it kills the helper,
      // which gives the folder back to the caller.
      resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 },
    })
  } catch {
    port1.close()
    return undefined
  }
  worker.unref()
  const r: SideReader = {
    batches: [],
    send: (joined) => port1.postMessage(joined),
    poll: () => receiveMessageOnPort(port1)?.message as string | undefined,
    close: () => {
      port1.close()
      void worker.terminate()
    },
  }
  port1.on('message', (listing: string) => ev.answered(r, listing))
  const lost = (): void => ev.lost(r)
  worker.on('error', lost)
  worker.on('exit', lost)
  return r
}
