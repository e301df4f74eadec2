import type { ByteSource } from '../../byte-source'
import { FormatError, utf8Loose } from '../util'

/**
 * A small protobuf wire-format reader of our own (no generated code, no schema files). It walks
 * fields of a message held in a ByteSource range, so huge embedded tensors are skipped by length
 * and never loaded. Every length is checked against the enclosing range before it is used.
 */
export type PbField = Readonly<{
  no: number
  wire: 0 | 1 | 2 | 5
  /** Varint value (wire 0) or fixed value (wire 1/5) as bigint. */
  int?: bigint
  /** Value range [start, end) for length-delimited fields (wire 2). */
  start: number
  end: number
}>

const WINDOW = 64 * 1024

/** Cached windowed reads: messages are walked front to back, so one window serves many fields. */
export class PbSource {
  private buf: Uint8Array = new Uint8Array(0)
  private bufStart = 0
  /** Fields visited so far, across all messages: bounded so a crafted file cannot loop forever. */
  fieldsVisited = 0

  constructor(
    readonly src: ByteSource,
    private readonly maxFields = 50_000_000,
  ) {}

  get size(): number {
    return this.src.size
  }

  byte(at: number): number {
    const rel = at - this.bufStart
    if (rel < 0 || rel >= this.buf.length) {
      this.buf = this.src.read(at, WINDOW)
      this.bufStart = at
      if (this.buf.length === 0) throw new FormatError('unexpected end of protobuf data', at)
    }
    return this.buf[at - this.bufStart]!
  }

  bytes(start: number, end: number, max: number): Uint8Array {
    if (end - start > max)
      throw new FormatError(
        `protobuf field of ${end - start} bytes exceeds the ${max}-byte limit`,
        start,
      )
    return this.src.read(start, end - start)
  }

  string(f: PbField, max = 1 << 20): string {
    return utf8Loose(this.bytes(f.start, Math.min(f.end, f.start + max), max))
  }

  private varint(at: number, end: number): [bigint, number] {
    let v = 0n
    let shift = 0n
    for (let i = 0; i < 10; i++) {
      if (at >= end) throw new FormatError('varint runs past the end of its message', at)
      const b = this.byte(at++)
      v |= BigInt(b & 0x7f) << shift
      if ((b & 0x80) === 0) return [v, at]
      shift += 7n
    }
    throw new FormatError('varint longer than 10 bytes', at)
  }

  /** Iterates the fields of the message in [start, end). Throws FormatError on bad encoding. */
  *fields(start: number, end: number): Generator<PbField> {
    if (end > this.src.size) throw new FormatError('message runs past the end of the data', start)
    let at = start
    while (at < end) {
      if (++this.fieldsVisited > this.maxFields)
        throw new FormatError('too many protobuf fields', at)
      const [tag, afterTag] = this.varint(at, end)
      const no = Number(tag >> 3n)
      const wire = Number(tag & 7n)
      if (no === 0 || no > 536_870_911) throw new FormatError(`invalid field number ${no}`, at)
      at = afterTag
      switch (wire) {
        case 0: {
          const [v, next] = this.varint(at, end)
          yield { no, wire: 0, int: v, start: at, end: next }
          at = next
          break
        }
        case 1:
        case 5: {
          const n = wire === 1 ? 8 : 4
          if (at + n > end)
            throw new FormatError('fixed field runs past the end of its message', at)
          const b = this.src.read(at, n)
          const dv = new DataView(b.buffer, b.byteOffset, n)
          yield {
            no,
            wire,
            int: n === 8 ? dv.getBigUint64(0, true) : BigInt(dv.getUint32(0, true)),
            start: at,
            end: at + n,
          }
          at += n
          break
        }
        case 2: {
          const [len, next] = this.varint(at, end)
          if (len > BigInt(end - next))
            throw new FormatError(`field ${no}: length ${len} runs past the end of its message`, at)
          const s = next
          const e = next + Number(len)
          yield { no, wire: 2, start: s, end: e }
          at = e
          break
        }
        default:
          throw new FormatError(`unsupported wire type ${wire} (field ${no})`, at)
      }
    }
  }

  /** Collects fields by number (for small messages). */
  fieldMap(start: number, end: number): Map<number, PbField[]> {
    const m = new Map<number, PbField[]>()
    for (const f of this.fields(start, end)) {
      const list = m.get(f.no)
      if (list) list.push(f)
      else m.set(f.no, [f])
    }
    return m
  }
}

/** A varint as a JS number, or undefined when absent or not a safe integer. */
export function intOf(f: PbField | undefined): number | undefined {
  if (f?.int === undefined) return undefined
  return f.int <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(f.int) : undefined
}
