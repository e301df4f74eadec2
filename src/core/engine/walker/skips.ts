import type { SkipReason } from '../../types'
import { fsSkipReason } from '../../util/fs'

/** Maps an errno code to a skip reason the UI can explain. */
export function skipReasonFor(code: string | undefined, platform: NodeJS.Platform): SkipReason {
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
    case 'not-a-directory':
      return 'Replaced by a file while the scan was running'
    default:
      return `Could not read (${code ?? 'unknown error'})`
  }
}
