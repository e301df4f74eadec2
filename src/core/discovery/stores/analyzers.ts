import type { FileAnalyzer } from '../types'
import { COREML_PACKAGE_ANALYZER } from './coreml-package'
import { EXTRA_MODEL_PATHS_ANALYZER } from './extra-model-paths'
import { MODEL_FOLDER_TEMPLATES_ANALYZER } from './model-folder-templates'
import { MODEL_REPOSITORY_ANALYZER } from './model-repository'
import { PEFT_ADAPTER_ANALYZER } from './peft-adapter'

/** File analyzers of this area, dispatched by the crawl by base name or extension. */
export const STORES_ANALYZERS: readonly FileAnalyzer[] = [
  PEFT_ADAPTER_ANALYZER,
  MODEL_FOLDER_TEMPLATES_ANALYZER,
  EXTRA_MODEL_PATHS_ANALYZER,
  COREML_PACKAGE_ANALYZER,
  MODEL_REPOSITORY_ANALYZER,
]
