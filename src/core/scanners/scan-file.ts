import { decoderMisses, loadSevenZip } from './compressed/seven-zip-engine'
import type { ByteSource } from './byte-source'
import { NotRegularFileError, openFileSource } from './byte-source'
import type { ModelFormat } from './registry'
import { extensionOf, SCANNERS, scannersClaiming } from './registry'
import { looksLikePickle } from './pickle/sniff'
import { pickScanner, scanSource, withSeverity } from './scan-source'
import { HEAD_BYTES } from './sniff'
import type {
  CancelSignal,
  FormatScanner,
  ModelFileReport,
  ModelFinding,
  ScanLimits,
} from './types'
import { throwIfCancelled } from './types'
import { verdictOf } from './verdict'
import { executableHeader } from './zip/scanner'

export type ScanModelFileOptions = Readonly<{
  /** Compute SHA-256 of the whole file (default true). */
  hash?: boolean
  /** A digest already known (hash cache, HF/Ollama blob name): used instead of rereading. */
  knownSha256?: string
  limits?: ScanLimits
  scanners?: readonly FormatScanner<ModelFormat>[]
  /** The file's real name when `path` is a content-addressed blob. */
  fileName?: string
  /**
   * Checked inside long parses and between them; an aborted signal rejects with
   * ScanCancelledError (a cancelled scan has no report).
   */
  signal?: CancelSignal
}>

/**
 * Statically scans one model file. Never loads or executes model content, never throws for bad
 * input: a path that cannot be opened, or is not a regular file (a FIFO, `/dev/zero`, a socket,
 * a symlink to one), gives an `invalid` report that says why, without reading a byte. SHA-256
 * runs beside the analysis (large files hash on a worker thread while the scan reads headers).
 * Rejects with ScanCancelledError when `signal` is aborted.
 */
export async function scanModelFile(
  path: string,
  opts: ScanModelFileOptions = {},
): Promise<ModelFileReport> {
  throwIfCancelled(opts.signal)
  let src: (ByteSource & { close(): void }) | undefined
  try {
    src = openFileSource(path)
  } catch (e) {
    return unopenable(path, e)
  }
  // The hashing module (node:crypto, worker threads) loads only when a digest is wanted.
  const hashing =
    !opts.knownSha256 && opts.hash !== false
      ? import('../util/hash')
          .then(({ sha256File }) =>
            sha256File(
              path,
              undefined,
              opts.signal instanceof AbortSignal ? opts.signal : undefined,
            ),
          )
          .catch(() => undefined) // a file that vanished mid-scan keeps its report, without a digest
      : undefined
  try {
    const run = () =>
      scanSource(src!, {
        path,
        name: opts.fileName,
        limits: opts.limits,
        scanners: opts.scanners,
        signal: opts.signal,
      })
    const misses = decoderMisses()
    let result = run()
    // A 7z container was reached before the WebAssembly decoder was loaded: load it, scan again.
    if (decoderMisses() !== misses && (await loadSevenZip())) result = run()
    const findings: ModelFinding[] = [...result.findings]
    const mismatch = extensionMismatch(opts.fileName ?? path, src, opts.scanners)
    if (mismatch) findings.unshift(mismatch)
    const all = findings.map(withSeverity)
    const sha256 = opts.knownSha256 ?? (await hashing)
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

/** The report for a path that could not be opened as a regular file. */
export function unopenable(path: string, e: unknown): ModelFileReport {
  if (e instanceof NotRegularFileError) {
    return {
      path,
      format: 'unknown',
      verdict: 'invalid',
      findings: [
        withSeverity({
          ruleId: 'model.unreadable',
          message: `Not scanned: the path is ${e.kind}, and only regular files are read`,
        }),
      ],
      error: e.code,
    }
  }
  const code = (e as NodeJS.ErrnoException).code ?? 'error'
  return {
    path,
    format: 'unknown',
    verdict: 'invalid',
    findings: [withSeverity({ ruleId: 'model.unreadable', message: `Cannot open file (${code})` })],
    error: code,
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
    if (actual?.runsCode && DOCUMENT_EXTENSIONS.has(ext) && !isExecutableArchive(src)) {
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

/** A zip behind an executable header (and no pickle in front): a program, named as programs are. */
function isExecutableArchive(src: ByteSource): boolean {
  const head = src.read(0, HEAD_BYTES)
  return executableHeader(head) !== undefined && !looksLikePickle(head, src)
}

function baseName(p: string): string {
  return p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1)
}
