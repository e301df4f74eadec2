import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads'

/** A reader beside the calling thread. It reads one batch of directories at a time. */
export type SideReader = {
  /** The directories it is reading now (given back to the queue if the reader is lost). */
  batch: string[] | undefined
  /** Starts reading a batch (NUL-separated paths). */
  send(joined: string): void
  /** The finished batch's listing, picked up synchronously; undefined while still reading. */
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
export function workerReader(source: string, ev: SideReaderEvents): SideReader | undefined {
  const { port1, port2 } = new MessageChannel()
  let worker: Worker
  try {
    worker = new Worker(source, {
      eval: true,
      workerData: { port: port2 },
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
    batch: undefined,
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
