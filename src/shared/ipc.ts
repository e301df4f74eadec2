/**
 * The one IPC contract between the Electron main process, the preload bridge and the renderer.
 * Types only (no runtime imports), so every side can import it.
 */
import type { AssetKind, ScanProgress, Severity } from './types'

export type InventorySummary = Readonly<{
  hasScan: boolean
  scanId?: string
  finishedAt?: string
  dbPath: string
  assets: Readonly<Partial<Record<AssetKind, number>>>
  findings: Readonly<Partial<Record<Severity, number>>>
  totalAssets: number
  totalFindings: number
}>

export type ScanOutcome =
  | Readonly<{ kind: 'complete'; scanId: string; summary: InventorySummary }>
  | Readonly<{ kind: 'interrupted'; scanId: string }>
  | Readonly<{ kind: 'failed'; message: string }>

/** Request/response channels (`noun:verb`). */
export type IpcInvoke = {
  'inventory:summary': { args: []; result: InventorySummary }
  'scan:start': { args: []; result: ScanOutcome }
  'scan:cancel': { args: []; result: boolean }
}

/** Main → renderer pushes. */
export type IpcEvents = {
  'scan:progress': ScanProgress
}

export const INVOKE_CHANNELS = [
  'inventory:summary',
  'scan:start',
  'scan:cancel',
] as const satisfies readonly (keyof IpcInvoke)[]
export const EVENT_CHANNELS = ['scan:progress'] as const satisfies readonly (keyof IpcEvents)[]

export type IpcHandlers = {
  [K in keyof IpcInvoke]: (...args: IpcInvoke[K]['args']) => Promise<IpcInvoke[K]['result']>
}

/** What the preload exposes as `window.api`: named methods only, no generic invoke. */
export type RendererApi = Readonly<{
  getSummary(): Promise<InventorySummary>
  startScan(): Promise<ScanOutcome>
  cancelScan(): Promise<boolean>
  onScanProgress(cb: (p: ScanProgress) => void): () => void
}>

/** Method name → channel, shared by the preload and the browser-test shim. */
export const API_CHANNELS = {
  getSummary: 'inventory:summary',
  startScan: 'scan:start',
  cancelScan: 'scan:cancel',
} as const satisfies Record<Exclude<keyof RendererApi, 'onScanProgress'>, keyof IpcInvoke>
