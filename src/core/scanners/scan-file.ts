import { extname } from 'node:path'
import { sha256File } from '../util/hash'
import type { ByteSource } from './byte-source'
import { openFileSource } from './byte-source'
import { scanSource, withSeverity } from './scan-source'
import { formatClaimedByExtension, HEAD_BYTES, sniffHead } from './sniff'
import type { FormatScanner, ModelFileReport, ModelFinding, ScanLimits } from './types'
import { verdictOf } from './verdict'

export type ScanModelFileOptions = Readonly<{
  /** Compute SHA-256 of the whole file (default true). */
  hash?: boolean
  /** A digest already known (hash cache, HF/Ollama blob name): used instead of rereading. */
  knownSha256?: string
  limits?: ScanLimits
  scanners?: readonly FormatScanner[]
  /** The file's real name when `path` is a content-addressed blob. */
  fileName?: string
}>

/** Tail bytes inspected for a zip end-of-central-directory record (polyglot detection). */
const TAIL_BYTES = 65_557

/**
 * Statically scans one model file. Never loads or executes model content, never throws: read
 * errors give an `invalid` report with a `model.unreadable` finding.
 */
export async function scanModelFile(
  path: string,
  opts: ScanModelFileOptions = {},
): Promise<ModelFileReport> {
  let src: (ByteSource & { close(): void }) | undefined
  try {
    src = openFileSource(path)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error'
    return {
      path,
      format: 'unknown',
      verdict: 'invalid',
      findings: [
        withSeverity({ ruleId: 'model.unreadable', message: `Cannot open file (${code})` }),
      ],
      error: code,
    }
  }
  try {
    const result = scanSource(src, {
      path,
      name: opts.fileName,
      limits: opts.limits,
      scanners: opts.scanners,
    })
    const findings: ModelFinding[] = [...result.findings]
    const mismatch = extensionMismatch(opts.fileName ?? path, src)
    if (mismatch) findings.unshift(mismatch)
    const all = findings.map(withSeverity)
    let sha256 = opts.knownSha256
    if (!sha256 && opts.hash !== false) {
      try {
        sha256 = await sha256File(path)
      } catch {
        // Hash failure (file vanished mid-scan) leaves sha256 unset; the scan result still stands.
      }
    }
    return {
      path,
      format: result.format,
      verdict: verdictOf(
        all.map((f) => f.severity),
        result.invalid !== undefined,
      ),
      sha256,
      sizeBytes: src.size,
      findings: all,
      metadata: result.metadata,
    }
  } finally {
    src.close()
  }
}

/** An extension that claims one format while the content is another is itself a finding. */
export function extensionMismatch(path: string, src: ByteSource): ModelFinding | undefined {
  const ext = extname(path).toLowerCase()
  const claimed = formatClaimedByExtension(ext)
  const head = src.read(0, HEAD_BYTES)
  const tail =
    src.size > HEAD_BYTES ? src.read(Math.max(0, src.size - TAIL_BYTES), TAIL_BYTES) : undefined
  const actual = sniffHead(head, src.size, tail)
  const risky = actual === 'pickle' || actual === 'zip'
  if (claimed === undefined) {
    // No extension or a neutral one (.bin/.pt/.dat): only flag executable formats hiding behind
    // extensions that usually mean inert data.
    if (risky && (ext === '' || ext === '.txt' || ext === '.md')) {
      return {
        ruleId: 'engine.extension-mismatch',
        message: `File has ${ext ? `extension ${ext}` : 'no extension'} but its content is ${actual}`,
      }
    }
    return undefined
  }
  if (claimed === actual) return undefined
  // torch.save writes a zip whatever the name (`model.pkl`), and joblib compresses with
  // zlib/gzip (no pickle magic): both are normal under pickle-family extensions.
  if (claimed === 'pickle' && (actual === 'zip' || actual === 'unknown')) return undefined
  // A JSON/text file is fine under .json/.md/.txt; only risky content is a mismatch there.
  if (claimed === 'text' && !risky) return undefined
  // .npz and .keras are zips; a zip polyglot found via the tail still counts as zip.
  return {
    ruleId: 'engine.extension-mismatch',
    message: `Extension ${ext} claims ${claimed} but the content is ${actual}`,
  }
}
