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
