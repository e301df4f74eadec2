/**
 * The light entry of the core library: the inventory database without the scanning engine.
 * Opening, reading and (later) querying the inventory need none of the scanners, discovery or
 * report writers, and loading them is most of core's start-up cost (about 110 ms against 10 ms
 * for this entry, measured on the built Electron main bundle): the Electron main process imports
 * this entry so its window is not held up, and runs scans in a worker that loads the full one.
 * `src/core/index.ts` re-exports everything here.
 *
 * @packageDocumentation
 */

/** Opens (creating and migrating if needed) an inventory database; the default per-user path. */
export { openDb, defaultDbPath, StoreError } from './storage/db'
export type { Db } from './storage/db'
/** Streams the latest inventory (every asset, finding, skip) for exports. */
export { openInventoryReader, NoScanError } from './storage/inventory-reader'
export { arrayInventory, INVENTORY_SCHEMA_VERSION } from './inventory'
export type { InventoryReader } from './inventory'
export * from './types'
