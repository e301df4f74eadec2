import type { FileInterest, SubtreeRules } from '../../../src/core/engine/walker'

/** Subtree rules that prune nothing and want the given files (walker tests of side readers). */
export function pruneNothing(files: Partial<FileInterest>): SubtreeRules {
  return {
    prunedNames: [],
    cacheParents: [],
    keptCacheNames: [],
    prunedPairs: [],
    claimedDirs: [],
    files: {
      names: [],
      lowerNames: [],
      extensions: [],
      lowerPrefixes: [],
      noExtension: false,
      ...files,
    },
    counted: () => undefined,
  }
}
