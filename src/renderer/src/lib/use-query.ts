import { useCallback, useEffect, useEffectEvent, useRef, useState } from 'react'
import { useAppState } from './store'

export type QueryState<T> =
  | Readonly<{ status: 'loading'; data?: T }>
  | Readonly<{ status: 'ready'; data: T }>
  | Readonly<{ status: 'error'; error: unknown; data?: T }>

/**
 * Runs `fetch` when its key changes and whenever the inventory changes; keeps the last data while
 * the same view reloads (no flash of empty content). `retry` runs it again after an error.
 */
export function useQuery<T>(
  key: string,
  fetch: () => Promise<T>,
): QueryState<T> & { retry(): void } {
  const revision = useAppState((s) => s.revision)
  const [state, setState] = useState<QueryState<T>>({ status: 'loading' })
  const [attempt, setAttempt] = useState(0)
  const run = useEffectEvent(fetch)
  const lastKey = useRef(key)
  useEffect(() => {
    let live = true
    // The same view refreshing keeps its data on screen; another item starts empty.
    const sameKey = lastKey.current === key
    lastKey.current = key
    run().then(
      (data) => live && setState({ status: 'ready', data }),
      (error: unknown) =>
        live &&
        setState((s) => ({
          status: 'error',
          error,
          ...(s.data !== undefined ? { data: s.data } : {}),
        })),
    )
    if (!sameKey) setState({ status: 'loading' })
    return () => {
      live = false
    }
  }, [key, revision, attempt])
  const retry = useCallback(() => setAttempt((n) => n + 1), [])
  return { ...state, retry }
}
