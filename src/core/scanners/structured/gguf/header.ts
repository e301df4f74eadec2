import type { ByteSource } from '../../byte-source'
import type { CancelSignal } from '../../types'
import { throwIfCancelled } from '../../types'
import { Cursor, FormatError, utf8Loose } from '../util'

/** GGUF metadata value types (gguf.md). */
const enum VT {
  U8 = 0,
  I8 = 1,
  U16 = 2,
  I16 = 3,
  U32 = 4,
  I32 = 5,
  F32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  U64 = 10,
  I64 = 11,
  F64 = 12,
}

const SCALAR_BYTES: Readonly<Record<number, number>> = {
  0: 1,
  1: 1,
  2: 2,
  3: 2,
  4: 4,
  5: 4,
  6: 4,
  7: 1,
  10: 8,
  11: 8,
  12: 8,
}

/** ggml tensor types: [elements per block, bytes per block]. Unknown types make the file invalid. */
export const GGML_TYPES: Readonly<Record<number, readonly [string, number, number]>> = {
  0: ['F32', 1, 4],
  1: ['F16', 1, 2],
  2: ['Q4_0', 32, 18],
  3: ['Q4_1', 32, 20],
  6: ['Q5_0', 32, 22],
  7: ['Q5_1', 32, 24],
  8: ['Q8_0', 32, 34],
  9: ['Q8_1', 32, 36],
  10: ['Q2_K', 256, 84],
  11: ['Q3_K', 256, 110],
  12: ['Q4_K', 256, 144],
  13: ['Q5_K', 256, 176],
  14: ['Q6_K', 256, 210],
  15: ['Q8_K', 256, 292],
  16: ['IQ2_XXS', 256, 66],
  17: ['IQ2_XS', 256, 74],
  18: ['IQ3_XXS', 256, 98],
  19: ['IQ1_S', 256, 50],
  20: ['IQ4_NL', 32, 18],
  21: ['IQ3_S', 256, 110],
  22: ['IQ2_S', 256, 82],
  23: ['IQ4_XS', 256, 136],
  24: ['I8', 1, 1],
  25: ['I16', 1, 2],
  26: ['I32', 1, 4],
  27: ['I64', 1, 8],
  28: ['F64', 1, 8],
  29: ['IQ1_M', 256, 56],
  30: ['BF16', 1, 2],
  31: ['Q4_0_4_4', 32, 18],
  32: ['Q4_0_4_8', 32, 18],
  33: ['Q4_0_8_8', 32, 18],
  34: ['TQ1_0', 256, 54],
  35: ['TQ2_0', 256, 66],
  36: ['IQ4_NL_4_4', 32, 18],
  37: ['IQ4_NL_4_8', 32, 18],
  38: ['IQ4_NL_8_8', 32, 18],
  39: ['MXFP4', 32, 17],
}

export type GgufValue = string | number | bigint | boolean | GgufArray | GgufText
/**
 * A string value located but not read (chat templates): analysed later by streaming it from the
 * file, so its length never decides what is kept in memory.
 */
export type GgufText = Readonly<{ textAt: number; byteLength: number }>
/** Arrays keep only their type and length (and string items up to a small cap) to bound memory. */
export type GgufArray = Readonly<{ arrayOf: number; length: number; strings?: readonly string[] }>

export type GgufTensor = Readonly<{
  name: string
  dims: readonly number[]
  type: number
  offset: number
  bytes: number
}>

export type GgufHeader = Readonly<{
  version: number
  kv: ReadonlyMap<string, GgufValue>
  tensors: readonly GgufTensor[]
  dataStart: number
  alignment: number
}>

/**
 * Metadata strings are kept up to this many bytes (names, licences, architecture): the rest is
 * bounds-checked and skipped. Chat templates are never cut: they are located and streamed.
 */
const MAX_KEPT_STRING = 64 * 1024
const MAX_ARRAY_NESTING = 3
const MAX_DIMS = 8

/** `tokenizer.chat_template` and its named variants `tokenizer.chat_template.<name>`. */
export function isTemplateKey(k: string): boolean {
  return k === 'tokenizer.chat_template' || k.startsWith('tokenizer.chat_template.')
}

/**
 * Strict streaming parse of a GGUF v1-v3 header. Every count is checked against the bytes left
 * before anything is read or allocated; any violation throws FormatError.
 */
export function parseGgufHeader(src: ByteSource, signal?: CancelSignal): GgufHeader {
  const c = new Cursor(src)
  const magic = c.take(4, 'magic')
  if (String.fromCharCode(...magic) !== 'GGUF') throw new FormatError('bad magic', 0)
  const version = c.u32('version')
  if (version < 1 || version > 3) throw new FormatError(`unsupported GGUF version ${version}`, 4)
  const v1 = version === 1
  const count = (what: string): number => (v1 ? c.u32(what) : c.u64(what))

  const tensorCount = count('tensor count')
  const kvCount = count('metadata count')
  // Each tensor info needs at least a length, n_dims, type and offset; each KV a key length and type.
  const minTensor = (v1 ? 4 : 8) + 4 + 4 + 8
  const minKv = (v1 ? 4 : 8) + 4 + 1
  if (tensorCount * minTensor + kvCount * minKv > c.remaining) {
    throw new FormatError(
      `${tensorCount} tensors and ${kvCount} metadata entries cannot fit in ${src.size} bytes`,
      8,
    )
  }

  const readString = (what: string, keep: boolean): string => {
    const at = c.pos
    const n = count(`${what} length`)
    if (n > c.remaining)
      throw new FormatError(`${what}: length ${n} runs past the end of the file`, at)
    if (!keep) {
      c.skip(n, what)
      return ''
    }
    return (
      utf8Loose(c.take(Math.min(n, MAX_KEPT_STRING), what)) +
      (n > MAX_KEPT_STRING ? (c.skip(n - MAX_KEPT_STRING, what), '') : '')
    )
  }

  const readValue = (type: number, what: string, keep: boolean, nesting: number): GgufValue => {
    switch (type) {
      case VT.U8:
        return c.u8(what)
      case VT.I8:
        return (c.u8(what) << 24) >> 24
      case VT.U16:
        return c.u16(what)
      case VT.I16:
        return (c.u16(what) << 16) >> 16
      case VT.U32:
        return c.u32(what)
      case VT.I32:
        return c.i32(what)
      case VT.F32:
        return c.f32(what)
      case VT.BOOL: {
        const b = c.u8(what)
        if (b > 1) throw new FormatError(`${what}: bool value ${b}`, c.pos - 1)
        return b === 1
      }
      case VT.STRING:
        return readString(what, keep)
      case VT.U64:
        return c.i64(what) & 0xffff_ffff_ffff_ffffn
      case VT.I64:
        return c.i64(what)
      case VT.F64:
        return c.f64(what)
      case VT.ARRAY: {
        if (nesting >= MAX_ARRAY_NESTING)
          throw new FormatError(`${what}: arrays nested too deeply`, c.pos)
        const itemType = c.u32(`${what} item type`)
        const at = c.pos
        const length = count(`${what} length`)
        const minItem =
          itemType === VT.STRING
            ? v1
              ? 4
              : 8
            : itemType === VT.ARRAY
              ? 4 + (v1 ? 4 : 8)
              : SCALAR_BYTES[itemType]
        if (minItem === undefined)
          throw new FormatError(`${what}: unknown array item type ${itemType}`, at - 4)
        if (length * minItem > c.remaining)
          throw new FormatError(
            `${what}: ${length} items cannot fit in the ${c.remaining} bytes left`,
            at,
          )
        if (itemType !== VT.STRING && itemType !== VT.ARRAY) {
          c.skip(length * minItem, what)
          return { arrayOf: itemType, length }
        }
        const strings: string[] = []
        const kept = keep && itemType === VT.STRING ? Math.min(length, 64) : 0
        for (let i = 0; i < kept; i++) strings.push(readString(what, true))
        if (itemType === VT.STRING) {
          // Vocabularies: hundreds of thousands of strings walked without a per-item allocation.
          c.skipStrings(length - kept, v1 ? 4 : 8, what, signal)
        } else {
          for (let i = 0; i < length; i++) {
            if ((i & 0xffff) === 0) throwIfCancelled(signal)
            readValue(itemType, what, false, nesting + 1)
          }
        }
        return { arrayOf: itemType, length, strings }
      }
      default:
        throw new FormatError(`${what}: unknown value type ${type}`, c.pos - 4)
    }
  }

  const kv = new Map<string, GgufValue>()
  for (let i = 0; i < kvCount; i++) {
    if ((i & 0xfff) === 0) throwIfCancelled(signal)
    const at = c.pos
    const key = readString(`metadata key #${i}`, true)
    if (key.length === 0) throw new FormatError(`metadata key #${i} is empty`, at)
    if (kv.has(key)) throw new FormatError(`metadata key ${JSON.stringify(key)} appears twice`, at)
    const type = c.u32(`type of ${key}`)
    if (type === VT.STRING && isTemplateKey(key)) {
      const lenAt = c.pos
      const n = count(`${key} length`)
      if (n > c.remaining)
        throw new FormatError(`${key}: length ${n} runs past the end of the file`, lenAt)
      kv.set(key, { textAt: c.pos, byteLength: n })
      c.skip(n, key)
      continue
    }
    // Only small arrays of strings (chat template names) are kept; vocabularies are skipped.
    kv.set(key, readValue(type, key, !(type === VT.ARRAY && key.startsWith('tokenizer.ggml.')), 0))
  }

  const alignRaw = kv.get('general.alignment')
  const alignment = alignRaw === undefined ? 32 : typeof alignRaw === 'number' ? alignRaw : -1
  if (
    !Number.isInteger(alignment) ||
    alignment < 1 ||
    alignment > 1 << 20 ||
    (alignment & (alignment - 1)) !== 0
  ) {
    throw new FormatError(`general.alignment ${String(alignRaw)} is not a power of two`)
  }

  const infos: { name: string; dims: number[]; type: number; offset: number; at: number }[] = []
  for (let i = 0; i < tensorCount; i++) {
    if ((i & 0xfff) === 0) throwIfCancelled(signal)
    const at = c.pos
    const name = readString(`tensor #${i} name`, true)
    const nDims = c.u32(`tensor ${name} n_dims`)
    if (nDims > MAX_DIMS) throw new FormatError(`tensor ${name}: ${nDims} dimensions`, at)
    const dims: number[] = []
    for (let d = 0; d < nDims; d++) dims.push(v1 ? c.u32('dim') : c.u64('dim'))
    const type = c.u32(`tensor ${name} type`)
    const offset = c.u64(`tensor ${name} offset`)
    infos.push({ name, dims, type, offset, at })
  }
  const dataStart = Math.ceil(c.pos / alignment) * alignment
  const dataSize = src.size - dataStart
  if (tensorCount > 0 && dataSize < 0)
    throw new FormatError('the file ends before its tensor data section', c.pos)

  const tensors: GgufTensor[] = []
  for (const t of infos) {
    const info = GGML_TYPES[t.type]
    if (!info) throw new FormatError(`tensor ${t.name}: unknown tensor type ${t.type}`, t.at)
    const [, block, blockBytes] = info
    let elems = 1n
    for (const d of t.dims) elems *= BigInt(d)
    if (t.dims.length > 0 && t.dims[0]! % block !== 0) {
      throw new FormatError(
        `tensor ${t.name}: first dimension ${t.dims[0]} is not a multiple of the ${info[0]} block size`,
        t.at,
      )
    }
    const bytes = (elems / BigInt(block)) * BigInt(blockBytes)
    if (t.offset % alignment !== 0)
      throw new FormatError(
        `tensor ${t.name}: offset ${t.offset} is not aligned to ${alignment}`,
        t.at,
      )
    if (BigInt(t.offset) + bytes > BigInt(Math.max(0, dataSize))) {
      throw new FormatError(
        `tensor ${t.name}: ${bytes} bytes at data offset ${t.offset} run past the end of the file`,
        t.at,
      )
    }
    tensors.push({
      name: t.name,
      dims: t.dims,
      type: t.type,
      offset: t.offset,
      bytes: Number(bytes),
    })
  }
  const byOffset = [...tensors].sort((a, b) => a.offset - b.offset)
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1]!
    const cur = byOffset[i]!
    if (cur.offset < prev.offset + prev.bytes)
      throw new FormatError(`tensors ${prev.name} and ${cur.name} overlap`)
  }
  return { version, kv, tensors, dataStart, alignment }
}
