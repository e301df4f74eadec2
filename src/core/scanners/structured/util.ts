import type { ByteSource } from '../byte-source'
import type { CancelSignal, FormatScanResult, ModelFinding, ModelMetadata } from '../types'
import { throwIfCancelled } from '../types'

/** A structural violation found while parsing; scanners turn it into an `invalid` result. */
export class FormatError extends Error {
  constructor(
    message: string,
    readonly offset?: number,
  ) {
    super(message)
  }
}

/** Reads exactly `length` bytes or throws FormatError (truncated input). */
export function readExact(
  src: ByteSource,
  offset: number,
  length: number,
  what: string,
): Uint8Array {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new FormatError(`${what}: impossible range`, offset)
  }
  if (offset + length > src.size) {
    throw new FormatError(
      `${what}: needs ${length} bytes at ${offset} but the data ends at ${src.size}`,
      offset,
    )
  }
  const b = src.read(offset, length)
  if (b.length !== length) throw new FormatError(`${what}: short read`, offset)
  return b
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true })
const LOOSE_UTF8 = new TextDecoder('utf-8')

export function utf8Strict(bytes: Uint8Array, what: string): string {
  try {
    return STRICT_UTF8.decode(bytes)
  } catch {
    throw new FormatError(`${what} is not valid UTF-8`)
  }
}

export function utf8Loose(bytes: Uint8Array): string {
  return LOOSE_UTF8.decode(bytes)
}

export function asciiAt(head: Uint8Array, at: number, text: string): boolean {
  if (head.length < at + text.length) return false
  for (let i = 0; i < text.length; i++) if (head[at + i] !== text.charCodeAt(i)) return false
  return true
}

/** Parses JSON text; a syntax error becomes a FormatError. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch (e) {
    throw new FormatError(`${what} is not valid JSON (${(e as Error).message})`)
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Lower-cased base name of a path or `a!b` member name. */
export function baseNameOf(name: string): string {
  const i = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'), name.lastIndexOf('!'))
  return (i >= 0 ? name.slice(i + 1) : name).toLowerCase()
}

/**
 * Turns a FormatError (or any error) thrown mid-parse into an invalid result that keeps the
 * findings gathered so far. Non-FormatErrors are rethrown so scan-source reports them as
 * scanner errors (they are bugs, not bad input).
 */
export function invalidResult<F extends string>(
  format: F,
  ruleId: string,
  e: unknown,
  findings: readonly ModelFinding[],
  member: string | undefined,
  metadata?: ModelMetadata,
): FormatScanResult<F> {
  if (!(e instanceof FormatError)) throw e
  return {
    format,
    findings: [...findings, { ruleId, message: e.message, member, offset: e.offset }],
    invalid: e.message,
    metadata,
  }
}

/**
 * Sequential reader over a ByteSource with a bounded read-ahead window, so headers made of
 * thousands of tiny fields (GGUF vocabularies) cost a few large reads instead of one per field.
 */
export class Cursor {
  private buf: Uint8Array = new Uint8Array(0)
  private bufStart = 0
  pos: number

  constructor(
    private readonly src: ByteSource,
    start = 0,
    private readonly windowBytes = 1 << 20,
  ) {
    this.pos = start
  }

  get remaining(): number {
    return this.src.size - this.pos
  }

  /** Returns `n` bytes at the cursor (a view valid until the next call) and advances. */
  take(n: number, what: string): Uint8Array {
    if (!Number.isSafeInteger(n) || n < 0 || n > this.remaining) {
      throw new FormatError(
        `${what}: needs ${n} bytes at ${this.pos}, only ${this.remaining} left`,
        this.pos,
      )
    }
    const rel = this.pos - this.bufStart
    if (rel < 0 || rel + n > this.buf.length) {
      if (n > this.windowBytes) {
        const out = readExact(this.src, this.pos, n, what)
        this.pos += n
        return out
      }
      this.buf = this.src.read(this.pos, Math.max(this.windowBytes, n))
      this.bufStart = this.pos
      if (this.buf.length < n) throw new FormatError(`${what}: short read`, this.pos)
    }
    const at = this.pos - this.bufStart
    this.pos += n
    return this.buf.subarray(at, at + n)
  }

  /**
   * Skips `n` length-prefixed strings (`lenBytes` = 4 or 8, little-endian) with every length
   * checked against the bytes left, reading lengths straight from the window: a vocabulary of
   * millions of entries costs no allocation per entry. Checks `signal` as it goes.
   */
  skipStrings(n: number, lenBytes: 4 | 8, what: string, signal?: CancelSignal): void {
    const size = this.src.size
    let pos = this.pos
    let buf = this.buf
    let start = this.bufStart
    let view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
    for (let i = 0; i < n; i++) {
      if ((i & 0xffff) === 0xffff) throwIfCancelled(signal)
      let rel = pos - start
      if (rel < 0 || rel + lenBytes > buf.length) {
        if (pos + lenBytes > size)
          throw new FormatError(`${what}: item ${i} of ${n} runs past the end of the file`, pos)
        buf = this.src.read(pos, this.windowBytes)
        start = pos
        view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
        rel = 0
        if (buf.length < lenBytes) throw new FormatError(`${what}: short read`, pos)
      }
      const lo = view.getUint32(rel, true)
      const len = lenBytes === 4 ? lo : lo + view.getUint32(rel + 4, true) * 0x1_0000_0000
      pos += lenBytes
      if (len > size - pos)
        throw new FormatError(`${what}: item ${i} length ${len} runs past the end of the file`, pos)
      pos += len
    }
    this.pos = pos
    this.buf = buf
    this.bufStart = start
  }

  skip(n: number, what: string): void {
    if (!Number.isSafeInteger(n) || n < 0 || n > this.remaining) {
      throw new FormatError(
        `${what}: skips ${n} bytes at ${this.pos}, only ${this.remaining} left`,
        this.pos,
      )
    }
    this.pos += n
  }

  private view(n: number, what: string): DataView {
    const b = this.take(n, what)
    return new DataView(b.buffer, b.byteOffset, n)
  }

  u8(what: string): number {
    return this.view(1, what).getUint8(0)
  }
  u16(what: string): number {
    return this.view(2, what).getUint16(0, true)
  }
  u32(what: string): number {
    return this.view(4, what).getUint32(0, true)
  }
  i32(what: string): number {
    return this.view(4, what).getInt32(0, true)
  }
  /** u64 as a number; values above 2^53 are rejected (no file we can read is that large). */
  u64(what: string): number {
    const v = this.view(8, what).getBigUint64(0, true)
    if (v > BigInt(Number.MAX_SAFE_INTEGER))
      throw new FormatError(`${what}: value ${v} is absurd`, this.pos - 8)
    return Number(v)
  }
  i64(what: string): bigint {
    return this.view(8, what).getBigInt64(0, true)
  }
  f32(what: string): number {
    return this.view(4, what).getFloat32(0, true)
  }
  f64(what: string): number {
    return this.view(8, what).getFloat64(0, true)
  }
}

/**
 * The UTF-8 text of `length` bytes at `at`, decoded in chunks (invalid bytes become U+FFFD) so
 * a long value is analysed without ever being held whole. Checks `signal` between chunks.
 */
export function* textChunks(
  src: ByteSource,
  at: number,
  length: number,
  signal?: CancelSignal,
  chunkBytes = 1 << 20,
): Generator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })
  const end = Math.min(src.size, at + length)
  for (let pos = at; pos < end; pos += chunkBytes) {
    throwIfCancelled(signal)
    const b = src.read(pos, Math.min(chunkBytes, end - pos))
    if (b.length === 0) break
    yield decoder.decode(b, { stream: true })
  }
  const tail = decoder.decode()
  if (tail) yield tail
}
