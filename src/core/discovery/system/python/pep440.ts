/**
 * A small PEP 440 version parser and comparator, enough to match installed package versions
 * against advisory ranges. It follows the PEP's ordering: `1.0.dev1 < 1.0a1 < 1.0rc1 < 1.0 <
 * 1.0.post1`, release segments are zero-padded (`1.0 == 1.0.0`), `v` prefixes and `-`/`_`/`.`
 * separators are normalised, and a local label (`2.5.1+cu121`) sorts just after the same public
 * version. Anything else (legacy versions) does not parse, and callers treat it as "unknown".
 */

export type Pep440 = Readonly<{
  epoch: number
  release: readonly number[]
  /** [rank, number]: a=0, b=1, rc=2. */
  pre?: readonly [number, number]
  post?: number
  dev?: number
  local?: string
}>

const PATTERN =
  /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|alpha|b|beta|c|rc|pre|preview)[-_.]?(\d*))?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d*))?(?:[-_.]?(dev)[-_.]?(\d*))?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/

function preRank(tag: string): number {
  switch (tag) {
    case 'a':
    case 'alpha':
      return 0
    case 'b':
    case 'beta':
      return 1
    default:
      return 2
  }
}

export function parseVersion(input: string): Pep440 | undefined {
  const m = PATTERN.exec(input.trim().toLowerCase())
  if (!m) return undefined
  const num = (s: string | undefined): number => (s ? Number.parseInt(s, 10) : 0)
  const release = (m[2] ?? '').split('.').map((x) => Number.parseInt(x, 10))
  if (release.some((n) => !Number.isSafeInteger(n))) return undefined
  return {
    epoch: num(m[1]),
    release,
    pre: m[3] ? [preRank(m[3]), num(m[4])] : undefined,
    post: m[5] !== undefined ? num(m[5]) : m[6] ? num(m[7]) : undefined,
    dev: m[8] ? num(m[9]) : undefined,
    local: m[10],
  }
}

function cmpNum(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Sort keys as in the PEP: a dev-only release sorts before its pre-releases; no post sorts first. */
function preKey(v: Pep440): readonly [number, number] {
  if (v.pre) return v.pre
  if (v.post === undefined && v.dev !== undefined) return [-1, 0]
  return [3, 0]
}

function localCmp(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0
  if (a === undefined) return -1
  if (b === undefined) return 1
  const as = a.split(/[-_.]/)
  const bs = b.split(/[-_.]/)
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    const x = as[i]
    const y = bs[i]
    if (x === undefined) return -1
    if (y === undefined) return 1
    const xn = /^\d+$/.test(x)
    const yn = /^\d+$/.test(y)
    // Numeric segments sort after alphanumeric ones (PEP 440 local version ordering).
    if (xn && yn) {
      const c = cmpNum(Number(x), Number(y))
      if (c !== 0) return c
    } else if (xn !== yn) return xn ? 1 : -1
    else if (x !== y) return x < y ? -1 : 1
  }
  return 0
}

export function compareParsed(a: Pep440, b: Pep440): number {
  let c = cmpNum(a.epoch, b.epoch)
  if (c !== 0) return c
  const n = Math.max(a.release.length, b.release.length)
  for (let i = 0; i < n; i++) {
    c = cmpNum(a.release[i] ?? 0, b.release[i] ?? 0)
    if (c !== 0) return c
  }
  const ap = preKey(a)
  const bp = preKey(b)
  c = cmpNum(ap[0], bp[0]) || cmpNum(ap[1], bp[1])
  if (c !== 0) return c
  c = cmpNum(a.post ?? -1, b.post ?? -1)
  if (c !== 0) return c
  c = cmpNum(a.dev ?? Number.POSITIVE_INFINITY, b.dev ?? Number.POSITIVE_INFINITY)
  if (c !== 0) return c
  return localCmp(a.local, b.local)
}

/** Compares two version strings; `undefined` when either does not parse. */
export function compareVersions(a: string, b: string): number | undefined {
  const pa = parseVersion(a)
  const pb = parseVersion(b)
  return pa && pb ? compareParsed(pa, pb) : undefined
}

/** An affected range in OSV style: `introduced <= v < fixed`, or `<= lastAffected`. */
export type VersionRange = Readonly<{ introduced?: string; fixed?: string; lastAffected?: string }>

/**
 * Whether `version` falls in `range`: `true`/`false`, or `undefined` when the version does not
 * parse (an unparseable version is never reported as safe or as vulnerable).
 */
export function inRange(version: string, range: VersionRange): boolean | undefined {
  const v = parseVersion(version)
  if (!v) return undefined
  const cmp = (bound: string): number | undefined => {
    const b = parseVersion(bound)
    return b ? compareParsed(v, b) : undefined
  }
  if (range.introduced !== undefined) {
    const c = cmp(range.introduced)
    if (c === undefined) return undefined
    if (c < 0) return false
  }
  if (range.fixed !== undefined) {
    const c = cmp(range.fixed)
    if (c === undefined) return undefined
    if (c >= 0) return false
  }
  if (range.lastAffected !== undefined) {
    const c = cmp(range.lastAffected)
    if (c === undefined) return undefined
    if (c > 0) return false
  }
  return true
}
