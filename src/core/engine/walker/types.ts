import type { Dirent } from 'node:fs'
import type { SkippedEntry } from '../../types'

export type WalkOptions = Readonly<{
  /** Return true to skip a directory (pruning, exclusions, claimed store dirs). */
  skipDir(path: string, name: string, parentName: string): boolean
  /** Called for each regular file; must be cheap (name lookups only). */
  onFile(path: string, name: string, dir: string): void
  onSkip(entry: SkippedEntry): void
  /** A directory whose absolute path is beyond PATH_MAX; when absent it is recorded as skipped. */
  onTooLong?(path: string): void
  onDir?(path: string): void
  /** Callback-reader concurrency (only with an injected `readdir`). */
  concurrency?: number
  /**
   * Helper Workers beside the calling thread: 0 for none. Default: one, started once the walk has
   * read SPAWN_AFTER_DIRS directories, so that a small tree never pays for a thread.
   */
  helpers?: number
  /** false: only helper threads read (the walk also switches to that when reads turn slow). */
  readOnCaller?: boolean
  /** Back-pressure: while this returns true no new directory is opened. */
  shouldPause?(): boolean
  /** Resolves when the consumer has drained enough to continue. */
  waitForDrain?(): Promise<void>
  signal?: AbortSignal
  platform?: NodeJS.Platform
  /** Directory reader (tests inject failures and races; production uses fs.readdir). */
  readdir?: ReaddirFn
  /** The helper Worker's source (tests inject a helper that dies; production uses helper.ts). */
  helperSource?: string
}>

export type ReaddirFn = (
  path: string,
  cb: (err: NodeJS.ErrnoException | null, entries: Dirent[]) => void,
) => void
