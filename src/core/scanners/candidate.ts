import type { ModelFormat } from './registry'
import { extensionOf, GENERIC_EXTENSIONS, MODEL_EXTENSIONS, SCANNERS } from './registry'
import { openFileSource } from './byte-source'
import { pickScanner } from './scan-source'
import { HEAD_BYTES } from './sniff'
import type { FormatScanner, ModelFileReport } from './types'

export type Candidate =
  /** Some scanner claims the content: `format` is that scanner's first format name. */
  | Readonly<{ kind: 'model'; format: ModelFormat }>
  /** No scanner claims the content: not a model. */
  | Readonly<{ kind: 'not-model' }>
  /**
   * Binary content under a model extension that no scanner recognises: a loader may still open
   * it, so it is reported (never silence), but not listed as a model.
   */
  | Readonly<{ kind: 'unrecognised' }>
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
    if (s) return { kind: 'model', format: s.formats[0] }
    if (MODEL_EXTENSIONS.has(ext) && !GENERIC_EXTENSIONS.has(ext) && src.size > 0) {
      if (!looksLikeText(src.read(0, HEAD_BYTES))) return { kind: 'unrecognised' }
    }
    return { kind: 'not-model' }
  } catch (e) {
    return { kind: 'unreadable', code: (e as NodeJS.ErrnoException).code ?? 'error' }
  } finally {
    src.close()
  }
}

/** Mostly printable bytes with no NUL: a text file (a README renamed `.pt`), not binary data. */
export function looksLikeText(head: Uint8Array): boolean {
  const n = Math.min(head.length, 1024)
  let bad = 0
  for (let i = 0; i < n; i++) {
    const c = head[i]!
    if (c === 0) return false
    if (c < 0x09 || (c > 0x0d && c < 0x20)) bad++
  }
  return bad <= n * 0.02
}

/**
 * A container with nothing a model scanner recognises inside (a zip of text files, a Python
 * zipapp, a tool that embeds an archive) is an archive, not a model: the crawl lists it only when
 * a member is model or pickle content, or the archive itself carries a high finding (zip slip,
 * symlinks, a bomb, members that could not be scanned).
 */
export function isPlainArchive(r: ModelFileReport): boolean {
  const container = r.format === 'zip' || r.format === 'tar' || r.format === 'executable-archive'
  if (!container || r.metadata?.['modelMembers'] !== 0) return false
  return !r.findings.some((f) => f.severity === 'critical' || f.severity === 'high')
}
