import { lstatSync } from 'node:fs'
import type { SkipReason } from '../../types'
import { fsSkipReason } from '../../util/fs'

/**
 * The code a name that is not valid UTF-8 is skipped with. Node decodes such a name lossily
 * (U+FFFD for the bad bytes), so the path built from it names nothing and every open gives
 * ENOENT, which would read as "vanished". EILSEQ is the errno name for an illegal byte sequence.
 */
export const UNREADABLE_NAME_CODE = 'EILSEQ'

/**
 * Whether `name`, as a directory read returned it, does not round-trip to the bytes on disk:
 * only a name holding U+FFFD can be one (it is what the lossy decoding puts in), and then the
 * path built from it does not exist. A name that really holds U+FFFD (valid UTF-8) still opens.
 */
export function unreadableName(path: string, name: string): boolean {
  if (!name.includes('\uFFFD')) return false
  try {
    lstatSync(path)
    return false
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT'
  }
}

/** Maps an errno code to a skip reason the UI can explain. */
export function skipReasonFor(code: string | undefined, platform: NodeJS.Platform): SkipReason {
  // The walk's own code for a name that is not valid UTF-8 (unreadableName): no system call
  // fails with it here, so it cannot be mistaken for a real error.
  if (code === UNREADABLE_NAME_CODE) return 'unreadable-name'
  return fsSkipReason(code, { platform, fallback: 'error' })
}

/** The sentence shown for a folder the walk could not read. */
export function describeSkip(reason: SkipReason, code: string | undefined): string {
  switch (reason) {
    case 'permission-denied':
      return 'Permission denied: AI Scout cannot read this folder'
    case 'privacy-protected':
      return 'Protected by macOS privacy settings: grant AI Scout Full Disk Access to include it'
    case 'path-too-long':
      return 'Path longer than the operating system limit'
    case 'symlink-loop':
      return 'Too many levels of symbolic links'
    case 'vanished':
      return 'Removed while the scan was running'
    case 'unreadable-name':
      return 'The name is not valid UTF-8; AI Scout cannot open it by name'
    case 'not-a-directory':
      return 'Replaced by a file while the scan was running'
    default:
      return `Could not read (${code ?? 'unknown error'})`
  }
}
