import { useEffect, useMemo, useSyncExternalStore } from 'react'
import type { AssetQuery, AssetRow } from '../../../shared/ipc'
import { call } from './api'
import { useAppState } from './store'

export const PAGE = 100
/** At most this many page requests in flight: fast scrolling does not flood the worker. */
const MAX_IN_FLIGHT = 2

export type PagedRows = Readonly<{
  total: number | undefined
  row(i: number): AssetRow | undefined
  /** Ask for the rows a viewport shows (call on scroll). */
  want(first: number, last: number): void
  error: unknown
  retry(): void
}>

type Query = Omit<AssetQuery, 'cursor' | 'at' | 'limit'>

/**
 * A sparse window on a sorted, filtered asset list of any length: pages of PAGE rows fetched as
 * they scroll into view. A page right after a loaded one continues by key (its cursor); a page
 * far away (a scrollbar drag) is fetched by row number and paging continues by key from there.
 * The renderer never holds more than the pages the user looked at.
 */
class AssetPager {
  total: number | undefined
  error: unknown
  private pages = new Map<number, readonly AssetRow[]>()
  private cursors = new Map<number, string>()
  private inFlight = new Set<number>()
  /** Nothing asked yet: the first want() always loads (the first page gives the total). */
  private wanted: [number, number] = [-1, -1]
  private generation = 0
  private version = 0
  private listeners = new Set<() => void>()

  constructor(private readonly query: Query) {}

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l)
    return () => this.listeners.delete(l)
  }
  getVersion = (): number => this.version
  private changed(): void {
    this.version++
    this.listeners.forEach((l) => l())
  }

  row = (i: number): AssetRow | undefined => this.pages.get(Math.floor(i / PAGE))?.[i % PAGE]

  want = (first: number, last: number): void => {
    if (this.wanted[0] === first && this.wanted[1] === last) return
    this.wanted = [first, last]
    this.pump()
  }

  retry = (): void => {
    this.error = undefined
    this.changed()
    this.pump()
  }

  /** The inventory changed: reload what is on screen, keep the place. */
  reload(): void {
    this.generation++
    this.pages = new Map()
    this.cursors = new Map()
    this.inFlight = new Set()
    this.pump()
  }

  dispose(): void {
    this.generation++
    this.listeners.clear()
  }

  private pump(): void {
    const [a, b] = this.wanted.map((x) => Math.max(0, x)) as [number, number]
    const first = Math.floor(a / PAGE)
    const last = Math.floor(Math.max(a, b) / PAGE)
    for (let p = first; p <= last && this.inFlight.size < MAX_IN_FLIGHT; p++) {
      if (this.pages.has(p) || this.inFlight.has(p)) continue
      if (this.total !== undefined && p * PAGE >= this.total && p > 0) continue
      this.inFlight.add(p)
      const gen = this.generation
      const cursor = this.cursors.get(p)
      const q: AssetQuery = {
        ...this.query,
        limit: PAGE,
        ...(cursor ? { cursor } : { at: p * PAGE }),
      }
      call('listAssets', q).then(
        (page) => {
          if (gen !== this.generation) return
          this.inFlight.delete(p)
          this.total = page.total
          this.pages.set(p, page.rows)
          if (page.nextCursor) this.cursors.set(p + 1, page.nextCursor)
          this.error = undefined
          this.changed()
          this.pump()
        },
        (e: unknown) => {
          if (gen !== this.generation) return
          this.inFlight.delete(p)
          this.error = e
          this.changed()
        },
      )
    }
  }
}

export function usePagedAssets(query: Query): PagedRows {
  const key = JSON.stringify(query)
  const revision = useAppState((s) => s.revision)
  // One pager per query: a new filter or sort starts from the top.
  const pager = useMemo(() => new AssetPager(JSON.parse(key) as Query), [key])
  useSyncExternalStore(pager.subscribe, pager.getVersion)
  useEffect(() => () => pager.dispose(), [pager])
  useEffect(() => {
    if (revision > 0) pager.reload()
  }, [revision, pager])
  return {
    total: pager.total,
    error: pager.error,
    row: pager.row,
    want: pager.want,
    retry: pager.retry,
  }
}
