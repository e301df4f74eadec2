import type { AssetLink } from '../types'
import { mergeLinks } from './stage'

/** One unit's contribution to an asset, as stored (JSON text for details and links). */
export type AssetPart = {
  origin: string
  rank: number
  kind: string
  path: string
  name: string | null
  version: string | null
  format: string | null
  sha256: string | null
  size_bytes: number | null
  source: string | null
  verdict: string | null
  details: string
  links: string
}

/** The composed row of an asset (what the `assets` table holds): its first unit names the origin. */
export type ComposedAsset = AssetPart

const NULLABLE = ['name', 'version', 'format', 'sha256', 'size_bytes', 'source', 'verdict'] as const

/** Composition order: by rank, then by unit key (a total order, whatever order the parts came in). */
export function byRank(a: { rank: number; origin: string }, b: { rank: number; origin: string }) {
  return a.rank - b.rank || (a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : 0)
}

/**
 * Composes an asset from its units' parts the way repeated emissions merge within one unit:
 * later parts (by rank) win the path, fill or replace the other fields when they have a value,
 * merge details as a JSON merge patch (RFC 7396, as SQLite's json_patch) and add their links.
 * The first part (lowest rank) names the row's origin.
 */
export function composeParts(parts: readonly AssetPart[]): ComposedAsset {
  const sorted = [...parts].sort(byRank)
  const first = sorted[0]!
  const out: ComposedAsset = {
    origin: first.origin,
    rank: first.rank,
    kind: first.kind,
    path: first.path,
    name: first.name,
    version: first.version,
    format: first.format,
    sha256: first.sha256,
    size_bytes: first.size_bytes,
    source: first.source,
    verdict: first.verdict,
    details: first.details,
    links: first.links,
  }
  if (sorted.length === 1) return out
  let details = JSON.parse(first.details) as unknown
  let links = JSON.parse(first.links) as AssetLink[]
  for (const p of sorted.slice(1)) {
    out.path = p.path
    for (const k of NULLABLE) if (p[k] !== null) (out as Record<string, unknown>)[k] = p[k]
    details = mergePatch(details, JSON.parse(p.details) as unknown)
    links = mergeLinks(links, JSON.parse(p.links) as AssetLink[])
  }
  out.details = JSON.stringify(details)
  out.links = JSON.stringify(links)
  return out
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

const isObject = (v: unknown): v is { [k: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** RFC 7396 JSON merge patch: null removes a key, objects merge, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch
  const out: { [k: string]: unknown } = isObject(target) ? { ...target } : {}
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]
    else out[k] = mergePatch(out[k], v)
  }
  return out
}
