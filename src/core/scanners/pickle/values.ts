/**
 * Symbolic values of the pickle machine. Nothing is ever executed or materialised: a value is
 * only as detailed as the rules need. Ints are plain JS numbers (joblib array shapes need them);
 * strings keep their byte range and are decoded on demand (module/name operands, getattr args).
 */

export const enum T {
  Other = 0,
  Global = 1,
  Call = 2,
  Str = 3,
  Tuple = 4,
  Dict = 5,
}

export type OtherV = Readonly<{ t: T.Other; what: string }>

export type GlobalV = Readonly<{
  t: T.Global
  module: string
  name: string
  off: number
  /** True when the import was judged safe (allow tier). */
  allowed: boolean
}>

export type CallV = {
  readonly t: T.Call
  readonly fn: V
  readonly args: V
  readonly off: number
  /** BUILD state applied to the result (dtype elsize lives there). */
  state?: V
}

export type StrV = Readonly<{
  t: T.Str
  /** Opcode offset (to re-decode from the memo), data offset and byte length. -1 when `v` is set. */
  op: number
  o: number
  n: number
  /** utf-8 (unicode opcodes) or latin-1 (byte-string opcodes). */
  utf8: boolean
  /** Already-decoded text (protocol-0 quoted strings). */
  v?: string
}>

export type TupleV = Readonly<{ t: T.Tuple; items: readonly V[]; count: number }>

export type DictV = { readonly t: T.Dict; kv: V[] | null }

export type V = number | OtherV | GlobalV | CallV | StrV | TupleV | DictV

export const OTHER: OtherV = { t: T.Other, what: 'object' }
export const NONE: OtherV = { t: T.Other, what: 'None' }
export const BOOL: OtherV = { t: T.Other, what: 'bool' }
export const FLOAT: OtherV = { t: T.Other, what: 'float' }
export const BYTES: OtherV = { t: T.Other, what: 'bytes' }
export const LIST: OtherV = { t: T.Other, what: 'list' }
export const SET: OtherV = { t: T.Other, what: 'set' }
export const PERSISTENT: OtherV = { t: T.Other, what: 'persistent id' }
export const BIGINT: OtherV = { t: T.Other, what: 'int' }

/** Max items of a tuple kept for rules (shapes, call args); the rest are counted only. */
export const TUPLE_KEEP = 64
/** Max key/value pairs of a dict kept (joblib wrapper state). */
export const DICT_KEEP = 32

export function isObj(v: V): v is Exclude<V, number> {
  return typeof v !== 'number'
}

/** Worth keeping in the memo as an object (everything else is stored as a kind byte only). */
export function memoWorthy(v: V): boolean {
  if (typeof v === 'number') return false
  switch (v.t) {
    case T.Global:
    case T.Call:
      return true
    case T.Str:
      return v.v !== undefined
    case T.Tuple:
      return v.items.some(
        (x) => typeof x !== 'number' && (x.t === T.Global || x.t === T.Call || x.t === T.Str),
      )
    case T.Dict:
    case T.Other:
      return false
  }
}
