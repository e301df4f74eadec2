/**
 * Item size in bytes of a numpy type character plus its count (`<f4` is `f`, 4; `<U10` is `U`, 10),
 * shared by the .npy header parser and joblib's pickled dtypes. Undefined when it cannot be told.
 */
export function npyTypeItemsize(kind: string, n: number): number | undefined {
  switch (kind) {
    case '?':
      return 1
    case 'b':
    case 'B':
      return n || 1
    case 'U':
      return 4 * n
    case 'M':
    case 'm':
      return n || 8
    default:
      return n > 0 ? n : undefined
  }
}

/** NumPy type names that mean "Python object" (`np.dtype('object_')` is an object array). */
const OBJECT_NAMES: ReadonlySet<string> = new Set(['O', 'object', 'object_', 'object0'])

/** Fixed-size type names NumPy accepts in a dtype string, with their item sizes. */
const NAMED_SIZES: Readonly<Record<string, number>> = {
  bool: 1,
  bool_: 1,
  int8: 1,
  uint8: 1,
  byte: 1,
  ubyte: 1,
  int16: 2,
  uint16: 2,
  short: 2,
  ushort: 2,
  float16: 2,
  half: 2,
  int32: 4,
  uint32: 4,
  intc: 4,
  uintc: 4,
  float32: 4,
  single: 4,
  int64: 8,
  uint64: 8,
  int_: 8,
  uint: 8,
  intp: 8,
  uintp: 8,
  longlong: 8,
  ulonglong: 8,
  float64: 8,
  double: 8,
  float_: 8,
  complex64: 8,
  csingle: 8,
  complex128: 16,
  cdouble: 16,
  complex_: 16,
  longdouble: 16,
  float128: 16,
  clongdouble: 32,
  complex256: 32,
}

export type DtypeFacts = Readonly<{
  /** Some field, at any depth, holds Python objects: the payload is a pickle. */
  object: boolean
  /** Bytes per array element, when it can be told. */
  itemsize?: number
}>

/**
 * One NumPy dtype string as `np.dtype(s)` reads it: comma-separated fields (`'i4,O'`), each with
 * an optional sub-array shape (`'(2,3)O'`, `'3O'`), byte order, and a type code or name. A field
 * that cannot be read counts as an object when it names one anywhere (never a silent pass).
 */
export function dtypeStringFacts(s: string): DtypeFacts {
  const parts = s.split(',')
  // `'(2,3)i4'` splits inside its shape: glue parenthesised pieces back together.
  const fields: string[] = []
  for (const p of parts) {
    const last = fields[fields.length - 1]
    if (last !== undefined && last.split('(').length > last.split(')').length) {
      fields[fields.length - 1] = `${last},${p}`
    } else fields.push(p)
  }
  let object = false
  let total: number | undefined = 0
  for (const raw of fields) {
    const f = raw.trim()
    const m =
      /^(?:\(([\d,\s]*)\)|(\d+))?\s*([<>|=!]?)\s*([A-Za-z_?][A-Za-z0-9_]*)(\[[A-Za-z0-9]+\])?$/.exec(
        f,
      )
    if (!m) {
      if (/O|object/.test(f)) object = true
      total = undefined
      continue
    }
    let count = 1
    const dims = m[1] !== undefined ? m[1].split(',') : m[2] !== undefined ? [m[2]] : []
    for (const d of dims) if (d.trim() !== '') count *= Number(d.trim())
    const name = m[4]!
    const code = /^([A-Za-z?])(\d*)$/.exec(name)
    if (OBJECT_NAMES.has(name) || (code && code[1] === 'O')) {
      object = true
      if (total !== undefined) total += 8 * count
      continue
    }
    let size: number | undefined
    if (NAMED_SIZES[name] !== undefined) size = NAMED_SIZES[name]
    else if (code) size = npyTypeItemsize(code[1]!, code[2] ? Number(code[2]) : 0)
    if (size === undefined || total === undefined) total = undefined
    else total += size * count
  }
  return { object, itemsize: total }
}
