import { dtypeStringFacts, npyTypeItemsize } from '../npy-dtype'
import type { TextOf } from './gadgets'
import type { V } from './values'
import { T } from './values'

/** What follows a joblib NumpyArrayWrapper BUILD in the stream. */
export type JoblibArraySpan =
  | Readonly<{ kind: 'object' }>
  | Readonly<{ kind: 'raw'; bytes: number; padded: boolean }>
  | Readonly<{ kind: 'unknown'; reason: string }>

function dictGet(text: TextOf, d: V, key: string): V | undefined {
  if (typeof d === 'number' || d.t !== T.Dict || !d.kv) return undefined
  for (let i = 0; i + 1 < d.kv.length; i += 2) if (text(d.kv[i]!) === key) return d.kv[i + 1]
  return undefined
}

/** Item size of a symbolic `numpy.dtype(descr, ...)` call (elsize from its BUILD state wins). */
export function dtypeItemsize(text: TextOf, dtype: V): number | 'object' | undefined {
  if (typeof dtype === 'number' || dtype.t !== T.Call) return undefined
  const args = dtype.args
  const first = typeof args !== 'number' && args.t === T.Tuple ? args.items[0] : undefined
  const descr = first === undefined ? undefined : text(first)
  if (descr === undefined) return undefined
  const st = dtype.state
  const elsize =
    st !== undefined && typeof st !== 'number' && st.t === T.Tuple ? st.items[5] : undefined
  // Every spelling of an object dtype (`O8`, `object`, a structured dtype with an object field).
  if (dtypeStringFacts(descr).object) return 'object'
  const m = /^[<>|=]?([a-zA-Z?])(\d*)/.exec(descr)
  if (!m) return undefined
  const kind = m[1]!
  const n = m[2] ? Number(m[2]) : 0
  if (typeof elsize === 'number' && elsize > 0) return elsize
  return npyTypeItemsize(kind, n)
}

/**
 * joblib writes the raw array right after the wrapper's BUILD: alignment padding when the
 * state's numpy_array_alignment_bytes is a number (one length byte + that many bytes), then
 * shape x itemsize bytes; object arrays are a nested pickle instead (no padding).
 */
export function joblibArraySpan(text: TextOf, state: V): JoblibArraySpan {
  const shape = dictGet(text, state, 'shape')
  const dtype = dictGet(text, state, 'dtype')
  const align = dictGet(text, state, 'numpy_array_alignment_bytes')
  const itemsize = dtype === undefined ? undefined : dtypeItemsize(text, dtype)
  if (itemsize === 'object') return { kind: 'object' }
  if (
    shape === undefined ||
    typeof shape === 'number' ||
    shape.t !== T.Tuple ||
    itemsize === undefined
  ) {
    return {
      kind: 'unknown',
      reason:
        'joblib array wrapper without a readable shape and dtype; the array bytes cannot be skipped',
    }
  }
  if (shape.count !== shape.items.length)
    return { kind: 'unknown', reason: 'joblib array shape has too many dimensions' }
  let count = 1
  for (const d of shape.items) {
    if (typeof d !== 'number' || d < 0)
      return { kind: 'unknown', reason: 'joblib array shape is not a tuple of sizes' }
    count *= d
  }
  return { kind: 'raw', bytes: count * itemsize, padded: typeof align === 'number' }
}
