import { parentPort } from 'node:worker_threads'
import { scanModelFile } from '../../scanners/scan-file'
import type { AnalysisReply, AnalysisRequest } from './protocol'

/**
 * Entry of a model-analysis worker thread (built to `analysis-worker.js` beside each shell's
 * bundle): static scans of model files, one at a time, for the scan engine's pool. The worker
 * runs under a heap cap; if a file exhausts it, only this thread dies.
 */
const port = parentPort
if (port) {
  port.on('message', (m: AnalysisRequest) => {
    void scanModelFile(m.path, { hash: false, fileName: m.fileName }).then(
      (report) => port.postMessage({ id: m.id, report } satisfies AnalysisReply),
      (e: unknown) =>
        port.postMessage({
          id: m.id,
          error: (e as Error)?.message ?? String(e),
        } satisfies AnalysisReply),
    )
  })
}
