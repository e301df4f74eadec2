import { constants } from 'node:os'

/**
 * The listing format the helper Worker (helper.ts) answers in: for each directory of a batch, in order, its entries as "<type><name>\0" (type
 * 'f' regular file, 'd' directory, 'o' anything else, symlinks included), then "/\0"; or only
 * "/<code>\0" when the directory could not be read, where the code is an errno name (EACCES) or
 * number. NUL and '/' never occur in a file name.
 */
export const TYPE_FILE = 0x66 // 'f'
export const TYPE_DIR = 0x64 // 'd'
const END = 0x2f // '/'

const ERRNO_NAMES = new Map<number, string>(
  Object.entries(constants.errno).map(([name, n]) => [n, name] as const),
)

function codeOf(raw: string): string {
  if (!/^\d+$/.test(raw)) return raw
  return ERRNO_NAMES.get(Number(raw)) ?? `errno ${raw}`
}

export type ListingVisitor = Readonly<{
  /** Called once per readable directory, before its entries. */
  dir(dir: string): void
  entry(name: string, type: number): void
  failed(dir: string, code: string): void
}>

/**
 * Walks a batch's listing. A listing cut short (which neither reader produces) fails the
 * directories it does not cover, so none of them is silently dropped.
 */
export function readListing(dirs: readonly string[], s: string, v: ListingVisitor): number {
  let pos = 0
  let entries = 0
  for (let d = 0; d < dirs.length; d++) {
    const dir = dirs[d]!
    let end = s.indexOf('\0', pos)
    if (end < 0) {
      v.failed(dir, 'EIO')
      continue
    }
    if (s.charCodeAt(pos) === END && end > pos + 1) {
      v.failed(dir, codeOf(s.slice(pos + 1, end)))
      pos = end + 1
      continue
    }
    v.dir(dir)
    while (end >= 0 && s.charCodeAt(pos) !== END) {
      v.entry(s.slice(pos + 1, end), s.charCodeAt(pos))
      entries++
      pos = end + 1
      end = s.indexOf('\0', pos)
    }
    if (end >= 0) pos = end + 1
  }
  return entries
}
