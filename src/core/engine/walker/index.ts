// The crawl's directory walk: walk.ts (the caller and its side reader), readers.ts and helper.ts
// (a helper Worker that reads batches of folders beside the caller), readout.ts (the listing
// format the helper answers in), callback-walk.ts (injected readers in tests), drain.ts
// (back-pressure from the consumer), skips.ts (errno -> reason).
export { walk } from './walk'
export { skipReasonFor } from './skips'
export type { ReaddirFn, WalkOptions } from './types'
export { readListing } from './readout'
