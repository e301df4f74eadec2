import { checkMetadataStrings } from '../config/instantiation'
import type { ByteSource } from '../byte-source'
import { defineScanner } from '../types'
import type { FormatScanResult, ModelFinding, ScanContext } from '../types'
import { FormatError, invalidResult, isRecord, parseJson, readExact, utf8Strict } from './util'

/** Bits per element of every dtype the safetensors format defines. */
const DTYPE_BITS: Readonly<Record<string, number>> = {
  BOOL: 8,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  E8M0: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  C64: 64,
  F64: 64,
  I64: 64,
  U64: 64,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
}

/** The format caps the header at 100 MB (safetensors' own limit). */
const MAX_HEADER = 100_000_000

const CODE_LIKE =
  /(__import__|\bimport\s+\w|\beval\s*\(|\bexec\s*\(|os\.system|subprocess|<script)/i

type Entry = { name: string; begin: number; end: number }

function readHeaderLength(src: ByteSource): number {
  const b = readExact(src, 0, 8, 'header length')
  const n = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true)
  const max = Math.min(MAX_HEADER, src.size - 8)
  if (n > BigInt(max))
    throw new FormatError(`header length ${n} exceeds ${max} (file size ${src.size})`, 0)
  if (n < 2n) throw new FormatError(`header length ${n} is too small for a JSON object`, 0)
  return Number(n)
}

function checkShape(name: string, shape: unknown): bigint {
  if (!Array.isArray(shape)) throw new FormatError(`tensor ${name}: shape is not an array`)
  let n = 1n
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new FormatError(`tensor ${name}: shape has a bad dimension ${JSON.stringify(d)}`)
    }
    n *= BigInt(d)
  }
  return n
}

export function scanSafetensors(
  src: ByteSource,
  ctx: ScanContext,
): FormatScanResult<'safetensors'> {
  const findings: ModelFinding[] = []
  try {
    const n = readHeaderLength(src)
    if (n > ctx.limits.maxHeaderBytes)
      throw new FormatError(`header of ${n} bytes exceeds the scan limit`, 0)
    const json = parseJson(utf8Strict(readExact(src, 8, n, 'header'), 'header'), 'header')
    if (!isRecord(json)) throw new FormatError('header is not a JSON object', 8)
    const dataSize = src.size - 8 - n
    const entries: Entry[] = []
    const dtypes = new Set<string>()
    let params = 0n
    for (const [name, v] of Object.entries(json)) {
      if (name === '__metadata__') {
        if (!isRecord(v)) throw new FormatError('__metadata__ is not an object')
        for (const [k, mv] of Object.entries(v)) {
          if (typeof mv !== 'string')
            throw new FormatError(`__metadata__ value ${k} is not a string`)
          // Metadata is inert for safetensors itself, but some libraries read a config from it
          // and instantiate its `_target_` (Uni2TS, FlexTok): that is checked like any config.
          findings.push(
            ...checkMetadataStrings([[k, mv]], { where: '__metadata__', member: ctx.member }),
          )
          if (CODE_LIKE.test(mv)) {
            findings.push({
              ruleId: 'safetensors.metadata-code',
              message: `__metadata__.${k} holds code-like text (inert: safetensors never runs metadata)`,
              member: ctx.member,
            })
          }
        }
        continue
      }
      if (!isRecord(v)) throw new FormatError(`tensor ${name}: entry is not an object`)
      const dtype = v['dtype']
      if (typeof dtype !== 'string' || !(dtype in DTYPE_BITS)) {
        throw new FormatError(`tensor ${name}: unknown dtype ${JSON.stringify(dtype)}`)
      }
      const count = checkShape(name, v['shape'])
      const offs = v['data_offsets']
      if (!Array.isArray(offs) || offs.length !== 2)
        throw new FormatError(`tensor ${name}: data_offsets is not [begin, end]`)
      const [begin, end] = offs as unknown[]
      if (
        typeof begin !== 'number' ||
        typeof end !== 'number' ||
        !Number.isSafeInteger(begin) ||
        !Number.isSafeInteger(end)
      ) {
        throw new FormatError(`tensor ${name}: data_offsets are not integers`)
      }
      if (begin < 0 || end < begin || end > dataSize) {
        throw new FormatError(
          `tensor ${name}: data_offsets [${begin}, ${end}] fall outside the ${dataSize}-byte data section`,
        )
      }
      const bits = count * BigInt(DTYPE_BITS[dtype]!)
      if (bits % 8n !== 0n || bits / 8n !== BigInt(end - begin)) {
        throw new FormatError(
          `tensor ${name}: shape x ${dtype} is ${bits / 8n} bytes but data_offsets span ${end - begin}`,
        )
      }
      dtypes.add(dtype)
      params += count
      entries.push({ name, begin, end })
    }
    // Offsets must tile the data section exactly: sorted, no overlap, no gap, nothing after.
    entries.sort((a, b) => a.begin - b.begin || a.end - b.end)
    let cursor = 0
    for (const e of entries) {
      if (e.begin < cursor)
        throw new FormatError(`tensor ${e.name} overlaps the previous tensor at byte ${e.begin}`)
      if (e.begin > cursor)
        throw new FormatError(`bytes ${cursor}-${e.begin} of the data section belong to no tensor`)
      cursor = e.end
    }
    if (cursor !== dataSize)
      throw new FormatError(
        `the last ${dataSize - cursor} bytes of the data section belong to no tensor`,
      )
    const meta = isRecord(json['__metadata__']) ? json['__metadata__'] : {}
    const framework = typeof meta['format'] === 'string' ? meta['format'] : undefined
    return {
      format: 'safetensors',
      findings,
      metadata: {
        tensorCount: entries.length,
        parameterCount: Number(params),
        dtypes: [...dtypes].sort(),
        ...(framework ? { framework } : {}),
      },
    }
  } catch (e) {
    return invalidResult('safetensors', 'safetensors.invalid-header', e, findings, ctx.member)
  }
}

export const safetensorsScanner = defineScanner({
  formats: ['safetensors'],
  extensions: ['.safetensors'],
  claims: ['.safetensors'],
  sniff(head) {
    if (head.length < 10) return false
    const n = new DataView(head.buffer, head.byteOffset, head.byteLength).getBigUint64(0, true)
    // A bad length is still claimed (then reported invalid) as long as JSON follows it.
    if (n < 2n || n > 1n << 48n) return false
    let i = 8
    while (
      i < head.length &&
      (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)
    )
      i++
    if (head[i] !== 0x7b) return false
    i++
    while (
      i < head.length &&
      (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)
    )
      i++
    return i >= head.length || head[i] === 0x22 || head[i] === 0x7d
  },
  scan: scanSafetensors,
})
