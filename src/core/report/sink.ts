/**
 * A small buffered writer over a Node Writable that honours backpressure, so a 100k-asset export
 * never queues the whole document in the stream's internal buffer (bounded memory).
 */
export type Sink = Readonly<{
  /** Appends text; resolves at once unless the buffer was flushed into a full stream. */
  write(text: string): Promise<void> | void
  /** Flushes what is buffered and resolves once the stream accepted it. Does not end `out`. */
  flush(): Promise<void>
}>

const HIGH_WATER = 64 * 1024

export function createSink(out: NodeJS.WritableStream): Sink {
  let buf: string[] = []
  let size = 0

  const push = (chunk: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err)
      out.once('error', onError)
      const ok = out.write(chunk, (err) => {
        out.removeListener('error', onError)
        if (err) reject(err)
        else if (ok) resolve()
      })
      if (!ok) {
        out.once('drain', () => {
          out.removeListener('error', onError)
          resolve()
        })
      }
    })

  const drainBuffer = (): Promise<void> => {
    const chunk = buf.join('')
    buf = []
    size = 0
    return push(chunk)
  }

  return {
    write(text: string) {
      buf.push(text)
      size += text.length
      if (size >= HIGH_WATER) return drainBuffer()
      return undefined
    },
    flush() {
      return size > 0 ? drainBuffer() : Promise.resolve()
    },
  }
}
