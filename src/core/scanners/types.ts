import type { Severity, Verdict } from '../types'
import type { ByteSource } from './byte-source'

/**
 * Formats the model scanners know. `unknown` is what a file that matches nothing gets (always
 * verdict `invalid` when it was named explicitly or carries a model extension).
 */
export const MODEL_FORMATS = [
  'pickle',
  'pytorch-zip',
  'pytorch-legacy',
  'pytorch-tar',
  'torchscript',
  'joblib',
  'numpy',
  'npz',
  'zip',
  'tar',
  'gguf',
  'safetensors',
  'onnx',
  'keras',
  'keras-h5',
  'hdf5',
  'tf-savedmodel',
  'tflite',
  'chat-template',
  'tokenizer-config',
  'keras-config',
  'coreml',
  'mlx',
  'nemo',
  'mar',
  'llamafile',
  'zstd',
  'gzip',
  '7z',
  'python-code',
  'model-config',
  'unknown',
] as const
export type ModelFormat = (typeof MODEL_FORMATS)[number]

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

/** What one format scanner returns for one source. It must never throw for bad input. */
export type FormatScanResult = Readonly<{
  format: ModelFormat
  findings: readonly ModelFinding[]
  /** Set when the input could not be fully parsed; findings found so far are kept. */
  invalid?: string
  metadata?: ModelMetadata
}>

/** Bounds on every scan; checked before each read or allocation. */
export type ScanLimits = Readonly<{
  /** Max nesting depth of archives inside archives. */
  maxDepth: number
  /** Max total bytes inflated from one archive (bomb guard). */
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

export type ScanContext = Readonly<{
  /** Path of the outermost file on disk. */
  path: string
  /** Member path inside the outer file when scanning a nested member (joined with `!`). */
  member?: string
  /** Nesting depth (0 for the file itself). */
  depth: number
  limits: ScanLimits
  /**
   * Send a nested member (zip member, embedded pickle, npz entry) back through the registry.
   * Returns the nested result so containers can aggregate it. Never throws.
   */
  scanNested(src: ByteSource, memberName: string): FormatScanResult
}>

export type FormatScanner = Readonly<{
  format: ModelFormat
  /** Extensions that hint at this format (lower case, with dot). A hint only: content decides. */
  extensions: readonly string[]
  /**
   * Content test. `head` holds the first bytes (up to 4 KiB, fewer for small files); `name` is the
   * file or member name (used only for formats with no magic, e.g. `saved_model.pb`).
   */
  sniff(head: Uint8Array, src: ByteSource, name: string): boolean
  scan(src: ByteSource, ctx: ScanContext): FormatScanResult
  /**
   * Claims content only inside an archive (depth > 0): Python and YAML/JSON members of model
   * archives are checked, while the same files on their own are left to the repository analysis.
   */
  memberOnly?: boolean
}>

/** The report for one file given to `scanModelFile` / `aiscout scan-model`. */
export type ModelFileReport = Readonly<{
  path: string
  format: ModelFormat
  verdict: Verdict
  sha256?: string
  sizeBytes?: number
  findings: readonly (ModelFinding & { severity: Severity })[]
  metadata?: ModelMetadata
  /** Present when the file could not be read at all (EACCES, vanished, ...). */
  error?: string
}>
