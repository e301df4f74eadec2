import type { Migration } from './types'

/**
 * Remembered analyses written before they were scrubbed (storage/file-memo.ts) could hold a
 * credential a notebook's code or URL carried: they are dropped, and the next scan analyses those
 * files again and remembers the scrubbed result. The inventory's own rows are replaced by that
 * scan as well (an asset whose details change is rewritten).
 */
export const M0100_SCRUB_REMEMBERED: Migration = {
  version: 100,
  name: 'scrub-remembered',
  up: `DELETE FROM file_memos;`,
}
