// One walker of bench/node-floor.mjs: walks the folders it is sent, up to a budget, and answers
// with its file count and the folders it did not reach.
import { parentPort, workerData } from 'node:worker_threads'
import { walkBare } from './walk-bare.mjs'

const prune = new Set(workerData.pruned)
parentPort.on('message', (dirs) => {
  const left = []
  const files = walkBare(dirs, prune, 2048, left)
  parentPort.postMessage({ files, left })
})
