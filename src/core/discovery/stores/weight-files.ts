import { basename, extname } from 'node:path'
import { MODEL_EXTENSIONS } from '../../scanners/registry'

/**
 * Which files of a store folder are model files to scan: every extension a registered scanner
 * reads, plus names stores use for formats the scanners identify by content (the legacy llama.cpp
 * `.ggml`, ComfyUI's `.sft` safetensors, Flax `.msgpack`, `.llamafile` executables), and archives
 * that carry models or code on load: NeMo checkpoints, TorchServe archives, and 7z / zstd
 * containers (scanned by opening them).
 */
export const WEIGHT_EXTENSIONS: ReadonlySet<string> = new Set([
  ...MODEL_EXTENSIONS,
  '.ggml',
  '.sft',
  '.msgpack',
  '.llamafile',
  '.nemo',
  '.mar',
  '.7z',
  '.zst',
])

/** Files beside weights that the structured scanners inspect (chat templates can run code on load). */
export const TEMPLATE_FILES: ReadonlySet<string> = new Set([
  'tokenizer_config.json',
  'chat_template.jinja',
  'chat_template.json',
])

export function isWeightFile(p: string): boolean {
  const b = basename(p)
  return WEIGHT_EXTENSIONS.has(extname(b).toLowerCase()) || b === 'saved_model.pb'
}

export function isScannableModelFile(p: string): boolean {
  return isWeightFile(p) || TEMPLATE_FILES.has(basename(p))
}
