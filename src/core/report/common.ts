import { createHash } from 'node:crypto'
import { isAbsolute, relative, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { InventoryReader } from '../inventory'
import { findRule } from '../rules/index'
import type { Asset, AssetKind, DetailValue, Finding, Severity } from '../types'

export type ReportOptions = Readonly<{
  /** Include assets the store marked gone (vanished since an earlier scan). */
  includeGone?: boolean
  /** Base dir for repo-relative SARIF paths (a --root inside a git repo). */
  repoRoot?: string
  generatedAt?: Date
  toolVersion: string
  /**
   * Fleet exports (the server): the device an asset was found on, written as a `device` field
   * (JSON), `device.id`/`device.hostname` columns (CSV) or `aiscout:device:*` properties (CycloneDX).
   */
  deviceOf?: (a: Asset) => DeviceRef | undefined
  /** CSV: write only the assets or only the findings table (default: both, in sections). */
  csvTable?: 'assets' | 'findings'
}>

export type DeviceRef = Readonly<{ id: string; hostname: string }>

export const TOOL_NAME = 'AI Scout'
export const TOOL_ID = 'aiscout'

/** What a report says about a rule; unknown ids (a rule not yet in the table) get generic text. */
export type RuleText = Readonly<{
  id: string
  known: boolean
  title: string
  severity: Severity
  why: string
  fix: string
  cwe: readonly number[]
  advisories: readonly string[]
  domain: string
}>

const GENERIC_WHY =
  'AI Scout flagged this item. The rule that raised it is not described in this version of the rule table.'
const GENERIC_FIX =
  'Review the file at the reported location and remove or replace it if you do not trust where it came from.'

export function ruleText(ruleId: string, fallback?: Finding): RuleText {
  const r = findRule(ruleId)
  if (r) {
    return {
      id: r.id,
      known: true,
      title: r.title,
      severity: r.severity,
      why: r.why,
      fix: r.fix,
      cwe: r.cwe ?? [],
      advisories: r.advisories ?? [],
      domain: r.domain,
    }
  }
  return {
    id: ruleId,
    known: false,
    title: fallback?.title ?? ruleId,
    severity: fallback?.severity ?? 'medium',
    why: GENERIC_WHY,
    fix: GENERIC_FIX,
    cwe: [],
    advisories: [],
    domain: ruleId.split('.')[0] ?? 'other',
  }
}

/**
 * The store keeps vanished assets and marks them gone; the reader exposes that as
 * `details.status === 'gone'` (and `details.goneSince`). Reports leave them out unless asked.
 */
export function isGone(a: Asset): boolean {
  const d = a.details
  return d['status'] === 'gone' || typeof d['goneSince'] === 'string'
}

export function* presentAssets(
  inv: InventoryReader,
  includeGone: boolean | undefined,
): Iterable<Asset> {
  for (const a of inv.assets()) if (includeGone || !isGone(a)) yield safeAsset(a)
}

/** GitHub's security-severity bands: >= 9 critical, 7-8.9 high, 4-6.9 medium, 0.1-3.9 low. */
export function securitySeverity(s: Severity): string | undefined {
  switch (s) {
    case 'critical':
      return '9.5'
    case 'high':
      return '8.0'
    case 'medium':
      return '5.5'
    case 'low':
      return '3.0'
    case 'info':
      return undefined
  }
}

export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info']

export function emptyKindCounts(): Record<AssetKind, number> {
  return {
    model: 0,
    dataset: 0,
    notebook: 0,
    secret: 0,
    tool: 0,
    app: 0,
    'ide-extension': 0,
    'mcp-server': 0,
    'agent-config': 0,
    'ai-platform': 0,
    'python-environment': 0,
    package: 0,
    compute: 0,
    'model-server': 0,
  }
}

export function emptySeverityCounts(): Record<Severity, number> {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0 }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** A string from a detail value, or undefined for null/absent. Arrays and objects become JSON. */
export function detailText(v: DetailValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return JSON.stringify(v)
}

/** One file of a multi-file model or dataset (`details.parts`, a Hugging Face repo's files). */
export type ModelPartView = Readonly<{
  name: string
  path: string
  role?: string
  sizeBytes?: number
  format?: string
  sha256?: string
  verdict?: string
}>

/** The parts a model or dataset asset lists, read defensively (details are free-form JSON). */
export function modelParts(a: Asset): ModelPartView[] {
  const parts = a.details['parts']
  if ((a.kind !== 'model' && a.kind !== 'dataset') || !Array.isArray(parts)) return []
  const out: ModelPartView[] = []
  for (const p of parts) {
    if (typeof p !== 'object' || p === null || Array.isArray(p)) continue
    const r = p as Readonly<Record<string, DetailValue>>
    const text = (k: string): string | undefined =>
      typeof r[k] === 'string' && r[k] !== '' ? (r[k] as string) : undefined
    const name = text('name')
    if (!name) continue
    out.push({
      name,
      path: text('path') ?? name,
      role: text('role'),
      sizeBytes: typeof r['sizeBytes'] === 'number' ? r['sizeBytes'] : undefined,
      format: text('format'),
      sha256: text('sha256'),
      verdict: text('verdict'),
    })
  }
  return out
}

/** First present detail among several spellings (analyzers are written by different people). */
export function pickDetail(a: Asset, ...keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const t = detailText(a.details[k])
    if (t !== undefined && t !== '') return t
  }
  return undefined
}

/** Relative posix path when `p` is inside `root`, else undefined. */
export function relativeInside(root: string, p: string): string | undefined {
  if (!isAbsolute(p)) return undefined
  const rel = relative(root, p)
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined
  return rel.split(sep).join('/')
}

/** A URI for a path: absolute paths become file: URLs; pseudo paths (`gpu:0`) are kept. */
export function pathUri(p: string): string {
  if (isAbsolute(p)) return pathToFileURL(p).href
  return encodeURI(p)
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${i === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`
}

/**
 * Defence in depth for non-negotiable 2 (no secret in cleartext): the secrets engine stores only
 * provider, location, redacted preview and fingerprint, but should a value ever reach a secret
 * asset's details under an obvious key, no export carries it.
 */
const SECRET_VALUE_KEYS = new Set([
  'value',
  'secret',
  'raw',
  'rawvalue',
  'plaintext',
  'token',
  'key',
  'match',
])

export function safeDetails(a: Asset): Asset['details'] {
  if (a.kind !== 'secret') return a.details
  const out: Record<string, DetailValue> = {}
  for (const [k, v] of Object.entries(a.details)) {
    if (!SECRET_VALUE_KEYS.has(k.toLowerCase())) out[k] = v
  }
  return out
}

/** The asset as reports see it: gone-filtered by the caller, secret details scrubbed. */
export function safeAsset(a: Asset): Asset {
  return a.kind === 'secret' ? { ...a, details: safeDetails(a) } : a
}
