import { npyTypeItemsize } from './npy-dtype'
import { scanPickleBytes } from './pickle/scan-pickle'
import { defineScanner } from './types'
import type { FormatScanResult, ModelFinding } from './types'

/** Largest npy header we parse (numpy itself refuses headers over 10 KB by default). */
const MAX_HEADER = 1 << 20

export type NpyHeader = Readonly<{
  version: number
  dataOffset: number
  descr: string
  object: boolean
  itemsize: number | undefined
  shape: readonly number[]
  fortran: boolean
}>

function itemsizeOf(descr: string): number | undefined {
  const m = /^[<>|=]?([a-zA-Z?])(\d*)$/.exec(descr)
  if (!m) return undefined
  return npyTypeItemsize(m[1]!, m[2] ? Number(m[2]) : 0)
}

/**
 * Parses an .npy header (v1: u16 length, v2/v3: u32 length) with bounds checks. The header is a
 * Python dict literal; we read it with regular expressions, never evaluate it.
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
  if (hlen > MAX_HEADER || hstart + hlen > size) return `header length ${hlen} is out of bounds`
  const text = Buffer.from(read(hstart, hlen)).toString(version === 3 ? 'utf8' : 'latin1')
  if (!/^\s*\{/.test(text) || !text.includes('}')) return 'header is not a dict literal'
  const descrStr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text)
  const descrList = /['"]descr['"]\s*:\s*(\[[\s\S]*\])\s*,\s*['"](?:fortran_order|shape)['"]/.exec(
    text,
  )
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)
  const shapeM = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)
  if ((!descrStr && !descrList) || !fortran || !shapeM)
    return 'header lacks descr, fortran_order or shape'
  const shape: number[] = []
  for (const part of shapeM[1]!.split(',')) {
    const t = part.trim().replace(/L$/, '')
    if (t === '') continue
    if (!/^\d+$/.test(t)) return `shape entry "${t.slice(0, 40)}" is not a size`
    shape.push(Number(t))
  }
  const descr = descrStr ? descrStr[1]! : descrList![1]!
  // Object fields anywhere in a structured dtype make the payload a pickle.
  const object = descrStr ? /^[|<>=]?O\d*$/.test(descr) : /['"][|<>=]?O\d*['"]/.test(descr)
  return {
    version,
    dataOffset: hstart + hlen,
    descr,
    object,
    itemsize: descrStr ? itemsizeOf(descr) : undefined,
    shape,
    fortran: fortran[1] === 'True',
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
            message: `Invalid .npy header: ${h}`,
            member: ctx.member,
            offset: 0,
          },
        ],
        invalid: h,
      }
    }
    const metadata = { dtype: h.descr.slice(0, 200), shape: h.shape.join('x') }
    if (h.object) {
      const r = scanPickleBytes(src, ctx, { start: h.dataOffset })
      const findings: ModelFinding[] = [
        {
          ruleId: 'numpy.object-dtype',
          message: `Array of dtype ${h.descr.slice(0, 80)} stores Python objects as a pickle (scanned)`,
          member: ctx.member,
          offset: h.dataOffset,
        },
        ...r.findings,
      ]
      return { format: 'numpy', findings, invalid: r.invalid, metadata }
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
