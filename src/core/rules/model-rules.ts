import type { Rule } from './types'

/** Rules shared by every model format scanner (the orchestrator raises these). */
export const MODEL_COMMON_RULES: readonly Rule[] = [
  {
    id: 'model.unknown-format',
    domain: 'model',
    severity: 'medium',
    title: 'File does not match any known model format',
    why: 'The file was named as a model (or carries a model extension) but its content matches no format AI Scout can parse, so it cannot be shown to be safe.',
    fix: 'Check where the file came from. If it is not a model, rename it; if it is, report the format to the AI Scout team.',
  },
  {
    id: 'model.invalid-structure',
    domain: 'model',
    severity: 'medium',
    title: 'Model file is malformed or truncated',
    why: 'The file breaks its own format (bad lengths, truncated data, offsets outside the file). Loaders may behave unpredictably on it, and a malformed file cannot be shown to be safe.',
    fix: 'Re-download the model from a trusted source and compare its SHA-256 with the publisher’s.',
  },
  {
    id: 'model.pickle-polyglot',
    domain: 'model',
    severity: 'medium',
    title: 'File is another format and also a pickle',
    why: 'The bytes parse as a structured format (TFLite, safetensors, ...) and also walk as a pickle from the first byte. pickle.load, pandas.read_pickle and torch.load of a non-zip file run the pickle, while tools that trust the format see only the structured view. Both views were scanned; their findings are listed.',
    fix: 'Do not load the file with a pickle-based loader. Obtain the model from a trusted source.',
    cwe: [502],
  },
  {
    id: 'model.scanner-error',
    domain: 'model',
    severity: 'medium',
    title: 'Model scanner failed on this file',
    why: 'An internal error stopped the scan of this file part-way, so it was not fully checked.',
    fix: 'Rescan with the latest AI Scout and report the file’s format to the AI Scout team if it persists.',
  },
  {
    id: 'model.unreadable',
    domain: 'model',
    severity: 'low',
    title: 'Model file could not be read',
    why: 'The file could not be opened (permissions, or it vanished during the scan), so it was not checked.',
    fix: 'Check the file permissions and rescan.',
  },
]
