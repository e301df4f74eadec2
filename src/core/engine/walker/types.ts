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
  /**
   * The skip rules as data, so that side readers can walk whole subtrees on their own (subtree
   * mode): the caller then no longer handles every entry, only the files it wants and the counts.
   * They must decide exactly as `skipDir` and `onFile` do: the same walk in subtree mode and on
   * the caller alone gives the same result (walker tests). Absent: side readers read one level.
   */
  subtree?: SubtreeRules
}>

/** What a side reader needs to walk a subtree without asking the caller. */
export type SubtreeRules = Readonly<{
  /** Folder names never entered; each is counted under its own name. */
  prunedNames: readonly string[]
  /** Folders whose children are not entered (counted as `cache`) ... */
  cacheParents: readonly string[]
  /** ... except children of these names. */
  keptCacheNames: readonly string[]
  /** [name, parent name, rule]: a folder of that name directly under one of that name. */
  prunedPairs: readonly (readonly [string, string, string])[]
  /** Exact folder paths not entered (counted as `claimed`). */
  claimedDirs: readonly string[]
  /**
   * Whether a folder claimed after the readers started holds this path (file or folder): what
   * they report under it is dropped, and such a folder is not handed to them.
   */
  claimedSince?(path: string): boolean
  /** The files the caller wants to see; the others are only counted. */
  files: FileInterest
  /** The counts of what a side reader walked: its files and folders, and the folders skipped. */
  counted(files: number, dirs: number, pruned: Readonly<Record<string, number>>): void
}>

/**
 * A superset of the file names the caller acts on: exact names, lower-cased names, extensions
 * (lower-cased, with the dot, of names with a dot after their first character), lower-cased
 * prefixes, and names without such an extension.
 */
export type FileInterest = Readonly<{
  names: readonly string[]
  lowerNames: readonly string[]
  extensions: readonly string[]
  lowerPrefixes: readonly string[]
  noExtension: boolean
}>

export type ReaddirFn = (
  path: string,
  cb: (err: NodeJS.ErrnoException | null, entries: Dirent[]) => void,
) => void
