import { statSync } from 'node:fs'
import type { HashCache } from '../storage/hash-cache'
import { scanModelFile } from '../scanners/scan-file'
import type { ModelFileReport } from '../scanners/types'
import { sha256File } from '../util/hash'

export type ModelFileOptions = Readonly<{
  hash: boolean
  knownSha256?: string
  fileName?: string
  verify: boolean
  cache: HashCache
  onHashed(bytes: number): void
  onCacheHit(): void
  signal?: AbortSignal
}>

/**
 * Static scan plus SHA-256 through the (dev, inode, size, mtime) cache: an unchanged file is
 * never reread; a digest known by construction is trusted unless verification is asked for.
 */
export async function analyzeModelFile(
  path: string,
  o: ModelFileOptions,
): Promise<ModelFileReport> {
  const report = await scanModelFile(path, { hash: false, fileName: o.fileName })
  if (report.error || !o.hash) {
    return o.knownSha256 && !report.error ? { ...report, sha256: o.knownSha256 } : report
  }
  let sha256: string | undefined
  try {
    const st = statSync(path, { bigint: true })
    const id = {
      dev: st.dev,
      ino: st.ino,
      size: Number(st.size),
      mtimeMs: Number(st.mtimeNs) / 1e6,
    }
    if (o.knownSha256 && !o.verify) {
      sha256 = o.knownSha256
    } else {
      sha256 = o.cache.get(id)
      if (sha256) o.onCacheHit()
      else {
        sha256 = await sha256File(path, o.onHashed, o.signal)
        o.cache.put(id, path, sha256)
      }
    }
  } catch {
    // Vanished or unreadable between scan and hash: keep the scan result without a digest.
  }
  return { ...report, sha256 }
}
