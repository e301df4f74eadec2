import type { ScanProgress } from '../shared/types'

/** Messages between the main process and the scan worker (a discriminated union per direction). */
export type WorkerRequest = Readonly<{
  type: 'scan'
  dbPath: string
  home: string
  nativeBinding?: string
}>

export type WorkerMessage =
  | Readonly<{ type: 'progress'; progress: ScanProgress }>
  | Readonly<{ type: 'done'; scanId: string; status: 'complete' | 'interrupted' }>
  | Readonly<{ type: 'error'; message: string }>

/** Sent to the worker to cancel the running scan. */
export type WorkerControl = Readonly<{ type: 'cancel' }>
