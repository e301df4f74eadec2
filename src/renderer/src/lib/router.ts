import { useSyncExternalStore } from 'react'

/**
 * Hash routes: the app is one page (main refuses every real navigation), and a route keeps the
 * screen's filter, sort and selection, so Back returns to the same list at the same place.
 */
export type Screen = 'overview' | 'inventory' | 'findings' | 'model' | 'settings' | 'about'

export type Route = Readonly<{
  screen: Screen
  /** Inventory tab, settings section, or model report asset id. */
  sub?: string
  params: URLSearchParams
}>

const SCREENS: readonly Screen[] = [
  'overview',
  'inventory',
  'findings',
  'model',
  'settings',
  'about',
]

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#\/?/, '')
  const [path = '', query = ''] = h.split('?', 2)
  const [first, ...rest] = path.split('/').map((s) => {
    try {
      return decodeURIComponent(s)
    } catch {
      return ''
    }
  })
  const screen = (SCREENS as readonly string[]).includes(first ?? '')
    ? (first as Screen)
    : 'overview'
  const sub = rest.join('/') || undefined
  return { screen, ...(sub ? { sub } : {}), params: new URLSearchParams(query) }
}

export function href(
  screen: Screen,
  sub?: string,
  params?: Record<string, string | undefined>,
): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== '') q.set(k, v)
  const qs = q.toString()
  return `#/${screen}${sub ? `/${encodeURIComponent(sub)}` : ''}${qs ? `?${qs}` : ''}`
}

let current = parseHash(window.location.hash)
const listeners = new Set<() => void>()
window.addEventListener('hashchange', () => {
  current = parseHash(window.location.hash)
  listeners.forEach((l) => l())
})

export function useRoute(): Route {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    () => current,
  )
}

export function navigate(to: string): void {
  if (window.location.hash !== to) window.location.hash = to
}

/** Changes the current route's parameters in place (typing a filter does not add history entries). */
export function replaceParams(patch: Record<string, string | undefined>): void {
  const r = current
  const q = new URLSearchParams(r.params)
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || v === '') q.delete(k)
    else q.set(k, v)
  }
  const qs = q.toString()
  const next = `#/${r.screen}${r.sub ? `/${encodeURIComponent(r.sub)}` : ''}${qs ? `?${qs}` : ''}`
  if (next === window.location.hash) return
  window.history.replaceState(null, '', next)
  current = parseHash(next)
  listeners.forEach((l) => l())
}

/** Where each list was scrolled, by route, so Back lands in the same place. */
const scrollMemory = new Map<string, number>()
export function rememberScroll(key: string, top: number): void {
  scrollMemory.set(key, top)
}
export function recallScroll(key: string): number {
  return scrollMemory.get(key) ?? 0
}
