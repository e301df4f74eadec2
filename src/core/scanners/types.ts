import type { Severity, Verdict } from '../types'
import type { ByteSource } from './byte-source'
import type { InflateBudget } from './inflate-budget'

import type { ModelFormat } from './registry'

export type { ModelFormat } from './registry'

export type ModelFinding = Readonly<{
  ruleId: string
  /** Defaults to the rule table severity. */
  severity?: Severity
  message: string
  /** Archive member path (nested members joined with `!`). */
  member?: string
  /** Byte offset in the file or member. */
  offset?: number
  /** Resolved callable, e.g. `os.system`. */
  callable?: string
  /** 1-based line in a text member or repository file (Python code, YAML/JSON configs). */
  line?: number
}>

/** Flat metadata extracted for the inventory (architecture, parameterCount, quantization, ...). */
export type ModelMetadata = Readonly<Record<string, string | number | boolean | readonly string[]>>

/**
 * What one format scanner returns for one source. It must never throw for bad input. `F` is the
 * set of format names the scanner reports; `unknown` is what the registry gives content that no
 * scanner claims.
 */
export type FormatScanResult<F extends string = string> = Readonly<{
  format: F
  findings: readonly ModelFinding[]
  /** Set when the input could not be fully parsed; findings found so far are kept. */
  invalid?: string
  metadata?: ModelMetadata
}>

/** Bounds on every scan; checked before each read or allocation. */
export type ScanLimits = Readonly<{
  /** Max nesting depth of archives inside archives. */
  maxDepth: number
  /**
   * Max total bytes inflated by one file's scan, nested archives included (bomb guard; see
   * inflate-budget.ts, which also caps inflated data held at once at `maxMemberBytes`).
   */
  maxInflatedBytes: number
  /** Max compression ratio of a single member before it is treated as a bomb. */
  maxCompressionRatio: number
  /** Max members inspected in one archive. */
  maxMembers: number
  /** Max bytes of one member loaded into memory for scanning. */
  maxMemberBytes: number
  /** Max bytes of a JSON/text header (safetensors header, Keras config, chat template). */
  maxHeaderBytes: number
}>

export const DEFAULT_LIMITS: ScanLimits = {
  maxDepth: 4,
  maxInflatedBytes: 2 * 1024 * 1024 * 1024,
  maxCompressionRatio: 200,
  maxMembers: 100_000,
  maxMemberBytes: 512 * 1024 * 1024,
  maxHeaderBytes: 100 * 1024 * 1024,
}

/**
 * A cancellation flag checked inside long parses. An `AbortSignal` fits; so does any object
 * whose `aborted` reads shared memory, which is what a parse running synchronously needs (its
 * own thread cannot run an abort handler until it returns).
 */
export type CancelSignal = Readonly<{ aborted: boolean }>

/** Thrown out of a scan whose signal was aborted (never turned into a finding). */
export class ScanCancelledError extends Error {
  override name = 'AbortError'
  constructor() {
    super('scan cancelled')
  }
}

export function throwIfCancelled(signal: CancelSignal | undefined): void {
  if (signal?.aborted) throw new ScanCancelledError()
}

/**
 * A signal another thread can abort: the flag lives in shared memory, so a parse blocking this
 * thread still sees it. `abort()` may be called from any thread holding `buffer`.
 */
export function sharedCancelSignal(
  buffer: SharedArrayBuffer = new SharedArrayBuffer(4),
): CancelSignal & { readonly buffer: SharedArrayBuffer; abort(): void } {
  const flag = new Int32Array(buffer)
  return {
    buffer,
    get aborted() {
      return Atomics.load(flag, 0) === 1
    },
    abort() {
      Atomics.store(flag, 0, 1)
    },
  }
}

export type NestedScanOptions = Readonly<{
  /**
   * A loader unpickles this content from byte 0 whatever it looks like (a torch zip's `.pkl`
   * members, a legacy torch tar's `pickle`, a `.pkl` inside a compressed file that pandas opens):
   * the pickle scanner reads it too, beside any other scanner that claims it, so content that
   * does not parse as a pickle is reported instead of passing as something else.
   */
  unpickled?: boolean
}>

export type ScanContext = Readonly<{
  /** Path of the outermost file on disk. */
  path: string
  /** Member path inside the outer file when scanning a nested member (joined with `!`). */
  member?: string
  /** Nesting depth (0 for the file itself). */
  depth: number
  limits: ScanLimits
  /** Checked inside long parses; an aborted signal ends the scan with ScanCancelledError. */
  signal?: CancelSignal
  /** Inflated bytes of this file's scan, shared with every nested scan (inflate-budget.ts). */
  budget: InflateBudget
  /**
   * Send a nested member (zip member, embedded pickle, npz entry) back through the registry.
   * Returns the nested result so containers can aggregate it. Never throws.
   */
  scanNested(src: ByteSource, memberName: string, opts?: NestedScanOptions): FormatScanResult
  /** True when a member's name carries an extension some registered scanner sniffs. */
  hasModelExtension(memberName: string): boolean
}>

/**
 * One model format (or family) in the registry (`registry.ts`). Everything else about formats is
 * derived from these fields: the crawl's candidate extensions, the extension-mismatch rule, the
 * list of format names. Adding a format is one scanner file plus one registry line.
 */
export type FormatScanner<F extends string = string> = Readonly<{
  /** The format names this scanner reports; the first names the scanner in messages. */
  formats: readonly [F, ...F[]]
  /**
   * Lower-case extensions (with the dot) under which a file found by the crawl, a directory given
   * to `scan-model`, or an archive member is sniffed as a possible model of this format. A hint
   * only: content decides. Leave out extensions shared with ordinary documents (`.json`, `.zip`).
   */
  extensions: readonly string[]
  /**
   * Extensions that promise this scanner's content: a file under one of them whose content another
   * scanner (or none) claims gets an `engine.extension-mismatch` finding. Several scanners may
   * claim one extension (`.pkl` holds a raw pickle, a compressed joblib or a torch zip).
   */
  claims?: readonly string[]
  /**
   * The sniff is too weak to trust on a crawled file without one of `extensions` (a protobuf
   * shape): such files are classified only when their extension agrees.
   */
  extensionRequired?: boolean
  /**
   * The format's ordinary loader can run code from the file (pickle-based formats). Content like
   * this under a no-extension or a document name is reported as an extension mismatch.
   */
  runsCode?: boolean
  /**
   * The scan already reads every pickle a loader can read from this content from byte 0 (the
   * pickle and legacy torch scanners; the zip scanner scans a pickle in front of the archive and
   * `PK` opens no pickle a plain unpickler accepts; a compressed joblib file starts with a
   * zlib/gzip magic that is no pickle opcode). Any other scanner's result gets a pickle scan
   * beside it when the content also walks as a pickle (polyglots, see scanSource).
   */
  coversLeadingPickle?: boolean
  /**
   * Content test. `head` holds the first bytes (up to 4 KiB, fewer for small files); `name` is the
   * file or member name (used only for formats with no magic, e.g. `saved_model.pb`).
   */
  sniff(head: Uint8Array, src: ByteSource, name: string): boolean
  scan(src: ByteSource, ctx: ScanContext): FormatScanResult<NoInfer<F>>
  /**
   * Claims content only inside an archive (depth > 0): Python and YAML/JSON members of model
   * archives are checked, while the same files on their own are left to the repository analysis.
   * Such scanners declare no `extensions` (loose files of theirs are not model candidates).
   */
  memberOnly?: boolean
}>

/** Declares a scanner, keeping its format names as literal types for the registry. */
export function defineScanner<const F extends string>(s: FormatScanner<F>): FormatScanner<F> {
  return s
}

/** The report for one file given to `scanModelFile` / `aiscout scan-model`. */
export type ModelFileReport = Readonly<{
  path: string
  format: ModelFormat
  verdict: Verdict
  sha256?: string
  /**
   * The SHA-256 is not computed yet: the verdict was committed first and a follow-up scan adds
   * the digest (ScanOptions.deferDigestsFrom, the watcher's rescans of large files).
   */
  digestPending?: true
  sizeBytes?: number
  findings: readonly (ModelFinding & { severity: Severity })[]
  metadata?: ModelMetadata
  /** Present when the file could not be read at all (EACCES, vanished, ...). */
  error?: string
}>
