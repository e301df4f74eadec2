import type { ByteSource } from '../../byte-source'
import { FormatError, utf8Loose } from '../util'

/**
 * Exact reads of the root group's attributes, the way HDF5 finds them: superblock, root object
 * header (version 1 or 2, with continuation blocks), attribute messages, and variable-length
 * string values in the global heap (what h5py 3 writes for `model_config`). No byte search, so
 * a decoy JSON object elsewhere in the file cannot stand in for the real config.
 */

export type Superblock = Readonly<{
  at: number
  version: number
  /** Bytes per file address (usually 8). */
  offsetSize: number
  /** Bytes per length field (usually 8). */
  lengthSize: number
  /** Addresses are relative to this absolute offset. */
  base: number
  rootHeader: number
}>

export type RootAttribute = Readonly<{ offset: number; value?: string; reason?: string }>

export type RootAttributes = Readonly<{
  attributes: ReadonlyMap<string, RootAttribute>
  /**
   * The root group keeps (some) attributes in dense storage (a fractal heap), which this reader
   * does not walk: an attribute missing from `attributes` may still exist.
   */
  dense: boolean
}>

const MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]
const SUPERBLOCK_AT = [0, 512, 1024, 2048, 4096, 8192]
/** Messages and continuation blocks followed at most (a root header has a handful). */
const MAX_MESSAGES = 4096
const MAX_BLOCKS = 64

const MSG_ATTRIBUTE = 0x000c
const MSG_CONTINUATION = 0x0010
const MSG_ATTRIBUTE_INFO = 0x0015

function pad8(n: number): number {
  return Math.ceil(n / 8) * 8
}

/** Little-endian unsigned integer of 1-8 bytes (safe up to 2^53). */
function uint(b: Uint8Array, at: number, n: number): number {
  let v = 0
  for (let i = n - 1; i >= 0; i--) v = v * 256 + b[at + i]!
  return v
}

/** The file ends inside a structure: h5py could not open it either (invalid, not hidden). */
export class Hdf5Truncated extends FormatError {}

function readAll(src: ByteSource, at: number, n: number, what: string): Uint8Array {
  if (at < 0 || n < 0) throw new FormatError(`${what} at ${at} is out of bounds`, at)
  if (at + n > src.size)
    throw new Hdf5Truncated(`${what} at ${at} runs past the end of the file`, at)
  const b = src.read(at, n)
  if (b.length !== n) throw new FormatError(`${what}: short read`, at)
  return b
}

export function readSuperblock(src: ByteSource): Superblock {
  for (const at of SUPERBLOCK_AT) {
    const b = src.read(at, 96)
    if (b.length < 9 || MAGIC.some((m, i) => b[i] !== m)) continue
    const version = b[8]!
    if (version > 3) throw new FormatError(`unknown HDF5 superblock version ${version}`, at + 8)
    if (version <= 1) {
      const offsetSize = b[13]!
      const lengthSize = b[14]!
      check(offsetSize, lengthSize, at)
      // v1 adds the indexed-storage K and 2 reserved bytes before the addresses.
      const addrs = 24 + (version === 1 ? 4 : 0)
      const baseField = uint(b, addrs, offsetSize)
      // Root symbol table entry after base, free-space, EOF and driver addresses.
      const entry = addrs + 4 * offsetSize
      const rootHeader = uint(b, entry + offsetSize, offsetSize)
      return { at, version, offsetSize, lengthSize, base: baseField || at, rootHeader }
    }
    const offsetSize = b[9]!
    const lengthSize = b[10]!
    check(offsetSize, lengthSize, at)
    const baseField = uint(b, 12, offsetSize)
    const rootHeader = uint(b, 12 + 3 * offsetSize, offsetSize)
    return { at, version, offsetSize, lengthSize, base: baseField || at, rootHeader }
  }
  throw new FormatError('no HDF5 superblock signature')
}

function check(offsetSize: number, lengthSize: number, at: number): void {
  const ok = (n: number): boolean => n === 2 || n === 4 || n === 8
  if (!ok(offsetSize) || !ok(lengthSize))
    throw new FormatError(`superblock sizes ${offsetSize}/${lengthSize} are not 2, 4 or 8`, at)
}

type Message = { type: number; at: number; size: number }

/** Every message of an object header, continuation blocks included. */
function headerMessages(src: ByteSource, sb: Superblock, addr: number): Message[] {
  const out: Message[] = []
  const at = sb.base + addr
  const first = readAll(src, at, 16, 'root object header')
  const blocks: [number, number][] = []
  let v2 = false
  if (first[0] === 1) {
    const headerSize = uint(first, 8, 4)
    blocks.push([at + 16, headerSize])
  } else if (String.fromCharCode(...first.subarray(0, 4)) === 'OHDR') {
    v2 = true
    const flags = first[5]!
    let p = 6
    if (flags & 0x20) p += 16
    if (flags & 0x10) p += 4
    const sizeBytes = 1 << (flags & 3)
    const h = readAll(src, at, p + sizeBytes, 'root object header')
    const chunk = uint(h, p, sizeBytes)
    blocks.push([at + p + sizeBytes, chunk])
  } else throw new FormatError('root object header has an unknown version', at)
  const creationOrder = v2 && (first[5]! & 0x04) !== 0
  for (let k = 0; k < blocks.length && k < MAX_BLOCKS; k++) {
    const [start, len] = blocks[k]!
    const body = readAll(src, start, len, 'object header block')
    // A v2 continuation block is `OCHK`, messages, then a 4-byte checksum (chunk 0's checksum
    // lies after its declared size).
    const cont = v2 && k > 0
    let p = cont ? 4 : 0
    const end = cont ? len - 4 : len
    const msgHeader = v2 ? 4 + (creationOrder ? 2 : 0) : 8
    while (p + msgHeader <= end && out.length < MAX_MESSAGES) {
      const type = v2 ? body[p]! : uint(body, p, 2)
      const size = v2 ? uint(body, p + 1, 2) : uint(body, p + 2, 2)
      const dataAt = p + msgHeader
      if (dataAt + size > end)
        throw new FormatError('object header message runs past its block', start + p)
      if (type === MSG_CONTINUATION) {
        const off = uint(body, dataAt, sb.offsetSize)
        const n = uint(body, dataAt + sb.offsetSize, sb.lengthSize)
        blocks.push([sb.base + off, n])
      } else out.push({ type, at: start + dataAt, size })
      p = dataAt + (v2 ? size : pad8(size))
    }
  }
  return out
}

/**
 * The root group's attributes by name. Fixed-length strings are read in place; variable-length
 * strings through the global heap; anything else gets a reason instead of a value.
 */
export function readRootAttributes(
  src: ByteSource,
  sb: Superblock,
  maxBytes: number,
): RootAttributes {
  const attributes = new Map<string, RootAttribute>()
  let dense = false
  for (const m of headerMessages(src, sb, sb.rootHeader)) {
    if (m.type === MSG_ATTRIBUTE_INFO) {
      // Fractal heap address (offset after version, flags and an optional max creation index).
      const b = readAll(src, m.at, Math.min(m.size, 2 + 2 + sb.offsetSize), 'attribute info')
      const p = 2 + ((b[1]! & 1) !== 0 ? 2 : 0)
      const heap = uint(src.read(m.at + p, sb.offsetSize), 0, sb.offsetSize)
      if (heap !== 2 ** (8 * sb.offsetSize) - 1) dense = true
      continue
    }
    if (m.type !== MSG_ATTRIBUTE) continue
    const a = readAttribute(src, sb, m, maxBytes)
    if (a && !attributes.has(a.name)) attributes.set(a.name, a.attr)
  }
  return { attributes, dense }
}

function readAttribute(
  src: ByteSource,
  sb: Superblock,
  m: Message,
  maxBytes: number,
): { name: string; attr: RootAttribute } | undefined {
  const h = readAll(src, m.at, Math.min(m.size, 9), 'attribute message')
  const version = h[0]!
  if (version < 1 || version > 3) return undefined
  const nameSize = uint(h, 2, 2)
  const dtSize = uint(h, 4, 2)
  const dsSize = uint(h, 6, 2)
  const headerLen = version === 3 ? 9 : 8
  const pad = version === 1 ? pad8 : (n: number) => n
  const nameAt = m.at + headerLen
  const dtAt = nameAt + pad(nameSize)
  const dsAt = dtAt + pad(dtSize)
  const dataAt = dsAt + pad(dsSize)
  if (dataAt > m.at + m.size) throw new FormatError('attribute message is truncated', m.at)
  const nameBytes = readAll(src, nameAt, nameSize, 'attribute name')
  const name = Buffer.from(nameBytes.subarray(0, Math.max(0, nameSize - 1))).toString('latin1')
  const dt = readAll(src, dtAt, 8, 'attribute datatype')
  const cls = dt[0]! & 0x0f
  const elem = uint(dt, 4, 4)
  const count = elements(readAll(src, dsAt, Math.max(8, dsSize), 'attribute dataspace'), sb)
  if (count !== 1)
    return { name, attr: { offset: dataAt, reason: `attribute holds ${count} elements, not one` } }
  if (cls === 3) {
    if (elem > maxBytes)
      throw new FormatError(`attribute ${name} of ${elem} bytes exceeds the scan limit`, nameAt)
    const bytes = readAll(src, dataAt, elem, `attribute ${name}`)
    let end = bytes.length
    while (end > 0 && bytes[end - 1] === 0) end--
    return { name, attr: { offset: dataAt, value: utf8Loose(bytes.subarray(0, end)) } }
  }
  // Variable-length string: class 9 whose type bits say string.
  if (cls === 9 && (dt[1]! & 0x0f) === 1) {
    const ref = readAll(src, dataAt, 4 + sb.offsetSize + 4, `attribute ${name} heap reference`)
    const length = uint(ref, 0, 4)
    const collection = uint(ref, 4, sb.offsetSize)
    const index = uint(ref, 4 + sb.offsetSize, 4)
    if (length > maxBytes)
      throw new FormatError(`attribute ${name} of ${length} bytes exceeds the scan limit`, nameAt)
    const value = globalHeapObject(src, sb, collection, index, length)
    return { name, attr: { offset: value.at, value: utf8Loose(value.bytes) } }
  }
  return { name, attr: { offset: dataAt, reason: `attribute is not a string (class ${cls})` } }
}

/** Element count of a dataspace message (scalar: 1). */
function elements(ds: Uint8Array, sb: Superblock): number {
  const version = ds[0]!
  const rank = ds[1]!
  if (version === 2 && ds[3] === 0) return 1 // scalar
  if (version === 2 && ds[3] === 2) return 0 // null
  if (rank === 0) return 1
  const dimsAt = version === 1 ? 8 : 4
  let n = 1
  for (let i = 0; i < rank; i++) {
    const at = dimsAt + i * sb.lengthSize
    n *= at + sb.lengthSize <= ds.length ? uint(ds, at, sb.lengthSize) : NaN
  }
  return n
}

/** One object of a global heap collection (`GCOL`), bounded by the collection's own size. */
function globalHeapObject(
  src: ByteSource,
  sb: Superblock,
  collection: number,
  index: number,
  length: number,
): { at: number; bytes: Uint8Array } {
  const at = sb.base + collection
  const L = sb.lengthSize
  const h = readAll(src, at, 8 + L, 'global heap collection')
  if (String.fromCharCode(...h.subarray(0, 4)) !== 'GCOL' || h[4] !== 1)
    throw new FormatError('variable-length string points outside a global heap collection', at)
  const size = uint(h, 8, L)
  const end = at + size
  if (size < 8 + L || end > src.size)
    throw new FormatError('global heap collection runs past the end of the file', at)
  let p = at + 8 + L
  for (let k = 0; k < 1_000_000 && p + 8 + L <= end; k++) {
    const o = readAll(src, p, 8 + L, 'global heap object')
    const idx = uint(o, 0, 2)
    const objSize = uint(o, 8, L)
    if (idx === 0) break
    const dataAt = p + 8 + L
    if (dataAt + objSize > end)
      throw new FormatError('global heap object runs past its collection', p)
    if (idx === index) {
      if (length > objSize)
        throw new FormatError('variable-length string is longer than its heap object', p)
      return { at: dataAt, bytes: readAll(src, dataAt, length, 'global heap object') }
    }
    p = dataAt + pad8(objSize)
  }
  throw new FormatError(`global heap object ${index} not found`, at)
}
