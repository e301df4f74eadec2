import { sha256File } from '../util/hash'
import { decoderMisses, loadSevenZip } from './compressed/seven-zip-engine'
import type { ByteSource } from './byte-source'
import { openFileSource } from './byte-source'
import type { ModelFormat } from './registry'
import { extensionOf, SCANNERS, scannersClaiming } from './registry'
import { pickScanner, scanSource, withSeverity } from './scan-source'
import type { FormatScanner, ModelFileReport, ModelFinding, ScanLimits } from './types'
import { verdictOf } from './verdict'

export type ScanModelFileOptions = Readonly<{
  /** Compute SHA-256 of the whole file (default true). */
  hash?: boolean
  /** A digest already known (hash cache, HF/Ollama blob name): used instead of rereading. */
  knownSha256?: string
  limits?: ScanLimits
  scanners?: readonly FormatScanner<ModelFormat>[]
  /** The file's real name when `path` is a content-addressed blob. */
  fileName?: string
}>

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
    const run = () =>
      scanSource(src!, {
        path,
        name: opts.fileName,
        limits: opts.limits,
        scanners: opts.scanners,
      })
    const misses = decoderMisses()
    let result = run()
    // A 7z container was reached before the WebAssembly decoder was loaded: load it, scan again.
    if (decoderMisses() !== misses && (await loadSevenZip())) result = run()
    const findings: ModelFinding[] = [...result.findings]
    const mismatch = extensionMismatch(opts.fileName ?? path, src, opts.scanners)
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

/** Names that usually mean inert data: pickle-based content under them is hiding. */
const DOCUMENT_EXTENSIONS: ReadonlySet<string> = new Set(['', '.txt', '.md', '.json', '.csv'])

/**
 * An extension that promises one format while the content is another is itself a finding, and so
 * is code-running content (a pickle, a torch zip) behind no extension or a document extension.
 */
export function extensionMismatch(
  path: string,
  src: ByteSource,
  scanners: readonly FormatScanner<ModelFormat>[] = SCANNERS,
): ModelFinding | undefined {
  const ext = extensionOf(path)
  const actual = pickScanner(src, baseName(path), scanners)
  const claimers = scannersClaiming(ext, scanners)
  if (claimers.length === 0 || actual === undefined) {
    if (actual?.runsCode && DOCUMENT_EXTENSIONS.has(ext)) {
      return {
        ruleId: 'engine.extension-mismatch',
        message: `File has ${ext ? `extension ${ext}` : 'no extension'} but its content is ${actual.formats[0]}`,
      }
    }
    // Content no scanner claims is reported by the scan itself (unknown format).
    return undefined
  }
  if (claimers.includes(actual)) return undefined
  return {
    ruleId: 'engine.extension-mismatch',
    message: `Extension ${ext} claims ${claimers[0]!.formats[0]} but the content is ${actual.formats[0]}`,
  }
}

function baseName(p: string): string {
  return p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1)
}
