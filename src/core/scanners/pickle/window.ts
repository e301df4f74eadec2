import type { ByteSource } from '../byte-source'

/**
 * Read windows: sequential parsing reads 1 MiB chunks; the first read after a skipped payload
 * reads a small window, so a file of large payloads costs one small read per opcode, not a
 * chunk per payload.
 */
const CHUNK = 1 << 20
const SMALL_CHUNK = 4096
/** Raised for malformed input: the reason becomes the `invalid` text, findings are kept. */
export class PickleError extends Error {
  constructor(
    message: string,
    readonly at: number,
    readonly truncated = false,
    /** A resource limit (stack, memo) stopped the machine: the input may still be valid. */
    readonly limit = false,
  ) {
    super(message)
  }
}

/**
 * Bounded, windowed reads over a ByteSource for the pickle machine: opcodes are parsed from the
 * current window, payloads are skipped by moving `pos` (never read), and only the bytes a rule
 * needs (module names, getattr arguments) are decoded.
 */
export class ByteWindow {
  protected buf: Uint8Array = new Uint8Array(0)
  protected base = 0
  protected end = 0
  pos: number
  protected readonly size: number

  constructor(
    protected readonly src: ByteSource,
    start: number,
  ) {
    this.pos = start
    this.size = src.size
  }

  protected refill(n: number): void {
    const want = Math.max(this.pos === this.end ? CHUNK : SMALL_CHUNK, n)
    this.buf = this.src.read(this.pos, want)
    this.base = this.pos
    this.end = this.pos + this.buf.length
    if (this.buf.length < n) throw new PickleError('stream ends inside an opcode', this.pos, true)
  }

  protected u8(): number {
    if (this.pos >= this.end) this.refill(1)
    return this.buf[this.pos++ - this.base]!
  }

  protected ensure(n: number): void {
    if (this.pos + n > this.end) this.refill(n)
  }

  protected u16(): number {
    this.ensure(2)
    const i = this.pos - this.base
    this.pos += 2
    return this.buf[i]! | (this.buf[i + 1]! << 8)
  }

  protected u32(): number {
    this.ensure(4)
    const b = this.buf
    const i = this.pos - this.base
    this.pos += 4
    return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16)) + b[i + 3]! * 0x1000000
  }

  protected i32(): number {
    this.ensure(4)
    const b = this.buf
    const i = this.pos - this.base
    this.pos += 4
    return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)
  }

  /** u64 as a JS number; values beyond 2^53 are returned as Infinity (always out of bounds). */
  protected u64(): number {
    const lo = this.u32()
    const hi = this.u32()
    return hi >= 0x200000 ? Infinity : hi * 0x100000000 + lo
  }

  /** Skips a payload without reading it (BINBYTES, BYTEARRAY8, long strings, joblib arrays). */
  protected skip(n: number, what: string): void {
    if (!(n >= 0) || this.pos + n > this.size) {
      throw new PickleError(`${what} length ${n} runs past the end of the data`, this.pos, true)
    }
    this.pos += n
  }

  /** Bytes [at, at+n) as a view (from the window when possible, else a bounded read). */
  protected bytesAt(at: number, n: number): Uint8Array {
    if (at >= this.base && at + n <= this.end)
      return this.buf.subarray(at - this.base, at - this.base + n)
    return this.src.read(at, n)
  }

  /** Finds the next newline; returns the line's [start, length) and moves past it. */
  protected line(maxLen: number): { start: number; len: number } {
    const start = this.pos
    for (;;) {
      if (this.pos >= this.end) this.refill(1)
      const i = this.pos - this.base
      const j = this.buf.indexOf(0x0a, i)
      if (j >= 0) {
        const len = this.base + j - start
        this.pos = this.base + j + 1
        if (len > maxLen) throw new PickleError('text operand too long', start)
        return { start, len }
      }
      this.pos = this.end
      if (this.pos - start > maxLen) throw new PickleError('text operand too long', start)
    }
  }

  protected lineText(maxLen: number): string {
    const { start, len } = this.line(maxLen)
    return Buffer.from(this.bytesAt(start, len)).toString('latin1')
  }
}
