import type { SubtreeVisitor } from './readout'
import type { SubtreeRules, WalkOptions } from './types'

export type SubtreeReading = Readonly<{
  /** What each subtree reader is started with (helper.ts reads it as workerData). */
  data: Readonly<Record<string, unknown>>
  /** Applies a subtree answer: files to the caller's onFile, folders not reached to the queue. */
  visitor: SubtreeVisitor
}>

/**
 * Subtree mode (types.ts SubtreeRules): the rules as the helpers receive them, and how their
 * answers reach the walk's callbacks.
 */
export function readingSubtrees(
  rules: SubtreeRules,
  onFile: WalkOptions['onFile'],
  sep: string,
  maxDirs: number,
  queue: Pick<SubtreeVisitor, 'pending' | 'failed' | 'own'>,
): SubtreeReading {
  return {
    data: {
      sep,
      max: maxDirs,
      // Plain data only: a Worker receives a structured clone (the counted callback stays here).
      rules: {
        prunedNames: rules.prunedNames,
        cacheParents: rules.cacheParents,
        keptCacheNames: rules.keptCacheNames,
        prunedPairs: rules.prunedPairs,
        claimedDirs: rules.claimedDirs,
        files: rules.files,
      },
    },
    visitor: {
      file(path) {
        if (rules.claimedSince?.(path)) return
        const cut = path.lastIndexOf(sep)
        onFile(path, path.slice(cut + 1), cut > 0 ? path.slice(0, cut) : path.slice(0, 1))
      },
      pending(dir) {
        if (!rules.claimedSince?.(dir)) queue.pending(dir)
      },
      own(dir) {
        if (!rules.claimedSince?.(dir)) queue.own(dir)
      },
      failed: queue.failed,
      counted: (files, dirs, pruned) => rules.counted(files, dirs, pruned),
    },
  }
}
