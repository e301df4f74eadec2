import { useCallback, useEffect, useEffectEvent, useRef, useState } from 'react'

export type Loaded<T> = Readonly<{ data?: T; error?: unknown; loading: boolean }>

/**
 * Runs `load` when its key changes; `reload` runs it again (after an action changed the data).
 * The same view reloading keeps its data on screen; another key starts empty.
 */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> & { reload(): void } {
  const [state, setState] = useState<Loaded<T>>({ loading: true })
  const [tick, setTick] = useState(0)
  const run = useEffectEvent(load)
  const lastKey = useRef(key)
  useEffect(() => {
    let live = true
    const sameKey = lastKey.current === key
    lastKey.current = key
    run().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState((s) => ({ data: s.data, error, loading: false })),
    )
    if (!sameKey) setState({ loading: true })
    return () => {
      live = false
    }
  }, [key, tick])
  const reload = useCallback(() => setTick((n) => n + 1), [])
  return { ...state, reload }
}
