// The reading half of the physical reference (bench/physical-bench.mjs): reads exactly the files
// a scan opened (the NUL-separated list the engine writes under AISCOUT_TRACE_OPENS), each once,
// with one open, one read of at most 1 MiB and one close, on one thread. Files the scan reads
// whole are far smaller here; of the big model files it reads headers only. Prints
// `files bytes`.
// usage: node bench/physical-reader.mjs LIST
import { closeSync, openSync, readFileSync, readSync } from 'node:fs'

const list = readFileSync(process.argv[2], 'utf8').split('\0').filter(Boolean)
const buf = Buffer.allocUnsafe(1024 * 1024)
let files = 0
let bytes = 0
for (const path of new Set(list)) {
  let fd
  try {
    fd = openSync(path, 'r')
    bytes += readSync(fd, buf, 0, buf.length, 0)
    files++
  } catch {
    // Gone since the scan, or not readable by a plain read: not part of the reference.
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
process.stdout.write(`${files} ${bytes}\n`)
