import type { ModelFormat } from './registry'
import { extensionOf, SCANNERS } from './registry'
import { openFileSource } from './byte-source'
import { pickScanner } from './scan-source'
import type { FormatScanner } from './types'

export type Candidate =
  /** Some scanner claims the content: `format` is that scanner's first format name. */
  | Readonly<{ kind: 'model'; format: ModelFormat }>
  /** No scanner claims the content: not a model. */
  | Readonly<{ kind: 'not-model' }>
  | Readonly<{ kind: 'unreadable'; code: string }>

/**
 * Classifies a file found by the crawl (or in a directory given to `scan-model`) by content,
 * through the registry's sniffs. Scanners whose sniff is too weak to trust alone
 * (`extensionRequired`) claim a file only under one of their own extensions. Reads only what the
 * sniffs read (the first 4 KiB, the end of the file for a zip directory).
 */
export function classifyCandidate(
  path: string,
  name: string,
  scanners: readonly FormatScanner<ModelFormat>[] = SCANNERS,
): Candidate {
  const ext = extensionOf(name)
  const trusted = scanners.filter((s) => !s.extensionRequired || s.extensions.includes(ext))
  let src
  try {
    src = openFileSource(path)
  } catch (e) {
    return { kind: 'unreadable', code: (e as NodeJS.ErrnoException).code ?? 'error' }
  }
  try {
    const s = pickScanner(src, name, trusted)
    return s ? { kind: 'model', format: s.formats[0] } : { kind: 'not-model' }
  } catch (e) {
    return { kind: 'unreadable', code: (e as NodeJS.ErrnoException).code ?? 'error' }
  } finally {
    src.close()
  }
}
