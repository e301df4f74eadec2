// The crawl's directory walk: walk.ts (the caller and its side readers), addon.ts and dir-reader.c
// (the native reader), readers.ts (side readers: a pool batch or a helper Worker, helper.ts),
// readout.ts (the listing format they share), callback-walk.ts (injected readers in tests),
// drain.ts (back-pressure from the consumer), skips.ts (errno -> reason).
export { walk } from './walk'
export { skipReasonFor } from './skips'
export type { ReaddirFn, WalkOptions } from './types'
export { loadDirReader } from './addon'
export type { DirReaderAddon } from './addon'
export { readListing } from './readout'
