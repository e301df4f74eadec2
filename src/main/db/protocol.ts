import type { IpcError } from '../../shared/ipc'

/** Requests from main to a database worker, numbered so replies can arrive in any order. */
export type DbRequest = Readonly<{ seq: number; op: string; args: unknown }>
export type DbReply =
  | Readonly<{ seq: number; ok: true; value: unknown }>
  | Readonly<{ seq: number; ok: false; error: IpcError; detail?: string }>

/** How a database worker is started (workerData). */
export type DbWorkerData = Readonly<{
  dbPath: string
  nativeBinding?: string
  /** Who accepts risks in this session (the OS user). */
  user: string
  home: string
}>
