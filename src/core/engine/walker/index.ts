// The crawl's directory walk: walk.ts (the caller and its side readers), readers.ts and helper.ts
// (helper Workers that read batches of folders, or walk whole subtrees, beside the caller),
// subtree.ts (the skip rules as data for helpers that walk subtrees on their own),
// readout.ts (the formats the helper answers in), callback-walk.ts (injected readers in tests), drain.ts
// (back-pressure from the consumer), skips.ts (errno -> reason).
export { walk } from './walk'
export { skipReasonFor } from './skips'
export type { FileInterest, ReaddirFn, SubtreeRules, WalkOptions } from './types'
export { readListing } from './readout'
