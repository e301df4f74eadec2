import type { Rule } from './types'

/** Rules of the structured-format scanners (Keras, TF, ONNX, GGUF, safetensors, TFLite, chat templates). */
export const FORMAT_RULES: readonly Rule[] = []
