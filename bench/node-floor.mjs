// The least a Node process can do toward a scan's result on this machine: walk the tree with
// two worker threads (bare readdirSync with file types, the same pruned names, no classification,
// no inventory) and then read each file the scan opened once, as bench/physical-reader.mjs does.
// bench/physical-bench.mjs times it beside the physical reference (fdfind + that reader): the
// floor's ratio is what a JavaScript engine pays before the scan does any work of its own.
// Prints the number of files it listed.
// usage: node bench/node-floor.mjs ROOT LIST NAME...
import { closeSync, openSync, readFileSync, readSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'

const [root, list, ...pruned] = process.argv.slice(2)

// Each worker (node-floor-worker.mjs) walks the folders it is given depth-first, up to a budget,
// and hands back the folders it did not reach, so the two share the tree whatever its shape.
const threads = Math.min(2, availableParallelism())
const workers = Array.from(
  { length: threads },
  () => new Worker(new URL('./node-floor-worker.mjs', import.meta.url), { workerData: { pruned } }),
)
const queue = [root]
const busy = new Set()
let files = 0
await new Promise((resolve) => {
  const feed = () => {
    for (const w of workers) {
      if (busy.has(w) || queue.length === 0) continue
      busy.add(w)
      w.postMessage(queue.splice(0, Math.ceil(queue.length / threads)))
    }
    if (busy.size === 0 && queue.length === 0) resolve()
  }
  for (const w of workers)
    w.on('message', (m) => {
      busy.delete(w)
      files += m.files
      queue.push(...m.left)
      feed()
    })
  feed()
})
await Promise.all(workers.map((w) => w.terminate()))

const buf = Buffer.allocUnsafe(1024 * 1024)
for (const path of new Set(readFileSync(list, 'utf8').split('\0').filter(Boolean))) {
  let fd
  try {
    fd = openSync(path, 'r')
    readSync(fd, buf, 0, buf.length, 0)
  } catch {
    // Gone since the scan: not part of the floor either.
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
process.stdout.write(`${files}\n`)
