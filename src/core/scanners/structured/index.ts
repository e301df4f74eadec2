import type { FormatScanner } from '../types'
import { chatTemplateScanner, tokenizerConfigScanner } from './chat-template'
import { coremlScanner } from './coreml'
import { ggufScanner } from './gguf/scanner'
import { hdf5Scanner } from './hdf5/scanner'
import { kerasConfigScanner } from './keras-config'
import { onnxScanner } from './onnx'
import { safetensorsScanner } from './safetensors'
import { savedModelScanner } from './tf-savedmodel'
import { tfliteScanner } from './tflite'

export { analyzeChatTemplate } from './jinja'

/**
 * Structured-format scanners (no pickle inside): tried before the pickle family because their
 * magic numbers are exact. Order: exact magics first (GGUF, HDF5, TFLite, safetensors), then
 * protobuf formats told apart by file name and structure (Core ML by name, SavedModel by name,
 * ONNX by its graph field), then text/JSON files claimed by name.
 */
export const STRUCTURED_SCANNERS: readonly FormatScanner[] = [
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
]
