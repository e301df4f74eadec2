import type { DtypeFacts } from './npy-dtype'
import { dtypeStringFacts } from './npy-dtype'
import type { PyValue } from './py-literal'
import { dictGet, parsePyLiteral, PyLiteralError } from './py-literal'
import { scanPickleBytes } from './pickle/scan-pickle'
import { defineScanner } from './types'
import type { FormatScanResult, ModelFinding } from './types'

/**
 * Largest npy header we read. NumPy caps headers at 10,000 bytes unless `allow_pickle=True`,
 * which lifts the cap: a longer header is reported, never passed.
 */
const MAX_HEADER = 16 << 20

export type NpyHeader = Readonly<{
  version: number
  dataOffset: number
  descr: string
  object: boolean
  itemsize: number | undefined
  shape: readonly number[]
  fortran: boolean
  /** Something NumPy itself would refuse (the payload is still checked for objects). */
  problem?: string
}>

function shapeOf(v: PyValue): number[] | undefined {
  if (v.t === 'num') return [v.v]
  if (v.t !== 'tuple' && v.t !== 'list') return undefined
  const out: number[] = []
  for (const x of v.items) {
    if (x.t !== 'num' || !Number.isInteger(x.v) || x.v < 0) return undefined
    out.push(x.v)
  }
  return out
}

/**
 * What `numpy.lib.format.descr_to_dtype` would build from a header's `descr`: a dtype string, a
 * `(base, shape)` tuple, or a list of `(name, descr[, shape])` fields nested to any depth. Any
 * object field anywhere makes the payload a pickle.
 */
export function descrFacts(v: PyValue, depth = 0): DtypeFacts {
  if (depth > 32) return { object: true }
  if (v.t === 'str') return dtypeStringFacts(v.v)
  if (v.t === 'tuple') {
    const [base, extra] = v.items
    if (base === undefined) return { object: false }
    const b = descrFacts(base, depth + 1)
    if (extra === undefined) return b
    const shape = shapeOf(extra)
    if (shape) {
      const n = shape.reduce((a, d) => a * d, 1)
      return { object: b.object, itemsize: b.itemsize === undefined ? undefined : b.itemsize * n }
    }
    // `(base, fields)` views the base through another dtype: its fields count too.
    const e = descrFacts(extra, depth + 1)
    return { object: b.object || e.object, itemsize: b.itemsize }
  }
  if (v.t === 'list') {
    let object = false
    let total: number | undefined = 0
    for (const field of v.items) {
      if ((field.t !== 'tuple' && field.t !== 'list') || field.items.length < 2) {
        object ||= descrFacts(field, depth + 1).object
        total = undefined
        continue
      }
      const f = descrFacts(field.items[1]!, depth + 1)
      const shape = field.items[2] ? shapeOf(field.items[2]) : [1]
      object ||= f.object
      if (total === undefined || f.itemsize === undefined || !shape) total = undefined
      else total += f.itemsize * shape.reduce((a, d) => a * d, 1)
    }
    return { object, itemsize: total }
  }
  return { object: false }
}

function show(v: PyValue): string {
  switch (v.t) {
    case 'str':
      return `'${v.v}'`
    case 'num':
    case 'const':
      return String(v.v)
    case 'tuple':
      return `(${v.items.map(show).join(', ')}${v.items.length === 1 ? ',' : ''})`
    case 'list':
      return `[${v.items.map(show).join(', ')}]`
    case 'dict':
      return `{${v.entries.map(([k, x]) => `${show(k)}: ${show(x)}`).join(', ')}}`
  }
}

/**
 * Parses an .npy header (v1: u16 length, v2/v3: u32 length) with bounds checks. The header is a
 * Python dict literal, read the way NumPy reads it (a literal parser, never evaluated).
 */
export function parseNpyHeader(
  read: (offset: number, length: number) => Uint8Array,
  size: number,
): NpyHeader | string {
  const pre = read(0, 12)
  if (
    pre.length < 10 ||
    pre[0] !== 0x93 ||
    Buffer.from(pre.subarray(1, 6)).toString('latin1') !== 'NUMPY'
  ) {
    return 'missing NUMPY magic'
  }
  const version = pre[6]!
  if (version < 1 || version > 3) return `unsupported npy version ${version}.${pre[7]}`
  const view = new DataView(pre.buffer, pre.byteOffset, pre.byteLength)
  const wide = version >= 2
  if (wide && pre.length < 12) return 'header length truncated'
  const hlen = wide ? view.getUint32(8, true) : view.getUint16(8, true)
  const hstart = wide ? 12 : 10
  if (hstart + hlen > size) return `header length ${hlen} is out of bounds`
  if (hlen > MAX_HEADER) return `header of ${hlen} bytes is too large to analyse`
  const text = Buffer.from(read(hstart, hlen)).toString(version === 3 ? 'utf8' : 'latin1')
  let dict: PyValue
  try {
    dict = parsePyLiteral(text.replace(/[\s\0]+$/, ''))
  } catch (e) {
    if (e instanceof PyLiteralError) return `header is not a Python literal (${e.message})`
    throw e
  }
  if (dict.t !== 'dict') return 'header is not a dict literal'
  const descr = dictGet(dict, 'descr')
  const fortran = dictGet(dict, 'fortran_order')
  const shapeV = dictGet(dict, 'shape')
  if (!descr || !fortran || !shapeV) return 'header lacks descr, fortran_order or shape'
  const facts = descrFacts(descr)
  const shape = shapeOf(shapeV)
  const keys = new Set(dict.entries.map(([k]) => (k.t === 'str' ? k.v : show(k))))
  let problem: string | undefined
  if (keys.size !== 3) problem = `header has keys other than descr, fortran_order and shape`
  if (!shape) problem = `shape ${show(shapeV).slice(0, 40)} is not a tuple of sizes`
  if (fortran.t !== 'const' || fortran.v === 'None') problem = 'fortran_order is not a boolean'
  if (problem && !facts.object) return problem
  return {
    version,
    dataOffset: hstart + hlen,
    descr: show(descr),
    object: facts.object,
    itemsize: facts.itemsize,
    shape: shape ?? [],
    fortran: fortran.t === 'const' && fortran.v === 'True',
    problem,
  }
}

export const numpyScanner = defineScanner({
  formats: ['numpy'],
  extensions: ['.npy'],
  claims: ['.npy'],
  sniff(head) {
    return (
      head.length >= 6 &&
      head[0] === 0x93 &&
      Buffer.from(head.subarray(1, 6)).toString('latin1') === 'NUMPY'
    )
  },
  scan(src, ctx): FormatScanResult<'numpy'> {
    const h = parseNpyHeader(src.read, src.size)
    if (typeof h === 'string') {
      return {
        format: 'numpy',
        findings: [
          {
            ruleId: 'numpy.bad-header',
            // A header too large to read could still declare objects that np.load unpickles.
            ...(h.includes('too large') ? { severity: 'high' as const } : {}),
            message: `Invalid .npy header: ${h}`,
            member: ctx.member,
            offset: 0,
          },
        ],
        invalid: h,
      }
    }
    const metadata = { dtype: h.descr.slice(0, 200), shape: h.shape.join('x') }
    const headerProblem: ModelFinding[] = h.problem
      ? [
          {
            ruleId: 'numpy.bad-header',
            message: `Invalid .npy header: ${h.problem}`,
            member: ctx.member,
            offset: 0,
          },
        ]
      : []
    if (h.object) {
      const r = scanPickleBytes(src, ctx, { start: h.dataOffset })
      const findings: ModelFinding[] = [
        ...headerProblem,
        {
          ruleId: 'numpy.object-dtype',
          message: `Array of dtype ${h.descr.slice(0, 80)} stores Python objects as a pickle (scanned)`,
          member: ctx.member,
          offset: h.dataOffset,
        },
        ...r.findings,
      ]
      return { format: 'numpy', findings, invalid: r.invalid ?? h.problem, metadata }
    }
    let count = 1
    for (const d of h.shape) count *= d
    if (h.itemsize !== undefined) {
      const need = count * h.itemsize
      const have = src.size - h.dataOffset
      if (need > have) {
        const msg = `data holds ${have} bytes but shape and dtype need ${need}`
        return {
          format: 'numpy',
          findings: [
            {
              ruleId: 'numpy.bad-header',
              message: `Truncated .npy: ${msg}`,
              member: ctx.member,
              offset: h.dataOffset,
            },
          ],
          invalid: msg,
          metadata,
        }
      }
    }
    return { format: 'numpy', findings: [], metadata }
  },
})
