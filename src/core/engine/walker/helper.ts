import type { MessagePort, Worker } from 'node:worker_threads'

/** Entry types as a helper sends them back. */
export const T_OTHER = 0
export const T_FILE = 1
export const T_DIR = 2

/**
 * A helper thread reads batches of directories with readdirSync and answers on its own
 * MessagePort, so the caller picks answers up synchronously (receiveMessageOnPort) between its
 * own reads instead of waiting for the event loop. Names travel as one NUL-separated string (NUL
 * cannot occur in a file name) with one type byte per entry: far cheaper to post than arrays of
 * small strings.
 */
export const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads')
const { readdirSync } = require('node:fs')
const port = workerData.port
port.on('message', (joined) => {
  const dirs = joined.split('\\0')
  const names = []
  const types = []
  const counts = new Int32Array(dirs.length)
  const codes = []
  for (let d = 0; d < dirs.length; d++) {
    try {
      const es = readdirSync(dirs[d], { withFileTypes: true })
      counts[d] = es.length
      for (const e of es) {
        names.push(e.name)
        types.push(e.isFile() ? ${T_FILE} : e.isDirectory() ? ${T_DIR} : ${T_OTHER})
      }
    } catch (e) {
      counts[d] = -1
      codes.push(d, (e && e.code) || 'EIO')
    }
  }
  port.postMessage({ codes, counts, names: names.join('\\0'), types: Uint8Array.from(types) })
})
`

/** A helper's answer for the batch it was sent (the caller keeps the directory list). */
export type HelperBatch = Readonly<{
  /** Index in the batch and errno code, for each directory that could not be read. */
  codes: readonly (number | string)[]
  counts: Int32Array
  names: string
  types: Uint8Array
}>

export type Helper = {
  readonly worker: Worker
  readonly port: MessagePort
  /** The directories it is reading now (given back to the queue if the thread dies). */
  batch: string[] | undefined
}
