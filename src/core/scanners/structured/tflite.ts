import type { ByteSource } from '../byte-source'
import { defineScanner } from '../types'
import type { FormatScanResult, ModelFinding, ScanContext } from '../types'
import { asciiAt, FormatError, invalidResult, readExact, utf8Loose } from './util'

/** BuiltinOperator.CUSTOM in the TFLite schema. */
const CUSTOM = 32
const MAX_VECTOR = 1_000_000

/** Minimal bounds-checked flatbuffer table reader over a ByteSource. */
class Flat {
  constructor(private readonly src: ByteSource) {}

  private dv(at: number, n: number): DataView {
    const b = readExact(this.src, at, n, 'flatbuffer')
    return new DataView(b.buffer, b.byteOffset, n)
  }
  u8(at: number): number {
    return this.dv(at, 1).getUint8(0)
  }
  u16(at: number): number {
    return this.dv(at, 2).getUint16(0, true)
  }
  u32(at: number): number {
    return this.dv(at, 4).getUint32(0, true)
  }
  i32(at: number): number {
    return this.dv(at, 4).getInt32(0, true)
  }

  /** Position of field `i` in the table at `table`, or undefined when absent. */
  field(table: number, i: number): number | undefined {
    const vtable = table - this.i32(table)
    if (vtable < 0 || vtable + 4 > this.src.size)
      throw new FormatError('vtable outside the file', table)
    const vsize = this.u16(vtable)
    if (vsize < 4 || vsize % 2 !== 0) throw new FormatError(`bad vtable size ${vsize}`, vtable)
    const tsize = this.u16(vtable + 2)
    if (table + tsize > this.src.size)
      throw new FormatError('table runs past the end of the file', table)
    if (4 + 2 * i + 2 > vsize) return undefined
    const off = this.u16(vtable + 4 + 2 * i)
    if (off === 0) return undefined
    if (off >= tsize) throw new FormatError(`field ${i} offset outside its table`, vtable)
    return table + off
  }
  /** Follows a uoffset stored at `at`. */
  deref(at: number): number {
    const to = at + this.u32(at)
    if (to >= this.src.size) throw new FormatError('offset points past the end of the file', at)
    return to
  }
  vector(at: number): { len: number; start: number } {
    const v = this.deref(at)
    const len = this.u32(v)
    if (len > MAX_VECTOR || v + 4 + len * 4 > this.src.size)
      throw new FormatError(`vector of ${len} items runs past the end of the file`, v)
    return { len, start: v + 4 }
  }
  string(at: number): string {
    const s = this.deref(at)
    const len = this.u32(s)
    if (len > 1 << 20) throw new FormatError(`string of ${len} bytes`, s)
    return utf8Loose(readExact(this.src, s + 4, len, 'flatbuffer string'))
  }
}

export function scanTflite(src: ByteSource, ctx: ScanContext): FormatScanResult<'tflite'> {
  const findings: ModelFinding[] = []
  try {
    if (src.size < 16) throw new FormatError('file too small for a TFLite model')
    const fb = new Flat(src)
    const model = fb.deref(0)
    const vField = fb.field(model, 0)
    const version = vField === undefined ? 0 : fb.u32(vField)
    if (version !== 3) throw new FormatError(`schema version ${version}, expected 3`)
    const customs = new Set<string>()
    let opCodes = 0
    const codes = fb.field(model, 1)
    if (codes !== undefined) {
      const vec = fb.vector(codes)
      opCodes = vec.len
      for (let i = 0; i < vec.len; i++) {
        const oc = fb.deref(vec.start + 4 * i)
        const dep = fb.field(oc, 0)
        const builtin = fb.field(oc, 3)
        const code = builtin !== undefined ? fb.i32(builtin) : dep !== undefined ? fb.u8(dep) : 0
        const depCode = dep !== undefined ? fb.u8(dep) : 0
        if (code === CUSTOM || depCode === CUSTOM) {
          const name = fb.field(oc, 1)
          customs.add(name !== undefined ? fb.string(name) : '(unnamed)')
        }
      }
    }
    const subs = fb.field(model, 2)
    const subgraphs = subs !== undefined ? fb.vector(subs).len : 0
    if (subgraphs === 0) throw new FormatError('model has no subgraphs')
    const desc = fb.field(model, 3)
    const description = desc !== undefined ? fb.string(desc).slice(0, 256) : undefined
    for (const c of customs)
      findings.push({
        ruleId: 'tflite.custom-op',
        message: `custom operator ${JSON.stringify(c)}`,
        member: ctx.member,
      })
    return {
      format: 'tflite',
      findings,
      metadata: {
        schemaVersion: version,
        subgraphCount: subgraphs,
        operatorCodeCount: opCodes,
        ...(customs.size ? { customOps: [...customs] } : {}),
        ...(description ? { producer: description } : {}),
      },
    }
  } catch (e) {
    return invalidResult('tflite', 'tflite.invalid-header', e, findings, ctx.member)
  }
}

export const tfliteScanner = defineScanner({
  formats: ['tflite'],
  extensions: ['.tflite', '.lite'],
  claims: ['.tflite'],
  sniff: (head) => asciiAt(head, 4, 'TFL3'),
  scan: scanTflite,
})
