/**
 * The inventory query layer: keyset-paged, sorted and filtered reads of assets and findings,
 * details, overview counts, scan history and the difference between two scans. Synchronous
 * SQLite reads: callers run them off any UI thread (the desktop app in a worker). Every input
 * and output is plain data (types in src/shared/query.ts).
 */
export { queryAssets, countAssets } from './assets'
export { queryFindings, countFindings, findingGroups } from './findings'
export { assetDetail, findingDetail } from './detail'
export { overview, scanHistory, scanDiff } from './scans'
export { refreshDerived } from './derived'
export type { RefreshResult } from './derived'
export { QueryError } from './cursor'
