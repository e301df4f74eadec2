import { createHash } from 'node:crypto'
import { MAX_BODY_DEPTH, MAX_ITEM_BYTES } from '../../shared/sync-api'
import type { AssetUpsert, FindingUpsert, UploadPaths } from '../../shared/sync-api'
import type { Static } from 'typebox'
import { safeAsset } from '../report/common'
import { assetJson, findingJson } from '../report/json'
import type { AcceptedRisk } from '../storage/accepted-risks'
import type { Asset, DetailValue, Finding } from '../types'

export type AssetItem = Static<typeof AssetUpsert>
export type FindingItem = Static<typeof FindingUpsert>

/** How items are shaped before they leave the device (the server pushes `uploadPaths`). */
export type PayloadOptions = Readonly<{
  uploadPaths: UploadPaths
  /** The scanned home: with `uploadPaths: 'home'` it is replaced by `~` in every string. */
  home: string
}>

/**
 * The one place that decides what of an asset leaves the device: the asset exactly as
 * `aiscout scan --format json` writes it (so the server and its exports see the familiar shape),
 * with secret details scrubbed (a key's value is never in the inventory; this is the second
 * line of defence) and the home directory replaced when the server asks for it. File contents,
 * key values and notebook code are not in the inventory, so they cannot be in an item.
 */
export function assetItem(a: Asset, opts: PayloadOptions): AssetItem {
  const data = fitItemData(redactPaths(assetJson(safeAsset(a)), opts) as Record<string, unknown>)
  return { op: 'upsert', key: a.id, kind: a.kind, hash: contentHash(data), data }
}

/**
 * A finding as `aiscout scan --format json` writes it. `accepted`: the user's own acceptance of
 * it (note, who, when, expiry), which the server lists as accepted on the device; the security
 * team's acceptances came from the server and are not sent back.
 */
export function findingItem(
  f: Finding,
  opts: PayloadOptions,
  accepted?: AcceptedRisk,
): FindingItem {
  const data = fitItemData(redactPaths(findingJson(f, accepted), opts) as Record<string, unknown>)
  return {
    op: 'upsert',
    key: f.id,
    ...(f.assetId !== undefined ? { assetKey: f.assetId } : {}),
    ruleId: f.ruleId,
    severity: f.severity,
    hash: contentHash(data),
    data,
  }
}

/** SHA-256 of the item's JSON: the client and the server compare it to skip unchanged content. */
export function contentHash(data: unknown): string {
  return createHash('sha256').update(JSON.stringify(data)).digest('hex')
}

/**
 * Replaces the home directory by `~` wherever it starts a path inside a string (paths, messages,
 * details): `/home/alice/x` → `~/x`, `/home/alice` → `~`; `/home/alice2` is left alone.
 */
export function redactPaths(value: unknown, opts: PayloadOptions): unknown {
  if (opts.uploadPaths === 'full') return value
  const home = opts.home.replace(/[\\/]+$/, '')
  if (home.length < 2) return value
  const swap = (s: string): string => {
    if (!s.includes(home)) return s
    let out = ''
    let i = 0
    for (;;) {
      const at = s.indexOf(home, i)
      if (at < 0) break
      const next = s[at + home.length]
      const prev = at > 0 ? s[at - 1] : undefined
      const boundaryAfter = next === undefined || next === '/' || next === '\\'
      // Not the tail of a longer path (/mnt/home/alice), except in a file URI.
      const boundaryBefore =
        prev === undefined || !/[\w.\-/\\]/.test(prev) || s.slice(0, at).endsWith('file://')
      out += s.slice(i, at) + (boundaryAfter && boundaryBefore ? '~' : home)
      i = at + home.length
    }
    return out + s.slice(i)
  }
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return swap(v)
    if (Array.isArray(v)) return v.map(walk)
    if (v !== null && typeof v === 'object') {
      const o: Record<string, DetailValue | unknown> = {}
      for (const [k, x] of Object.entries(v)) o[k] = walk(x)
      return o
    }
    return v
  }
  return walk(value)
}

/** Nesting kept inside an item's data: it sits 3 levels into the batch (MAX_BODY_DEPTH counts all). */
const MAX_DATA_DEPTH = MAX_BODY_DEPTH - 8
const DEEP = '[nested too deep]'

/**
 * An item's data as the server takes it: at most MAX_ITEM_BYTES of JSON and MAX_DATA_DEPTH deep
 * (the server refuses more with 400, and a refused item would hold back the whole sync). Real
 * items are a few KiB; an oversized one keeps its identity (id, kind, name, path, ...) and says
 * what was left out in `truncated`, so the server and the dashboard show that it was cut.
 */
export function fitItemData(data: Record<string, unknown>): Record<string, unknown> {
  const shallow = limitDepth(data, MAX_DATA_DEPTH) as Record<string, unknown>
  const bytes = Buffer.byteLength(JSON.stringify(shallow))
  if (bytes <= MAX_ITEM_BYTES) return shallow
  const note = `${bytes} bytes, over the server's limit of ${MAX_ITEM_BYTES} per item`
  // First the details (the bulky part of an asset), then long strings and arrays, then all but
  // the top-level scalars.
  const steps: (() => Record<string, unknown>)[] = [
    () => ({ ...shallow, details: {}, truncated: `details omitted: ${note}` }),
    () => ({ ...(shorten(shallow) as Record<string, unknown>), truncated: `shortened: ${note}` }),
    () => ({
      ...Object.fromEntries(
        Object.entries(shallow)
          .filter(([, v]) => v === null || typeof v !== 'object')
          .map(([k, v]) => [k, typeof v === 'string' ? v.slice(0, 1024) : v]),
      ),
      truncated: `only the summary kept: ${note}`,
    }),
  ]
  for (const step of steps) {
    const out = step()
    if (Buffer.byteLength(JSON.stringify(out)) <= MAX_ITEM_BYTES) return out
  }
  return { truncated: `omitted: ${note}` }
}

function limitDepth(v: unknown, left: number): unknown {
  if (v === null || typeof v !== 'object') return v
  if (left <= 0) return DEEP
  if (Array.isArray(v)) return v.map((x) => limitDepth(x, left - 1))
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, limitDepth(x, left - 1)]))
}

/** Strings cut to 2,000 characters and arrays to 100 entries, everywhere. */
function shorten(v: unknown): unknown {
  if (typeof v === 'string') return v.length > 2000 ? `${v.slice(0, 2000)}…` : v
  if (Array.isArray(v)) return v.slice(0, 100).map(shorten)
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shorten(x)]))
  return v
}
