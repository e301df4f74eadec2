import type { ByteSource } from '../byte-source'
import type { CancelSignal } from '../types'
import { throwIfCancelled } from '../types'
import type { FindingSink } from './findings'
import { checkStateKeys, checkTarget, judgeCall, judgeImport } from './gadgets'
import { joblibArraySpan } from './joblib-array'
import { Memo } from './memo'
import { ByteWindow, PickleError } from './window'
import type { PyDecoded } from './py-text'
import { decodeEscapeBytes, decodeRawUnicodeEscape } from './py-text'
import type { DictV, GlobalV, StrV, V } from './values'
import {
  BIGINT,
  BOOL,
  BYTES,
  DICT_KEEP,
  FLOAT,
  LIST,
  NONE,
  OTHER,
  PERSISTENT,
  SET,
  T,
  TUPLE_KEEP,
} from './values'

/** Longest decoded string (module/name operands, getattr args); longer ones stay undecoded. */
const MAX_DECODE = 4096
/** Longest protocol-0 text line we accept (GLOBAL/INST operands are far shorter). */
const MAX_NAME_LINE = 4096
/** Nested in-stream pickles (joblib object arrays) deeper than this are refused. */
const MAX_NESTED = 8

export { PickleError } from './window'

/** Shared state across the pickles of one stream (findings, whether joblib wrappers were seen). */
export type MachineShared = {
  readonly sink: FindingSink
  joblib: boolean
  /** Maximum stack depth before a resource-limit stop (scaled with the file size). */
  readonly maxStack: number
  readonly signal?: CancelSignal
}

/**
 * The symbolic pickle machine. `runOne` is a single dispatch over every opcode of protocols 0-5,
 * kept in one function on purpose: it is the hot loop (tens of millions of opcodes per second).
 */
export class PickleMachine extends ByteWindow {
  private stack: V[] = []
  private marks: number[] = []
  private readonly memo: Memo

  constructor(
    src: ByteSource,
    start: number,
    private readonly shared: MachineShared,
    private readonly nested = 0,
  ) {
    super(src, start)
    this.memo = new Memo(src.size - start)
  }

  // ---- values -----------------------------------------------------------------------------

  private push(v: V): void {
    if (this.stack.length >= this.shared.maxStack) {
      throw new PickleError(
        `stack deeper than ${this.shared.maxStack} entries`,
        this.pos,
        false,
        true,
      )
    }
    this.stack.push(v)
  }

  private pop(op: string): V {
    const v = this.stack.pop()
    if (v === undefined) throw new PickleError(`${op} on an empty stack`, this.pos - 1)
    return v
  }

  private top(op: string): V {
    const v = this.stack[this.stack.length - 1]
    if (v === undefined) throw new PickleError(`${op} on an empty stack`, this.pos - 1)
    return v
  }

  /** Pops back to the last MARK, returning up to `keep` of the items (and the full count). */
  private popMark(op: string, keep: number): { items: V[]; count: number } {
    const m = this.marks.pop()
    if (m === undefined) throw new PickleError(`${op} without a MARK`, this.pos - 1)
    const count = this.stack.length - m
    const items = keep > 0 ? this.stack.slice(m, m + Math.min(keep, count)) : []
    this.stack.length = m
    return { items, count }
  }

  /** Decodes a string value (bounded); undefined for non-strings and over-long strings. */
  text(v: V): string | undefined {
    if (typeof v === 'number' || v.t !== T.Str) return undefined
    if (v.v !== undefined) return v.v
    if (v.n > MAX_DECODE) return undefined
    const b = Buffer.from(this.bytesAt(v.o, v.n))
    return v.utf8 ? b.toString('utf8') : b.toString('latin1')
  }

  /** `text` bound once, for the rule helpers. */
  private readonly textOf = (v: V): string | undefined => this.text(v)

  private importGlobal(module: string, name: string, off: number): GlobalV {
    return judgeImport(this.shared.sink, module, name, off, (n) => {
      if (n === 'NumpyArrayWrapper' || n === 'NDArrayWrapper') this.shared.joblib = true
    })
  }

  /** Re-decodes a string opcode at `op` (memo GET of a string stored by offset). */
  private strAt(op: number): StrV {
    const h = this.bytesAt(op, 9)
    const code = h[0]
    const le32 = (i: number): number =>
      (h[i]! | (h[i + 1]! << 8) | (h[i + 2]! << 16)) + h[i + 3]! * 0x1000000
    switch (code) {
      case 0x8c: // SHORT_BINUNICODE
        return { t: T.Str, op, o: op + 2, n: h[1]!, utf8: true }
      case 0x55: // SHORT_BINSTRING
        return { t: T.Str, op, o: op + 2, n: h[1]!, utf8: false }
      case 0x58: // BINUNICODE
        return { t: T.Str, op, o: op + 5, n: le32(1), utf8: true }
      case 0x54: // BINSTRING
        return { t: T.Str, op, o: op + 5, n: le32(1), utf8: false }
      case 0x8d: // BINUNICODE8
        return { t: T.Str, op, o: op + 9, n: le32(1) + le32(5) * 0x100000000, utf8: true }
      default:
        return { t: T.Str, op: -1, o: 0, n: 0, utf8: true, v: '' }
    }
  }

  private strOp(op: number, dataOff: number, n: number, utf8: boolean): StrV {
    return { t: T.Str, op, o: dataOff, n, utf8 }
  }

  // ---- joblib in-stream arrays ------------------------------------------------------------

  /** Skips the array joblib wrote after a NumpyArrayWrapper BUILD (never reads its bytes). */
  private afterJoblibBuild(state: V, off: number): void {
    const span = joblibArraySpan(this.textOf, state)
    switch (span.kind) {
      case 'object': {
        if (this.nested >= MAX_NESTED)
          throw new PickleError('joblib object arrays nested too deep', off)
        const sub = new PickleMachine(this.src, this.pos, this.shared, this.nested + 1)
        sub.runOne()
        this.pos = sub.pos
        return
      }
      case 'raw':
        if (span.padded) this.skip(this.u8(), 'joblib alignment padding')
        this.skip(span.bytes, 'joblib array')
        return
      case 'unknown':
        throw new PickleError(span.reason, off)
    }
  }

  // ---- the opcode loop --------------------------------------------------------------------

  /** Runs one pickle up to and including STOP. Throws PickleError for malformed input. */
  runOne(): void {
    const sink = this.shared.sink
    const signal = this.shared.signal
    for (let ops = 1; ; ops++) {
      if ((ops & 0xfffff) === 0) throwIfCancelled(signal)
      if (this.pos >= this.size) throw new PickleError('stream ends before STOP', this.pos, true)
      const at = this.pos
      const op = this.u8()
      switch (op) {
        case 0x80: {
          // PROTO
          const v = this.u8()
          if (v > 5) throw new PickleError(`unsupported pickle protocol ${v}`, at)
          break
        }
        case 0x95: // FRAME: only a length prefix; its contents are ordinary opcodes.
          this.u64()
          break
        case 0x2e: // STOP
          this.pop('STOP')
          return
        case 0x28: // MARK
          this.marks.push(this.stack.length)
          break
        case 0x30: // POP
          if (
            this.stack.length > 0 &&
            (this.marks.length === 0 || this.marks[this.marks.length - 1]! < this.stack.length)
          )
            this.stack.pop()
          else this.popMark('POP', 0)
          break
        case 0x31: // POP_MARK
          this.popMark('POP_MARK', 0)
          break
        case 0x32: // DUP
          this.push(this.top('DUP'))
          break
        // ---- numbers
        case 0x4b: // BININT1
          this.push(this.u8())
          break
        case 0x4d: // BININT2
          this.push(this.u16())
          break
        case 0x4a: // BININT
          this.push(this.i32())
          break
        case 0x8a: {
          // LONG1
          const n = this.u8()
          this.ensure(n)
          let v = 0
          if (n > 0 && n <= 6) {
            const i = this.pos - this.base
            for (let k = n - 1; k >= 0; k--) v = v * 256 + this.buf[i + k]!
            if (this.buf[i + n - 1]! & 0x80) v -= 2 ** (8 * n)
          }
          this.pos += n
          this.push(n <= 6 ? v : BIGINT)
          break
        }
        case 0x8b: // LONG4
          this.skip(this.i32(), 'LONG4')
          this.push(BIGINT)
          break
        case 0x49: // INT
        case 0x4c: {
          // LONG
          const s = this.lineText(MAX_DECODE)
          const n = Number(s.replace(/L$/, ''))
          if (s === '00') this.push(BOOL)
          else if (s === '01') this.push(BOOL)
          else this.push(Number.isFinite(n) ? n : BIGINT)
          break
        }
        case 0x46: // FLOAT
          this.line(MAX_DECODE)
          this.push(FLOAT)
          break
        case 0x47: // BINFLOAT
          this.ensure(8)
          this.pos += 8
          this.push(FLOAT)
          break
        case 0x4e: // NONE
          this.push(NONE)
          break
        case 0x88: // NEWTRUE
        case 0x89: // NEWFALSE
          this.push(BOOL)
          break
        // ---- strings and bytes
        case 0x8c: {
          // SHORT_BINUNICODE
          const n = this.u8()
          const o = this.pos
          this.skip(n, 'SHORT_BINUNICODE')
          this.push(this.strOp(at, o, n, true))
          break
        }
        case 0x58: {
          // BINUNICODE
          const n = this.u32()
          const o = this.pos
          this.skip(n, 'BINUNICODE')
          this.push(this.strOp(at, o, n, true))
          break
        }
        case 0x8d: {
          // BINUNICODE8
          const n = this.u64()
          const o = this.pos
          this.skip(n, 'BINUNICODE8')
          this.push(this.strOp(at, o, n, true))
          break
        }
        case 0x55: {
          // SHORT_BINSTRING
          const n = this.u8()
          const o = this.pos
          this.skip(n, 'SHORT_BINSTRING')
          this.push(this.strOp(at, o, n, false))
          break
        }
        case 0x54: {
          // BINSTRING
          const n = this.i32()
          const o = this.pos
          this.skip(n, 'BINSTRING')
          this.push(this.strOp(at, o, n, false))
          break
        }
        case 0x53: // STRING (protocol 0, quoted)
        case 0x56: {
          // UNICODE (protocol 0, raw-unicode-escape)
          const { start, len } = this.line(Number.MAX_SAFE_INTEGER)
          if (len <= MAX_DECODE) {
            const s = Buffer.from(this.bytesAt(start, len)).toString('latin1')
            let d: PyDecoded
            if (op === 0x53) {
              if (s.length < 2 || (s[0] !== "'" && s[0] !== '"') || s[s.length - 1] !== s[0]) {
                throw new PickleError('STRING operand is not quoted', at)
              }
              d = decodeEscapeBytes(s.slice(1, -1))
            } else d = decodeRawUnicodeEscape(s)
            if (d.error !== undefined) {
              // CPython's load raises here. Reported (never safe) and scanning goes on with the
              // escape kept as written, so a payload placed after the bad escape is still found.
              sink.add(
                'pickle.malformed',
                `${op === 0x53 ? 'STRING' : 'UNICODE'} operand has ${d.error}, which the unpickler rejects`,
                at,
              )
            }
            this.push({ t: T.Str, op: -1, o: 0, n: d.text.length, utf8: true, v: d.text })
          } else this.push(BYTES)
          break
        }
        case 0x43: // SHORT_BINBYTES
          this.skip(this.u8(), 'SHORT_BINBYTES')
          this.push(BYTES)
          break
        case 0x42: // BINBYTES
          this.skip(this.u32(), 'BINBYTES')
          this.push(BYTES)
          break
        case 0x8e: // BINBYTES8
          this.skip(this.u64(), 'BINBYTES8')
          this.push(BYTES)
          break
        case 0x96: // BYTEARRAY8
          this.skip(this.u64(), 'BYTEARRAY8')
          this.push(BYTES)
          break
        case 0x97: // NEXT_BUFFER (out-of-band data; the loader must supply it)
          this.push(BYTES)
          break
        case 0x98: // READONLY_BUFFER
          this.top('READONLY_BUFFER')
          break
        // ---- containers
        case 0x5d: // EMPTY_LIST
          this.push(LIST)
          break
        case 0x6c: // LIST
          this.popMark('LIST', 0)
          this.push(LIST)
          break
        case 0x61: {
          // APPEND
          this.pop('APPEND')
          checkTarget(this.shared.sink, this.top('APPEND'), 'APPEND', at)
          break
        }
        case 0x65: {
          // APPENDS
          this.popMark('APPENDS', 0)
          checkTarget(this.shared.sink, this.top('APPENDS'), 'APPENDS', at)
          break
        }
        case 0x29: // EMPTY_TUPLE
          this.push({ t: T.Tuple, items: [], count: 0 })
          break
        case 0x74: {
          // TUPLE
          const { items, count } = this.popMark('TUPLE', TUPLE_KEEP)
          this.push({ t: T.Tuple, items, count })
          break
        }
        case 0x85: // TUPLE1
          this.push({ t: T.Tuple, items: [this.pop('TUPLE1')], count: 1 })
          break
        case 0x86: {
          // TUPLE2
          const b = this.pop('TUPLE2')
          const a = this.pop('TUPLE2')
          this.push({ t: T.Tuple, items: [a, b], count: 2 })
          break
        }
        case 0x87: {
          // TUPLE3
          const c = this.pop('TUPLE3')
          const b = this.pop('TUPLE3')
          const a = this.pop('TUPLE3')
          this.push({ t: T.Tuple, items: [a, b, c], count: 3 })
          break
        }
        case 0x7d: // EMPTY_DICT
          this.push({ t: T.Dict, kv: null } satisfies DictV)
          break
        case 0x64: {
          // DICT
          const { items, count } = this.popMark('DICT', DICT_KEEP * 2)
          if (count % 2 !== 0) throw new PickleError('DICT with an odd number of items', at)
          this.push({ t: T.Dict, kv: items } satisfies DictV)
          break
        }
        case 0x73: {
          // SETITEM
          const v = this.pop('SETITEM')
          const k = this.pop('SETITEM')
          const d = this.top('SETITEM')
          checkTarget(this.shared.sink, d, 'SETITEM', at)
          if (typeof d !== 'number' && d.t === T.Dict) addPair(d, k, v)
          break
        }
        case 0x75: {
          // SETITEMS
          const { items, count } = this.popMark('SETITEMS', DICT_KEEP * 2)
          if (count % 2 !== 0) throw new PickleError('SETITEMS with an odd number of items', at)
          const d = this.top('SETITEMS')
          checkTarget(this.shared.sink, d, 'SETITEMS', at)
          if (typeof d !== 'number' && d.t === T.Dict) {
            for (let i = 0; i + 1 < items.length; i += 2) addPair(d, items[i]!, items[i + 1]!)
          }
          break
        }
        case 0x8f: // EMPTY_SET
          this.push(SET)
          break
        case 0x90: // ADDITEMS
          this.popMark('ADDITEMS', 0)
          checkTarget(this.shared.sink, this.top('ADDITEMS'), 'ADDITEMS', at)
          break
        case 0x91: // FROZENSET
          this.popMark('FROZENSET', 0)
          this.push(SET)
          break
        // ---- memo
        case 0x70: {
          // PUT
          const s = this.lineText(64)
          const idx = Number(s)
          if (!Number.isInteger(idx) || idx < 0) throw new PickleError('PUT with a bad index', at)
          this.memoPut(idx, at)
          break
        }
        case 0x71: // BINPUT
          this.memoPut(this.u8(), at)
          break
        case 0x72: // LONG_BINPUT
          this.memoPut(this.u32(), at)
          break
        case 0x94: // MEMOIZE
          this.memoPut(this.memo.count, at)
          break
        case 0x67: {
          // GET
          const s = this.lineText(64)
          const idx = Number(s)
          if (!Number.isInteger(idx) || idx < 0) throw new PickleError('GET with a bad index', at)
          this.memoGet(idx, at)
          break
        }
        case 0x68: // BINGET
          this.memoGet(this.u8(), at)
          break
        case 0x6a: // LONG_BINGET
          this.memoGet(this.u32(), at)
          break
        // ---- imports, calls, objects
        case 0x63: {
          // GLOBAL
          const module = this.lineText(MAX_NAME_LINE)
          const name = this.lineText(MAX_NAME_LINE)
          this.push(this.importGlobal(module, name, at))
          break
        }
        case 0x93: {
          // STACK_GLOBAL
          const nameV = this.pop('STACK_GLOBAL')
          const modV = this.pop('STACK_GLOBAL')
          const module = this.text(modV)
          const name = this.text(nameV)
          if (module === undefined || name === undefined) {
            sink.add(
              'pickle.unresolved-import',
              'STACK_GLOBAL imports a name that is not a plain string, so what it loads cannot be known without running it',
              at,
            )
            this.push({ t: T.Global, module: '?', name: '?', off: at, allowed: false })
          } else this.push(this.importGlobal(module, name, at))
          break
        }
        case 0x69: {
          // INST: module/name lines, args from MARK, calls the class
          const module = this.lineText(MAX_NAME_LINE)
          const name = this.lineText(MAX_NAME_LINE)
          const g = this.importGlobal(module, name, at)
          const { items, count } = this.popMark('INST', TUPLE_KEEP)
          this.push(
            judgeCall(this.shared.sink, this.textOf, g, { t: T.Tuple, items, count }, at, 'INST'),
          )
          break
        }
        case 0x6f: {
          // OBJ: MARK cls args... OBJ
          const { items, count } = this.popMark('OBJ', TUPLE_KEEP + 1)
          if (count < 1) throw new PickleError('OBJ without a class', at)
          const cls = items[0]!
          this.push(
            judgeCall(
              this.shared.sink,
              this.textOf,
              cls,
              { t: T.Tuple, items: items.slice(1), count: count - 1 },
              at,
              'OBJ',
            ),
          )
          break
        }
        case 0x52: {
          // REDUCE
          const args = this.pop('REDUCE')
          const fn = this.pop('REDUCE')
          this.push(judgeCall(this.shared.sink, this.textOf, fn, args, at, 'REDUCE'))
          break
        }
        case 0x81: {
          // NEWOBJ
          const args = this.pop('NEWOBJ')
          const cls = this.pop('NEWOBJ')
          this.push(judgeCall(this.shared.sink, this.textOf, cls, args, at, 'NEWOBJ'))
          break
        }
        case 0x92: {
          // NEWOBJ_EX
          this.pop('NEWOBJ_EX')
          const args = this.pop('NEWOBJ_EX')
          const cls = this.pop('NEWOBJ_EX')
          this.push(judgeCall(this.shared.sink, this.textOf, cls, args, at, 'NEWOBJ_EX'))
          break
        }
        case 0x62: {
          // BUILD
          const state = this.pop('BUILD')
          const target = this.top('BUILD')
          checkTarget(this.shared.sink, target, 'BUILD', at)
          if (typeof target !== 'number' && target.t === T.Call) {
            target.state = state
            const fn = target.fn
            if (
              typeof fn !== 'number' &&
              fn.t === T.Global &&
              fn.allowed &&
              fn.name === 'NumpyArrayWrapper'
            ) {
              this.afterJoblibBuild(state, at)
            }
          }
          checkStateKeys(this.shared.sink, this.textOf, state, at)
          break
        }
        case 0x50: // PERSID
          this.line(MAX_NAME_LINE)
          this.push(PERSISTENT)
          break
        case 0x51: // BINPERSID
          this.pop('BINPERSID')
          this.push(PERSISTENT)
          break
        case 0x82: // EXT1
        case 0x83: // EXT2
        case 0x84: {
          // EXT4
          const code = op === 0x82 ? this.u8() : op === 0x83 ? this.u16() : this.i32()
          sink.add(
            'pickle.extension-code',
            `Pickle imports through the copyreg extension registry (code ${code}); what it resolves to depends on the loading process`,
            at,
            `copyreg.extension:${code}`,
          )
          this.push({
            t: T.Global,
            module: 'copyreg',
            name: `extension:${code}`,
            off: at,
            allowed: false,
          })
          break
        }
        default:
          throw new PickleError(`unknown opcode 0x${op.toString(16).padStart(2, '0')}`, at)
      }
    }
  }

  private memoPut(idx: number, at: number): void {
    const v = this.top('PUT')
    if (!this.memo.put(idx, v))
      throw new PickleError('memo has too many scattered entries', at, false, true)
  }

  private memoGet(idx: number, at: number): void {
    const m = this.memo.get(idx)
    if (m === undefined) {
      // The real unpickler stops here with KeyError; keep going so later imports are still seen.
      this.shared.sink.add(
        'pickle.malformed',
        `GET of memo slot ${idx}, which was never stored`,
        at,
      )
      this.push(OTHER)
      return
    }
    if (typeof m !== 'number' && 'strAt' in m) {
      const s = this.strAt(m.strAt)
      this.memo.cache(idx, s)
      this.push(s)
      return
    }
    this.push(m)
  }
}

function addPair(d: DictV, k: V, v: V): void {
  if (d.kv === null) d.kv = []
  if (d.kv.length < DICT_KEEP * 2) d.kv.push(k, v)
}
