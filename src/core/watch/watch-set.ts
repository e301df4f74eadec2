import { statSync } from 'node:fs'
import { basename, dirname, join, resolve, sep } from 'node:path'
import { isPrunedDir } from '../engine/prune'
import type { WatchReason, WatchTarget } from './types'
import { WATCH_REASONS } from './types'

/** A place a locator reads, as the inventory remembers it. */
export type KnownLocation = Readonly<{
  path: string
  /**
   * `tree`: a store folder the locator owns (watched with its subfolders); `dir`: a folder it
   * lists; `file`: a file it reads (its folder is watched); `absent`: a path it looked for and did
   * not find (its nearest existing folder is watched, so its creation is seen).
   */
  how: 'tree' | 'dir' | 'file' | 'absent'
  source: string
}>

export type WatchPlanInput = Readonly<{
  home: string
  /** The user's extra scan roots (the home is not watched whole). */
  roots?: readonly string[]
  locations?: readonly KnownLocation[]
  /** Model files the crawl found: their folders are watched. */
  modelFiles?: readonly string[]
  /** Other files the inventory lists (keys in files, notebooks): their folders are watched alone. */
  assetFiles?: readonly string[]
  /** Watch the whole home as a root (budget permitting; tests, small homes). */
  watchHome?: boolean
  /** Folders downloads land in (default: ~/Downloads and ~/Desktop). */
  dropFolders?: readonly string[]
  /** Paths never watched (system pseudo file systems; default /proc, /sys, /dev). */
  never?: readonly string[]
}>

const RANK: Readonly<Record<WatchReason, number>> = Object.fromEntries(
  WATCH_REASONS.map((r, i) => [r, i]),
) as Record<WatchReason, number>

/** Subfolder levels watched below a folder that held model files, and below a drop folder. */
export const MODEL_FOLDER_DEPTH = 1
export const DROP_FOLDER_DEPTH = 1

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

const under = (p: string, root: string): boolean =>
  p === root || p.startsWith(root.endsWith(sep) ? root : root + sep)

/** Whether any folder on the way from `/` to `p` is one the crawl prunes. */
export function inPrunedTree(p: string): boolean {
  const parts = p.split(sep).filter(Boolean)
  for (let i = 0; i < parts.length; i++) {
    if (isPrunedDir(parts[i]!, i > 0 ? parts[i - 1]! : '')) return true
  }
  return false
}

function nearestExisting(p: string): string | undefined {
  for (let d = p; ; d = dirname(d)) {
    if (isDir(d)) return d
    if (dirname(d) === d) return undefined
  }
}

/**
 * The folders worth watching, highest priority first (the order the budget serves them): what
 * the locators know, the drop folders, folders where model files were found, the user's roots.
 * Missing folders are replaced by their nearest existing parent watched alone (a store or config
 * folder created later is then seen); folders inside pruned trees (node_modules, .git, caches)
 * are left out, except a location a locator reads itself; a target that another covers (same
 * folder, or inside a tree deep enough) is dropped, keeping the higher-priority one.
 */
export function planWatchSet(input: WatchPlanInput): WatchTarget[] {
  const home = resolve(input.home)
  const never = (input.never ?? ['/proc', '/sys', '/dev']).map((p) => resolve(p))
  const out: WatchTarget[] = []
  const add = (path: string, reason: WatchReason, depth: number | undefined, source: string) => {
    const p = resolve(path)
    if (never.some((n) => under(p, n))) return
    if (reason !== 'location' && inPrunedTree(p)) return
    out.push({ path: p, reason, depth, source })
  }

  for (const l of input.locations ?? []) {
    if (l.how === 'tree' && isDir(l.path)) add(l.path, 'location', undefined, l.source)
    else if (l.how !== 'file' && isDir(l.path)) add(l.path, 'location', 0, l.source)
    else if (l.how === 'file') {
      // Files read inside pruned trees (package metadata in site-packages) change only when the
      // folder listing them does, and that listing is a location of its own.
      const d = dirname(l.path)
      if (isDir(d) && !inPrunedTree(d)) add(d, 'location', 0, l.source)
    } else {
      const at = nearestExisting(l.path)
      if (at) add(at, 'location', 0, l.source)
    }
  }
  for (const d of input.dropFolders ?? [join(home, 'Downloads'), join(home, 'Desktop')]) {
    if (isDir(d)) add(d, 'drop-folder', DROP_FOLDER_DEPTH, d)
  }
  for (const f of input.modelFiles ?? []) {
    const d = dirname(f)
    if (isDir(d)) add(d, 'model-folder', MODEL_FOLDER_DEPTH, basename(f))
  }
  for (const f of input.assetFiles ?? []) {
    const d = dirname(f)
    if (isDir(d)) add(d, 'asset-folder', 0, basename(f))
  }
  for (const r of [...(input.roots ?? []), ...(input.watchHome ? [home] : [])])
    if (isDir(r)) add(r, 'root', undefined, r)

  return dedupe(out)
}

/** Whether `outer` watches every folder `inner` would. */
function covers(outer: WatchTarget, inner: WatchTarget): boolean {
  if (!under(inner.path, outer.path)) return false
  if (outer.depth === undefined) return true
  if (inner.depth === undefined) return false
  const level =
    inner.path === outer.path
      ? 0
      : inner.path.slice(outer.path.length).split(sep).filter(Boolean).length
  return level + inner.depth <= outer.depth
}

function dedupe(targets: readonly WatchTarget[]): WatchTarget[] {
  // Same folder: keep the deepest watch, with the best reason of those asking for it.
  const byPath = new Map<string, WatchTarget>()
  for (const t of targets) {
    const prev = byPath.get(t.path)
    if (!prev) {
      byPath.set(t.path, t)
      continue
    }
    const deeper =
      prev.depth === undefined ? prev : t.depth === undefined ? t : t.depth > prev.depth ? t : prev
    const best = RANK[t.reason] < RANK[prev.reason] ? t : prev
    byPath.set(t.path, { ...deeper, reason: best.reason, source: best.source })
  }
  const sorted = [...byPath.values()].sort(
    (a, b) => RANK[a.reason] - RANK[b.reason] || a.path.localeCompare(b.path),
  )
  // A target covered by one of the same or a better rank adds nothing. One covered only by a
  // lower-ranked tree stays: that tree may be degraded by the budget while this one fits.
  return sorted.filter(
    (t) => !sorted.some((o) => o !== t && RANK[o.reason] <= RANK[t.reason] && covers(o, t)),
  )
}
