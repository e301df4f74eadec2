import type { SyncEvent, SyncOutcome } from '../../core'

/** How a sync worker is started (workerData): one sync per worker. */
export type SyncJob = Readonly<{
  dbPath: string
  nativeBinding?: string
  serverUrl: string
  /** Only when enrolling: exchanged for a device token, never stored. */
  enrollSecret?: string
  /** The device token main read from its store (absent before enrollment). */
  token?: string
  appVersion: string
  /** Enroll, then stop (Settings → Sync → Enroll: the first data goes with Sync now). */
  enrollOnly?: boolean
  env?: Readonly<Record<string, string | undefined>>
  /** Retries per request; the app keeps them short so Sync now answers quickly. */
  retry?: Readonly<{ attempts: number; baseMs: number; capMs: number }>
}>

/**
 * Worker → main. The token messages are how the sync client's token store reaches main's store
 * (the OS keychain is Electron main's): they stay inside this process, never on IPC.
 */
export type FromSyncWorker =
  | Readonly<{ type: 'event'; event: SyncEvent }>
  | Readonly<{ type: 'token'; token: string }>
  | Readonly<{ type: 'token-clear' }>
  | Readonly<{ type: 'done'; outcome: SyncOutcome }>
  | Readonly<{ type: 'failed'; message: string }>
