import { gzipTarScanner } from './compressed/gzip-tar'
import { sevenZipScanner } from './compressed/seven-zip'
import { zstdScanner } from './compressed/zstd'
import { configMemberScanner } from './config/config-scanner'
import { joblibCompressedScanner } from './joblib'
import { numpyScanner } from './numpy'
import { pickleScanner } from './pickle/scan-pickle'
import { pythonMemberScanner } from './python/python-scanner'
import { pytorchLegacyScanner } from './pytorch-legacy'
import { chatTemplateScanner, tokenizerConfigScanner } from './structured/chat-template'
import { coremlScanner } from './structured/coreml'
import { ggufScanner } from './structured/gguf/scanner'
import { hdf5Scanner } from './structured/hdf5/scanner'
import { kerasConfigScanner } from './structured/keras-config'
import { onnxScanner } from './structured/onnx'
import { safetensorsScanner } from './structured/safetensors'
import { savedModelScanner } from './structured/tf-savedmodel'
import { tfliteScanner } from './structured/tflite'
import { tarScanner } from './tar'
import type { FormatScanner } from './types'
import { zipScanner } from './zip/scanner'

/**
 * Structured formats (no pickle inside), tried first because their magic numbers are exact.
 * Order: exact magics (GGUF, HDF5, TFLite, safetensors), then protobuf formats told apart by name
 * and structure (Core ML by name, SavedModel by name, ONNX by its graph field), then text and
 * JSON files claimed by name.
 */
export const STRUCTURED_SCANNERS = [
  ggufScanner,
  hdf5Scanner,
  tfliteScanner,
  safetensorsScanner,
  coremlScanner,
  savedModelScanner,
  onnxScanner,
  kerasConfigScanner,
  tokenizerConfigScanner,
  chatTemplateScanner,
] as const

/**
 * Pickle-based formats: containers and specific formats before the raw pickle fallback. The zip
 * scanner also claims pickle/zip polyglots (a valid central directory at the end of a file that
 * starts with something else), so it precedes the pickle scanner; the legacy torch magic is tried
 * before the generic pickle scanner claims the stream.
 */
export const PICKLE_FAMILY_SCANNERS = [
  zipScanner,
  tarScanner,
  numpyScanner,
  pytorchLegacyScanner,
  joblibCompressedScanner,
  gzipTarScanner,
  zstdScanner,
  sevenZipScanner,
  // Member-only text formats: claimed by name inside archives, never when the content is a pickle.
  pythonMemberScanner,
  configMemberScanner,
  pickleScanner,
] as const

/** The ordered scanner registry: the first scanner whose sniff accepts the content scans it. */
export const SCANNERS = [...STRUCTURED_SCANNERS, ...PICKLE_FAMILY_SCANNERS] as const

type FormatsOf<S> = S extends FormatScanner<infer F> ? F : never

/** Format names a model report can carry: every registered scanner's, plus `unknown`. */
export type ModelFormat = FormatsOf<(typeof SCANNERS)[number]> | 'unknown'

export const MODEL_FORMATS: readonly ModelFormat[] = [
  ...new Set<ModelFormat>(SCANNERS.flatMap((s) => s.formats)),
  'unknown',
]

/** Extensions that make a file a model candidate (a hint, never proof): every scanner's. */
export const MODEL_EXTENSIONS: ReadonlySet<string> = new Set(SCANNERS.flatMap((s) => s.extensions))

/**
 * Candidate extensions that many programs besides ML tools use (firmware `.bin`, game and system
 * `.dat`): content no scanner recognises under them is simply not a model, never a finding.
 */
export const GENERIC_EXTENSIONS: ReadonlySet<string> = new Set(['.bin', '.dat', '.data'])

/** The scanners whose content an extension promises (empty when it promises none). */
export function scannersClaiming(
  ext: string,
  scanners: readonly FormatScanner[] = SCANNERS,
): readonly FormatScanner[] {
  return scanners.filter((s) => s.claims?.includes(ext))
}

/**
 * Names whose loaders unpickle the content from byte 0 whatever it is: pickle.load and dill.load
 * on `.pkl`/`.pickle`/`.dill`, pandas.read_pickle also after inferring a compression suffix
 * (`model.pkl.zst`), torch.load on a zip's `data.pkl`. (`.joblib` is left out: joblib.load first
 * decodes bz2/lzma/lz4 wrappers no scanner here reads, so those stay `unknown`.)
 */
const UNPICKLED_EXTENSIONS: ReadonlySet<string> = new Set(['.pkl', '.pickle', '.dill'])

/** Content under this name is unpickled by its loader (see UNPICKLED_EXTENSIONS). */
export function namedLikePickle(name: string): boolean {
  return UNPICKLED_EXTENSIONS.has(extensionOf(name))
}

/** Lower-case extension of a file or member name (`''` for none or a leading-dot name). */
export function extensionOf(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1)
  const i = base.lastIndexOf('.')
  return i > 0 ? base.slice(i).toLowerCase() : ''
}
