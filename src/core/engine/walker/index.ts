// The crawl's directory walk: walk.ts (the caller and its helper thread), helper.ts (the helper's
// source and wire format), callback-walk.ts (injected readers in tests), skips.ts (errno -> reason).
export { walk } from './walk'
export { skipReasonFor } from './skips'
export type { ReaddirFn, WalkOptions } from './types'
