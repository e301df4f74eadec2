import type { Rule } from './types'

/** Rules raised by the scan engine itself (crawl, classification, hashing). */
export const ENGINE_RULES: readonly Rule[] = [
  {
    id: 'engine.extension-mismatch',
    domain: 'engine',
    severity: 'medium',
    title: 'File content does not match its extension',
    why: 'A file whose bytes are one format but whose name claims another (a pickle named .safetensors) is a common way to slip executable model formats past tools and people that trust the extension.',
    fix: 'Treat the file as the format its content shows. Rename it, or delete it if you did not expect that format.',
  },
  {
    id: 'engine.analysis-failed',
    domain: 'engine',
    severity: 'high',
    title: 'File could not be fully analysed',
    why: 'Analysing this file failed (an error, or it needed more memory or time than a file may take), so AI Scout cannot say it is safe. A file built to exhaust scanners is a way to hide a payload from them.',
    fix: 'Check where the file came from. Scan it on its own with `aiscout scan-model FILE` to see the error; delete it if you do not need it.',
  },
  {
    id: 'engine.privacy-protected',
    domain: 'engine',
    severity: 'info',
    title: 'Folder protected by the operating system was not scanned',
    why: 'macOS privacy protection (TCC) answered "operation not permitted", so AI Scout could not look inside. Assets there are not in the inventory.',
    fix: 'Grant AI Scout Full Disk Access in System Settings > Privacy & Security if this folder should be covered.',
  },
]
