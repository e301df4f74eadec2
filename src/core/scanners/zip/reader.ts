import type { ByteSource } from '../byte-source'

/**
 * A tolerant ZIP reader of our own. It trusts neither CRCs, flag bits nor local names (PyTorch's
 * reader ignores them too: CVE-2025-1944/1945, CVE-2025-10156), walks the central directory and
 * falls back to local headers when the directory is missing, and reports what is odd instead of
 * failing. It never reads member data; callers decide what to read and how much.
 */

export type ZipEntry = {
  /** Name from the central directory (or the local header when walking without one). */
  readonly name: string
  readonly method: number
  readonly flags: number
  readonly csize: number
  readonly usize: number
  /** Absolute offset of the local header (prepended-bytes delta applied). */
  readonly localOffset: number
  /** Absolute offset of the member data, resolved from the local header; undefined when unreadable. */
  dataStart?: number
  readonly isSymlink: boolean
  readonly isDir: boolean
  /** Header problems found for this entry (name mismatch, flags); reported, not fatal. */
  readonly anomalies: string[]
  /** Set when the local header cannot be read. */
  error?: string
  /** Which directory view listed it (readZipDirectory): 0 for the first, more for others. */
  view?: number
}

export type ZipDirectory = Readonly<{
  entries: ZipEntry[]
  /** Bytes before the first local header (polyglot prefix); 0 for a plain zip. */
  prefix: number
  /** True when the entries came from the central directory. */
  central: boolean
  /** Archive-level problems (truncated directory, too many entries). */
  problems: string[]
  /** Entries beyond `maxEntries` that were not listed. */
  skipped: number
  /** Of those, entries whose name says they may hold a model or a pickle (`mayHoldCode`). */
  skippedRisky: number
}>

export type DirectoryLimits = Readonly<{
  /** Entries listed in full. */
  maxEntries: number
  maxDirectoryBytes: number
  /**
   * Entries past `maxEntries` are still listed when this says their name may hold code (a
   * pickle, a model), up to four times `maxEntries` in all: a payload placed after 100,000
   * harmless members is scanned like any other.
   */
  mayHoldCode?(name: string): boolean
  /**
   * Bytes the local-header walk (no usable central directory) may search for the next header in
   * all; past it the walk stops and says so. Default: DEFAULT_MAX_SEARCH_BYTES. Without a bound
   * a file that starts like a zip and has no end record (a 50 GB checkpoint of zeros after
   * `PK\3\4`) is read to its end.
   */
  maxSearchBytes?: number
}>

/** The local-header walk's search budget when the caller names none (`maxSearchBytes`). */
export const DEFAULT_MAX_SEARCH_BYTES = 64 * 1024 * 1024

const SIG_LOCAL = 0x04034b50
const SIG_CENTRAL = 0x02014b50
const SIG_EOCD = 0x06054b50
const SIG_Z64_LOCATOR = 0x07064b50
const SIG_Z64_EOCD = 0x06064b50
const EOCD_SEARCH = 65_557
const S_IFMT = 0o170000
const S_IFLNK = 0o120000

function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength)
}

function u64(v: DataView, at: number): number {
  const lo = v.getUint32(at, true)
  const hi = v.getUint32(at + 4, true)
  return hi * 0x100000000 + lo
}

type Eocd = {
  pos: number
  entries: number
  cdSize: number
  cdOffset: number
  z64: boolean
  commentLen: number
}

/** End records considered per file (see findEocds). */
const MAX_EOCDS = 4

/** Finds the end-of-central-directory record readers use first (zip64 aware). */
export function findEocd(src: ByteSource): Eocd | undefined {
  return findEocds(src)[0]
}

/**
 * The end records a reader may pick, last first. miniz (PyTorch) and Python's zipfile take the
 * last signature with room for a record after it; a reader that also checks the comment length
 * skips one whose comment does not end at the end of the file and takes an earlier record whose
 * comment does (an end record hidden in another's comment). So: the last signature, plus earlier
 * ones whose comment ends exactly at the end of the file. A stored zip member's own end record
 * is neither, so nested archives add no view.
 */
export function findEocds(src: ByteSource): Eocd[] {
  const tailStart = Math.max(0, src.size - EOCD_SEARCH)
  const tail = src.read(tailStart, src.size - tailStart)
  const v = dv(tail)
  const out: Eocd[] = []
  for (let i = tail.length - 22; i >= 0 && out.length < MAX_EOCDS; i--) {
    if (v.getUint32(i, true) !== SIG_EOCD) continue
    const pos = tailStart + i
    const commentLen = v.getUint16(i + 20, true)
    if (out.length > 0 && pos + 22 + commentLen !== src.size) continue
    let entries = v.getUint16(i + 10, true)
    let cdSize = v.getUint32(i + 12, true)
    let cdOffset = v.getUint32(i + 16, true)
    let z64 = false
    if (i >= 20 && v.getUint32(i - 20, true) === SIG_Z64_LOCATOR) {
      const z64At = u64(v, i - 20 + 8)
      const rec = src.read(z64At, 56)
      if (rec.length === 56 && dv(rec).getUint32(0, true) === SIG_Z64_EOCD) {
        const r = dv(rec)
        entries = u64(r, 32)
        cdSize = u64(r, 40)
        cdOffset = u64(r, 48)
        z64 = true
      }
    }
    out.push({ pos, entries, cdSize, cdOffset, z64, commentLen })
  }
  return out
}

/** Cheap validity probe for sniffing: an EOCD whose directory starts with a central header. */
export function hasValidCentralDirectory(src: ByteSource): boolean {
  const e = findEocd(src)
  if (!e) return false
  if (e.entries === 0) return e.cdSize === 0
  const cdStart = e.pos - e.cdSize
  if (cdStart < 0) return false
  const sig = src.read(cdStart, 4)
  return sig.length === 4 && dv(sig).getUint32(0, true) === SIG_CENTRAL
}

function decodeName(b: Uint8Array, utf8: boolean): string {
  return Buffer.from(b).toString(utf8 ? 'utf8' : 'latin1')
}

/**
 * Reads the directory. Never throws; problems are returned.
 *
 * Readers disagree on where the directory is. Python's zipfile reads it where it ends at the end
 * record (end record position minus directory size) and shifts every offset by the difference
 * from the recorded offset (a prefix); PyTorch's miniz reads it at the recorded offset with no
 * shift. When both parse (two directories, one hidden in the end record's comment), or another
 * plausible end record (findEocds) names yet another directory, the members of every view are
 * listed, so each is scanned whichever reader opens the file.
 */
export function readZipDirectory(src: ByteSource, limits: DirectoryLimits): ZipDirectory {
  const problems: string[] = []
  const eocds = findEocds(src)
  if (eocds.length === 0) {
    problems.push('no end-of-central-directory record')
    return walkLocal(src, limits, problems)
  }
  let primary: ZipDirectory | undefined
  const extra: ZipEntry[] = []
  const seen = new Set<string>()
  const key = (en: ZipEntry): string => `${en.localOffset}\0${en.name}`
  const notes: string[] = []
  const read = new Set<string>()
  for (const eocd of eocds) {
    const z64Extra = eocd.z64 ? 56 + 20 : 0
    const found = eocd.pos - z64Extra - eocd.cdSize
    const starts: [number, number][] = [[found, found - eocd.cdOffset]]
    if (eocd.cdOffset !== found) starts.push([eocd.cdOffset, 0])
    for (const [start, delta] of starts) {
      if (read.has(`${start},${delta}`)) continue
      read.add(`${start},${delta}`)
      // Problems of a view that does not parse are the primary's only: an SFX prefix makes the
      // recorded offset point into member data, which is normal, not a finding.
      const viewProblems = primary ? [] : problems
      const view = readCentral(src, eocd, start, delta, limits, viewProblems)
      if (!view) continue
      if (!primary) {
        primary = view
        for (const en of view.entries) seen.add(key(en))
        continue
      }
      if (view.entries.length === 0) continue
      const added = view.entries.filter((en) => !seen.has(key(en)))
      for (const en of added) {
        seen.add(key(en))
        extra.push({ ...en, view: notes.length + 1 })
      }
      notes.push(
        `another central directory (${view.entries.length} members, ${added.length} not in the first) is at offset ${start}${eocd === eocds[0] ? ' where the end record says it is' : ` named by an end record at offset ${eocd.pos}`}; readers disagree on which they use (PyTorch's miniz trusts the recorded offset, Python's zipfile the position); all were scanned`,
      )
    }
  }
  if (!primary) return walkLocal(src, limits, problems)
  if (notes.length === 0) return primary
  return {
    ...primary,
    entries: [...primary.entries, ...extra],
    problems: [...primary.problems, ...notes],
  }
}

function readCentral(
  src: ByteSource,
  eocd: Eocd,
  cdStart: number,
  delta: number,
  limits: DirectoryLimits,
  problems: string[],
): ZipDirectory | undefined {
  // `delta` is the shift a reader applies to every recorded offset (a prefix of self-extractor
  // or polyglot bytes when the directory is located from the end record; 0 when it is read at
  // the recorded offset).
  if (cdStart < 0 || cdStart + eocd.cdSize > src.size || eocd.cdSize > limits.maxDirectoryBytes) {
    problems.push('central directory size is out of bounds')
    return undefined
  }
  const cd = src.read(cdStart, eocd.cdSize)
  const v = dv(cd)
  const entries: ZipEntry[] = []
  let p = 0
  let skipped = 0
  let skippedRisky = 0
  const skip = overflow(limits)
  while (p + 46 <= cd.length) {
    if (v.getUint32(p, true) !== SIG_CENTRAL) {
      problems.push(`central directory entry ${entries.length} has a bad signature`)
      break
    }
    const madeBy = v.getUint16(p + 4, true)
    const flags = v.getUint16(p + 8, true)
    const method = v.getUint16(p + 10, true)
    let csize = v.getUint32(p + 20, true)
    let usize = v.getUint32(p + 24, true)
    const nameLen = v.getUint16(p + 28, true)
    const extraLen = v.getUint16(p + 30, true)
    const commentLen = v.getUint16(p + 32, true)
    const ext = v.getUint32(p + 38, true)
    let local = v.getUint32(p + 42, true)
    const nameEnd = p + 46 + nameLen
    if (nameEnd + extraLen > cd.length) {
      problems.push(`central directory entry ${entries.length} runs past the directory`)
      break
    }
    const name = decodeName(cd.subarray(p + 46, nameEnd), (flags & 0x800) !== 0)
    // zip64 extended information: only the fields whose 32-bit value is saturated are present.
    let e = nameEnd
    while (e + 4 <= nameEnd + extraLen) {
      const id = v.getUint16(e, true)
      const len = v.getUint16(e + 2, true)
      if (id === 0x0001) {
        let q = e + 4
        const endQ = Math.min(e + 4 + len, nameEnd + extraLen)
        if (usize === 0xffffffff && q + 8 <= endQ) {
          usize = u64(v, q)
          q += 8
        }
        if (csize === 0xffffffff && q + 8 <= endQ) {
          csize = u64(v, q)
          q += 8
        }
        if (local === 0xffffffff && q + 8 <= endQ) local = u64(v, q)
      }
      e += 4 + len
    }
    p = nameEnd + extraLen + commentLen
    const verdict = skip(entries.length, name)
    if (verdict !== 'keep') {
      skipped++
      if (verdict === 'risky') skippedRisky++
      continue
    }
    const unix = madeBy >> 8 === 3
    const mode = ext >>> 16
    entries.push({
      name,
      method,
      flags,
      csize,
      usize,
      localOffset: local + delta,
      isSymlink: unix && (mode & S_IFMT) === S_IFLNK,
      isDir: name.endsWith('/'),
      anomalies: [],
    })
  }
  if (entries.length === 0 && eocd.entries > 0) return undefined
  if (entries.length + skipped < eocd.entries)
    problems.push('central directory lists fewer entries than recorded')
  // Local headers are resolved lazily (resolveLocal) so members never opened cost no read.
  let prefix = Infinity
  for (const en of entries) {
    if (en.localOffset < prefix && en.localOffset >= 0) prefix = en.localOffset
  }
  if (!Number.isFinite(prefix)) prefix = Math.max(0, cdStart)
  return { entries, prefix, central: true, problems, skipped, skippedRisky }
}

/** Whether an entry past the listing limit is kept, or skipped (and whether it could hold code). */
function overflow(limits: DirectoryLimits) {
  return (listed: number, name: string): 'keep' | 'skip' | 'risky' => {
    if (listed < limits.maxEntries) return 'keep'
    const risky = limits.mayHoldCode?.(name) ?? true
    if (risky && listed < limits.maxEntries * 4 && limits.mayHoldCode) return 'keep'
    return risky ? 'risky' : 'skip'
  }
}

/**
 * Reads an entry's local header: data offset, plus name/flag mismatches as anomalies. Idempotent;
 * entries from the local-header walk are already resolved.
 */
export function resolveLocal(src: ByteSource, en: ZipEntry): void {
  if (en.dataStart !== undefined || en.error !== undefined) return
  const h = src.read(en.localOffset, 30)
  if (h.length < 30 || dv(h).getUint32(0, true) !== SIG_LOCAL) {
    en.error = 'local header missing or damaged'
    return
  }
  const v = dv(h)
  const flags = v.getUint16(6, true)
  const nameLen = v.getUint16(26, true)
  const extraLen = v.getUint16(28, true)
  const localName = decodeName(src.read(en.localOffset + 30, nameLen), (flags & 0x800) !== 0)
  if (localName !== en.name)
    en.anomalies.push(`local header name "${localName.slice(0, 200)}" differs from the directory`)
  if ((flags | en.flags) & 0x1)
    en.anomalies.push('encryption flag set (ignored; data read as plain)')
  if (v.getUint16(8, true) !== en.method)
    en.anomalies.push('local header compression method differs from the directory')
  en.dataStart = en.localOffset + 30 + nameLen + extraLen
}

/**
 * No usable central directory: walk local headers from the first signature. Sizes that are only
 * in a data descriptor are found by searching for the next header.
 */
function walkLocal(src: ByteSource, limits: DirectoryLimits, problems: string[]): ZipDirectory {
  const entries: ZipEntry[] = []
  // One budget for every search of the walk, so the bytes read stay bounded whatever the file's
  // size (a search reads up to its budget, never to the end of a huge file).
  const search = { left: limits.maxSearchBytes ?? DEFAULT_MAX_SEARCH_BYTES, cut: false }
  const first = findSignature(src, 0, SIG_LOCAL, search)
  let at = first
  let skipped = 0
  let skippedRisky = 0
  const skip = overflow(limits)
  while (at >= 0 && at + 30 <= src.size) {
    const h = src.read(at, 30)
    const v = dv(h)
    if (v.getUint32(0, true) !== SIG_LOCAL) break
    const flags = v.getUint16(6, true)
    const method = v.getUint16(8, true)
    const csize = v.getUint32(18, true)
    const usize = v.getUint32(22, true)
    const nameLen = v.getUint16(26, true)
    const extraLen = v.getUint16(28, true)
    const name = decodeName(src.read(at + 30, nameLen), (flags & 0x800) !== 0)
    const dataStart = at + 30 + nameLen + extraLen
    let size = csize
    if ((flags & 0x8) !== 0 && csize === 0) {
      const next = findSignature(src, dataStart, SIG_LOCAL, search)
      size = (next < 0 ? src.size : next) - dataStart
    }
    const verdict = skip(entries.length, name)
    if (verdict === 'keep') {
      entries.push({
        name,
        method,
        flags,
        csize: size,
        usize: (flags & 0x8) !== 0 && usize === 0 ? size : usize,
        localOffset: at,
        dataStart,
        isSymlink: false,
        isDir: name.endsWith('/'),
        anomalies: (flags & 0x1) !== 0 ? ['encryption flag set (ignored; data read as plain)'] : [],
      })
    } else {
      skipped++
      if (verdict === 'risky') skippedRisky++
    }
    if (search.cut) break
    const nextAt = dataStart + size
    if (nextAt <= at || nextAt > src.size) break
    at = findSignature(src, nextAt, SIG_LOCAL, search)
  }
  if (search.cut) {
    problems.push(
      `no central directory, and the search for local headers stopped after ${Math.round((limits.maxSearchBytes ?? DEFAULT_MAX_SEARCH_BYTES) / 1048576)} MiB: the rest of the file was not walked`,
    )
  }
  return { entries, prefix: Math.max(0, first), central: false, problems, skipped, skippedRisky }
}

/**
 * Offset of the next 4-byte signature at or after `from` (chunked search), or -1. Each byte read
 * is taken from `budget`; when it runs out the search gives up (-1) and sets `budget.cut`.
 */
function findSignature(
  src: ByteSource,
  from: number,
  sig: number,
  budget: { left: number; cut: boolean },
): number {
  const CH = 1 << 20
  for (let at = from; at < src.size; at += CH - 3) {
    if (budget.left <= 0) {
      budget.cut = true
      return -1
    }
    const b = src.read(at, Math.min(CH, Math.max(4, budget.left)))
    budget.left -= b.length
    const v = dv(b)
    for (let i = 0; i + 4 <= b.length; i++) {
      if (b[i] === 0x50 && v.getUint32(i, true) === sig) return at + i
    }
    if (b.length < CH) {
      if (at + b.length < src.size) {
        // Stopped by the budget, not by the end of the data.
        budget.cut = true
        return -1
      }
      break
    }
  }
  return -1
}
