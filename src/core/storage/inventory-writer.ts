import type { NewAsset, NewFinding, ScanDelta, ScanStats, SkippedEntry } from '../types'
import type { CommitDerive } from './merge'

/**
 * A unit of work of a scan: one locator run (`locator:ollama`), the analyses of one crawled file
 * (`file:/home/me/a.gguf`), the secrets pass over one file (`secrets:/home/me/.env`), the
 * environment check (`scan:environment`). The store remembers which unit emitted each asset and
 * finding, so a scoped scan that re-runs some units replaces what those emitted and nothing else.
 * `rank` orders the contributions of several units to one asset (fields of later ranks win, as
 * in a full scan, where locators run before the crawl).
 */
export type Origin = Readonly<{ key: string; rank: number }>

/**
 * How a unit used a path: it claimed a folder (the crawl stays out; everything below is its
 * business) or a file, read a file (or found one by stat), listed a folder's entries, or found
 * nothing there. A change at such a path re-runs the unit.
 */
export type PathUse = 'claim-dir' | 'claim-file' | 'read' | 'list' | 'absent'

/** Origin of rows written through the store API without one (tests, benchmarks, imports). */
export const DIRECT_ORIGIN: Origin = { key: 'direct', rank: 0 }

/**
 * The write side of one scan, as the engine sees it. Rows are staged while the scan runs and
 * applied to the inventory in one transaction by `complete`; `abort` leaves the inventory as it
 * was.
 */
export type InventoryWriter = Readonly<{
  scanId: string
  /** Begin order of this scan among all scans of the inventory. */
  seq: number
  addAsset(a: NewAsset, origin?: Origin): string
  addFinding(f: NewFinding, origin?: Origin): string
  addSkipped(s: SkippedEntry): void
  /** Records that `origin` claimed or read `path` (what a later scoped scan looks up). */
  notePath(origin: Origin, path: string, use: PathUse): void
  /**
   * Records that this scan ran `origin` to its end: whatever it emitted in earlier scans and not
   * in this one goes (a full scan covers every unit without being told).
   */
  cover(origin: Origin): void
  counts(): { assets: number; findings: number; skipped: number }
  /**
   * Applies the scan to the inventory and returns what changed (also written to the change log)
   * and the stats as recorded: for a full scan, `assets` and `findings` are the inventory's
   * present assets and open findings afterwards.
   */
  complete(
    stats: ScanStats,
    derive?: CommitDerive,
  ): Readonly<{ delta: ScanDelta; stats: ScanStats }>
  /** Records the scan as failed/interrupted; the inventory stays as it was. */
  abort(status: 'interrupted' | 'failed', error?: string): void
}>
