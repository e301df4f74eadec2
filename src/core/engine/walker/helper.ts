/**
 * A helper Worker reads batches of directories with readdirSync and answers on its own MessagePort, so the caller picks answers up synchronously
 * (receiveMessageOnPort) between its own reads. The answer is one string in the listing format
 * (readout.ts): far cheaper to post than arrays of small strings.
 */
export const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads')
const { readdirSync } = require('node:fs')
const port = workerData.port
port.on('message', (joined) => {
  const parts = []
  for (const dir of joined.split('\\0')) {
    try {
      for (const e of readdirSync(dir, { withFileTypes: true }))
        parts.push((e.isFile() ? 'f' : e.isDirectory() ? 'd' : 'o') + e.name)
      parts.push('/')
    } catch (e) {
      parts.push('/' + ((e && e.code) || 'EIO'))
    }
  }
  parts.push('')
  port.postMessage(parts.join('\\0'))
})
`
