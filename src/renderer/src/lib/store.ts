import { useSyncExternalStore } from 'react'
import type { AppStatus, ScanOutcome, ScanProgress, ScanState } from '../../../shared/ipc'
import { call, on } from './api'

/**
 * App-wide state pushed by main: the scan (state and live progress) and the status line. One
 * subscription each for the whole page; screens read them with hooks.
 */
type Shared = {
  scan: ScanState
  progress?: ScanProgress
  status?: AppStatus
  /** Bumped on every inventory change, so screens refetch what they show. */
  revision: number
  lastOutcome?: ScanOutcome
}

let state: Shared = { scan: { running: false }, revision: 0 }
const listeners = new Set<() => void>()
function set(patch: Partial<Shared>): void {
  state = { ...state, ...patch }
  listeners.forEach((l) => l())
}

let started = false
/** Subscribes to main's events once; call at startup. */
export function startAppState(): void {
  if (started) return
  started = true
  on('scan:state', (s) =>
    set({
      scan: s,
      ...(s.running ? {} : { progress: undefined, ...(s.last ? { lastOutcome: s.last } : {}) }),
    }),
  )
  on('scan:progress', (p) => set({ progress: p }))
  on('status:changed', (s) => set({ status: s }))
  on('inventory:changed', () => set({ revision: state.revision + 1 }))
  void call('getScanState').then(
    (s) => set({ scan: s, ...(s.running && s.progress ? { progress: s.progress } : {}) }),
    () => undefined,
  )
  void call('getStatus').then(
    (s) => set({ status: s }),
    () => undefined,
  )
}

export function useAppState<T>(pick: (s: Shared) => T): T {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    () => pick(state),
  )
}

/** Starts a scan and records its outcome (the Overview says how it ended). */
export async function startScan(paths?: readonly string[]): Promise<ScanOutcome> {
  set({ lastOutcome: undefined })
  const outcome = await call('startScan', paths ? { paths: [...paths] } : {})
  set({ lastOutcome: outcome })
  return outcome
}

export function bumpRevision(): void {
  set({ revision: state.revision + 1 })
}
