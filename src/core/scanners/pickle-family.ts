import { gzipTarScanner } from './compressed/gzip-tar'
import { zstdScanner } from './compressed/zstd'
import { configMemberScanner } from './config/config-scanner'
import { joblibCompressedScanner } from './joblib'
import { numpyScanner } from './numpy'
import { pickleScanner } from './pickle/scan-pickle'
import { pythonMemberScanner } from './python/python-scanner'
import { pytorchLegacyScanner } from './pytorch-legacy'
import { tarScanner } from './tar'
import type { FormatScanner } from './types'
import { zipScanner } from './zip/scanner'

/**
 * Pickle-family scanners in registry order: containers and specific formats before the raw
 * pickle fallback. The zip scanner also claims pickle/zip polyglots (a valid central directory
 * at the end of a file that starts with something else), so it must precede the pickle scanner;
 * the legacy torch magic must be tried before the generic pickle scanner claims the stream.
 */
export const PICKLE_FAMILY_SCANNERS: readonly FormatScanner[] = [
  zipScanner,
  tarScanner,
  numpyScanner,
  pytorchLegacyScanner,
  joblibCompressedScanner,
  gzipTarScanner,
  zstdScanner,
  // Member-only text formats: claimed by name inside archives, never when the content is a pickle.
  pythonMemberScanner,
  configMemberScanner,
  pickleScanner,
]
