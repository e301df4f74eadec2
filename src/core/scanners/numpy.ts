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
 * What the scanner can tell about a header's `descr`. `uncertain` names a form np.save never writes
 * and NumPy readers do not all read alike: it counts as an object dtype (the data is scanned as a
 * pickle) and is reported. `refused` names a form `descr_to_dtype` raises on: the load fails.
 */
export type DescrFacts = DtypeFacts &
  Readonly<{
    uncertain?: string
    refused?: string
  }>

/** Deepest descr nesting followed; deeper counts as uncertain (and so as an object). */
const MAX_DESCR_DEPTH = 32

function either(a: DescrFacts, b: DescrFacts, itemsize: number | undefined): DescrFacts {
  const uncertain = a.uncertain ?? b.uncertain
  const refused = a.refused ?? b.refused
  return {
    object: a.object || b.object,
    itemsize,
    ...(uncertain !== undefined ? { uncertain } : {}),
    ...(refused !== undefined ? { refused } : {}),
  }
}

/**
 * `np.dtype(s)` for a string. dtypeStringFacts knows the current type names; older NumPy also
 * took capitalised aliases (`Object0`). A capital O names nothing but an object type in a dtype
 * string (type codes, names, datetime units), so one left over counts as an object.
 */
function stringFacts(s: string): DescrFacts {
  const f = dtypeStringFacts(s)
  return !f.object && s.includes('O') ? { object: true, itemsize: f.itemsize } : f
}

/**
 * `np.dtype((base, extra))`: a shape makes a sub-array; anything else is read by `np.dtype` as a
 * second dtype viewing the first (`(base, new)`), a form np.save never writes: only a plain
 * string is judged there, the rest is uncertain.
 */
function withExtra(base: DescrFacts, extra: PyValue): DescrFacts {
  const shape = shapeOf(extra)
  if (shape) {
    const n = shape.reduce((a, d) => a * d, 1)
    return { ...base, itemsize: base.itemsize === undefined ? undefined : base.itemsize * n }
  }
  const view: DescrFacts =
    extra.t === 'str'
      ? stringFacts(extra.v)
      : { object: true, uncertain: `a (base, ${extra.t}) view dtype` }
  return either(base, view, base.itemsize)
}

/** The keys of a dict literal in Python's order, or undefined when any is not a distinct string. */
function dictKeys(v: PyValue & { t: 'dict' }): PyValue[] | undefined {
  const seen = new Set<string>()
  const keys: PyValue[] = []
  for (const [k] of v.entries) {
    if (k.t !== 'str') return undefined
    // A repeated key keeps its first position in Python; equal numbers (1, 1.0, True) are not
    // followed, hence strings only.
    if (seen.has(k.v)) continue
    seen.add(k.v)
    keys.push(k)
  }
  return keys
}

/**
 * One field of a structured descr, as `descr_to_dtype` unpacks it: `len(field) == 2` is
 * `name, descr = field`, otherwise `name, descr, shape = field`. Any sequence unpacks: a
 * two-character string `'aO'` is field `a` of dtype `O`, a dict unpacks its keys.
 */
function fieldFacts(field: PyValue, depth: number): DescrFacts {
  let parts: readonly PyValue[]
  switch (field.t) {
    case 'str':
      // Python's len() counts code points, as the string iterator does. Over 6 UTF-16 units is
      // over 3 code points: refused without splitting a string of up to the header's size.
      if (field.v.length > 6)
        return { object: false, refused: 'a field string of over 3 characters' }
      parts = Array.from(field.v, (c): PyValue => ({ t: 'str', v: c }))
      break
    case 'tuple':
    case 'list':
      parts = field.items
      break
    case 'dict': {
      const keys = dictKeys(field)
      if (!keys) return { object: true, uncertain: 'a dict field with repeated or non-string keys' }
      parts = keys
      break
    }
    default:
      return { object: false, refused: `a field ${show(field).slice(0, 20)} has no length` }
  }
  if (parts.length === 2) return descrFacts(parts[1]!, depth + 1)
  if (parts.length === 3) return withExtra(descrFacts(parts[1]!, depth + 1), parts[2]!)
  return {
    object: false,
    refused: `a field of ${parts.length} items (NumPy unpacks 2 or 3)`,
  }
}

/**
 * What `numpy.lib.format.descr_to_dtype` builds from a header's `descr`, modelled on its code: a
 * string goes to `np.dtype`; a tuple is `(descr_to_dtype(d[0]), d[1])`; anything else is
 * iterated as fields (see fieldFacts), nested to any depth. Any object field anywhere makes the
 * payload a pickle. A dict is iterated by its keys there, but older NumPy passed the descr to
 * `np.dtype`, which reads a dict as names/formats: np.save never writes one, so it is uncertain.
 */
export function descrFacts(v: PyValue, depth = 0): DescrFacts {
  if (depth > MAX_DESCR_DEPTH) return { object: true, uncertain: 'a descr nested too deep' }
  switch (v.t) {
    case 'str':
      return stringFacts(v.v)
    case 'tuple': {
      const [base, extra] = v.items
      if (base === undefined || extra === undefined) {
        const b = base ? descrFacts(base, depth + 1) : { object: false }
        return { ...b, refused: 'a tuple descr without a shape' }
      }
      return withExtra(descrFacts(base, depth + 1), extra)
    }
    case 'list': {
      let acc: DescrFacts = { object: false, itemsize: 0 }
      for (const field of v.items) {
        const f = fieldFacts(field, depth)
        const size =
          acc.itemsize === undefined || f.itemsize === undefined
            ? undefined
            : acc.itemsize + f.itemsize
        acc = either(acc, f, size)
      }
      return acc
    }
    case 'dict': {
      const keys = dictKeys(v)
      const f = keys ? descrFacts({ t: 'list', items: keys }, depth) : { object: false }
      return either(f, { object: true, uncertain: 'a dict descr' }, undefined)
    }
    default:
      return { object: false, refused: `a descr ${show(v).slice(0, 20)} that is not iterable` }
  }
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
  if (facts.refused) problem = `descr ${show(descr).slice(0, 40)} has ${facts.refused}`
  if (facts.uncertain) {
    problem = `descr ${show(descr).slice(0, 40)} is ${facts.uncertain}, a form np.save never writes and NumPy versions read differently; its data was scanned as a pickle`
  }
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
