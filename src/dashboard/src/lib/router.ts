import { useEffect, useState } from 'react'

/** Hash routes (`#/devices/dev_…?asset=…`): one page the server serves, no server-side routes. */
export type Route = Readonly<{ path: string[]; query: URLSearchParams }>

function parse(): Route {
  const raw = window.location.hash.replace(/^#/, '') || '/overview'
  const [p, q] = raw.split('?')
  return {
    path: (p ?? '').split('/').filter(Boolean).map(decodeURIComponent),
    query: new URLSearchParams(q ?? ''),
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(parse)
  useEffect(() => {
    const on = () => setRoute(parse())
    window.addEventListener('hashchange', on)
    return () => window.removeEventListener('hashchange', on)
  }, [])
  return route
}

export function href(
  path: string,
  query: Readonly<Record<string, string | undefined>> = {},
): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v) q.set(k, v)
  const s = q.toString()
  return `#${path}${s ? `?${s}` : ''}`
}

export function navigate(
  path: string,
  query: Readonly<Record<string, string | undefined>> = {},
): void {
  window.location.hash = href(path, query)
}
