import type { ByteSource } from '../../byte-source'
import { FormatError, utf8Loose } from '../util'

const MAGIC = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])

/** Superblock offsets HDF5 allows (0, then powers of two from 512) that we look at. */
const SUPERBLOCK_AT = [0, 512, 1024, 2048, 4096, 8192]

/** Where to look for root attributes: Keras writes them before any weights, near the start. */
export const SEARCH_HEAD_BYTES = 64 * 1024 * 1024
/** Object header continuation blocks can also be appended at the end of the file. */
export const SEARCH_TAIL_BYTES = 16 * 1024 * 1024
const CHUNK = 4 * 1024 * 1024

/** Returns the superblock version, or throws when the file is not HDF5. */
export function superblockVersion(src: ByteSource): { at: number; version: number } {
  for (const at of SUPERBLOCK_AT) {
    const b = src.read(at, 9)
    if (b.length === 9 && Buffer.from(b.subarray(0, 8)).equals(MAGIC)) {
      const version = b[8]!
      if (version > 3) throw new FormatError(`unknown HDF5 superblock version ${version}`, at + 8)
      return { at, version }
    }
  }
  throw new FormatError('no HDF5 superblock signature')
}

function pad8(n: number): number {
  return Math.ceil(n / 8) * 8
}

export type AttributeHit = Readonly<{ offset: number; value?: string; reason?: string }>

/**
 * Decodes an attribute message whose name starts at `nameAt`: checks the message header
 * (version 1, 2 or 3, name length), that the datatype is a fixed-length string, and returns the
 * string value. Anything else returns a reason instead of a value.
 */
function decodeAttribute(
  src: ByteSource,
  nameAt: number,
  name: string,
  maxBytes: number,
): AttributeHit {
  const nameSize = name.length + 1
  for (const [version, headerLen] of [
    [1, 8],
    [2, 8],
    [3, 9],
  ] as const) {
    const start = nameAt - headerLen
    if (start < 0) continue
    const h = src.read(start, headerLen)
    if (h.length !== headerLen || h[0] !== version) continue
    const dv = new DataView(h.buffer, h.byteOffset, headerLen)
    if (dv.getUint16(2, true) !== nameSize) continue
    const dtSize = dv.getUint16(4, true)
    const dsSize = dv.getUint16(6, true)
    const dtAt = nameAt + (version === 1 ? pad8(nameSize) : nameSize)
    const dt = src.read(dtAt, 8)
    if (dt.length !== 8) return { offset: nameAt, reason: 'attribute datatype truncated' }
    const cls = dt[0]! & 0x0f
    const elemSize = new DataView(dt.buffer, dt.byteOffset, 8).getUint32(4, true)
    if (cls !== 3)
      return { offset: nameAt, reason: `attribute is not a fixed-length string (class ${cls})` }
    const dataAt = dtAt + (version === 1 ? pad8(dtSize) + pad8(dsSize) : dtSize + dsSize)
    if (elemSize > maxBytes)
      throw new FormatError(`attribute ${name} of ${elemSize} bytes exceeds the scan limit`, nameAt)
    if (dataAt + elemSize > src.size)
      throw new FormatError(`attribute ${name} runs past the end of the file`, nameAt)
    const bytes = src.read(dataAt, elemSize)
    let end = bytes.length
    while (end > 0 && bytes[end - 1] === 0) end--
    return { offset: dataAt, value: utf8Loose(bytes.subarray(0, end)) }
  }
  return { offset: nameAt, reason: 'no attribute message header before the name' }
}

/**
 * One bounded pass over the searched windows of the file (head, then tail) that records where
 * each needle occurs, so several attributes cost one read of the file, not one each.
 */
export function searchNeedles(src: ByteSource, needles: readonly string[]): Map<string, number[]> {
  const bufs = needles.map((n) => Buffer.from(n, 'latin1'))
  const longest = Math.max(...bufs.map((b) => b.length))
  const hits = new Map<string, number[]>(needles.map((n) => [n, []]))
  const windows: [number, number][] = [[0, Math.min(src.size, SEARCH_HEAD_BYTES)]]
  if (src.size > SEARCH_HEAD_BYTES)
    windows.push([Math.max(SEARCH_HEAD_BYTES, src.size - SEARCH_TAIL_BYTES), src.size])
  for (const [from, to] of windows) {
    for (let at = from; at < to; at += CHUNK) {
      const buf = Buffer.from(src.read(at, Math.min(CHUNK + longest, to - at)))
      bufs.forEach((needle, k) => {
        const list = hits.get(needles[k]!)!
        for (
          let i = buf.indexOf(needle);
          i >= 0 && list.length < 16;
          i = buf.indexOf(needle, i + 1)
        ) {
          // Matches in the overlap belong to the next chunk (unless this is the last one).
          if (i < CHUNK || at + CHUNK >= to) list.push(at + i)
        }
      })
    }
  }
  return hits
}

/**
 * Reads a string attribute (e.g. `model_config`) without an HDF5 library: the NUL-terminated
 * name found by the search, then a structural check of the attribute message around it.
 */
export function findStringAttribute(
  src: ByteSource,
  hits: Map<string, number[]>,
  name: string,
  maxBytes: number,
): AttributeHit | undefined {
  let last: AttributeHit | undefined
  for (const at of hits.get(`${name}\0`) ?? []) {
    const hit = decodeAttribute(src, at, name, maxBytes)
    if (hit.value !== undefined) return hit
    last = hit
  }
  return last
}

/** JSON object starts that a Keras model config may have. */
export const JSON_NEEDLES = ['{"class_name"', '{"module"']

/**
 * Fallback for variable-length strings (stored in a global heap): a JSON object that starts like
 * a Keras config, read up to its balanced closing brace (bounded by maxBytes).
 */
export function findJsonBlob(
  src: ByteSource,
  hits: Map<string, number[]>,
  maxBytes: number,
): AttributeHit | undefined {
  for (const needle of JSON_NEEDLES) {
    for (const at of hits.get(needle) ?? []) {
      const buf = src.read(at, Math.min(maxBytes, src.size - at))
      let depth = 0
      let inStr = false
      for (let i = 0; i < buf.length; i++) {
        const c = buf[i]!
        if (inStr) {
          if (c === 0x5c) i++
          else if (c === 0x22) inStr = false
          continue
        }
        if (c === 0x22) inStr = true
        else if (c === 0x7b) depth++
        else if (c === 0x7d && --depth === 0)
          return { offset: at, value: utf8Loose(buf.subarray(0, i + 1)) }
        else if (c === 0) break
      }
    }
  }
  return undefined
}
