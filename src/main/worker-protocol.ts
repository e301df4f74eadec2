import type { ScanDelta, ScanProgress, ScanStats } from '../core'

/** Messages between the main process and the scan worker (a discriminated union per direction). */
export type WorkerRequest = Readonly<{
  type: 'scan'
  dbPath: string
  home: string
  nativeBinding?: string
  /** Files or folders to rescan; absent: a full scan. */
  paths?: readonly string[]
}>

export type WorkerMessage =
  | Readonly<{ type: 'started'; missingRoots: readonly string[] }>
  | Readonly<{ type: 'progress'; progress: ScanProgress }>
  | Readonly<{
      type: 'done'
      scanId: string
      status: 'complete' | 'interrupted'
      stats: ScanStats
      missingRoots: readonly string[]
      delta: ScanDelta
    }>
  | Readonly<{ type: 'error'; message: string }>

/** Sent to the worker to cancel the running scan. */
export type WorkerControl = Readonly<{ type: 'cancel' }>
