import type { FileAnalyzer } from '../types'
import { AZUREML_CONFIG_ANALYZER } from './platforms/azure'
import { WANDB_SETTINGS_ANALYZER } from './platforms/wandb'
import { PYVENV_ANALYZER } from './python/pyvenv'

/** File analyzers of this area, dispatched by the crawl by base name or extension. */
export const SYSTEM_ANALYZERS: readonly FileAnalyzer[] = [
  PYVENV_ANALYZER,
  AZUREML_CONFIG_ANALYZER,
  WANDB_SETTINGS_ANALYZER,
]
