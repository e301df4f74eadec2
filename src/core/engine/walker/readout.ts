import { constants } from 'node:os'

/**
 * The listing format the helper Worker (helper.ts) answers in: for each directory of a batch, in order, its entries as "<type><name>\0" (type
 * 'f' regular file, 'd' directory, 'o' anything else, symlinks included), then "/\0"; or only
 * "/<code>\0" when the directory could not be read, where the code is an errno name (EACCES) or
 * number; or "/+\0" for a folder too big to answer in one listing (the caller reads it itself, in
 * slices under back-pressure), "/-\0" for one the helper left for later (its answer was full).
 * NUL and '/' never occur in a file name.
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
  /** A folder not listed: `own` the caller reads it itself (too big), else it is queued again. */
  back(dir: string, own: boolean): void
}>

const OWN = 0x2b // '+'
const LATER = 0x2d // '-'

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
    if (s.charCodeAt(pos) === END && end === pos + 2) {
      const c = s.charCodeAt(pos + 1)
      if (c === OWN || c === LATER) {
        v.back(dir, c === OWN)
        pos = end + 1
        continue
      }
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

export type SubtreeVisitor = Readonly<{
  /** A file the caller wants (FileInterest). */
  file(path: string): void
  /** A folder the reader did not reach: the caller queues it again. */
  pending(dir: string): void
  /** A folder too big for one answer: the caller reads it itself, in slices. */
  own(dir: string): void
  failed(dir: string, code: string): void
  counted(files: number, dirs: number, pruned: Readonly<Record<string, number>>): void
}>

/**
 * Walks a subtree answer (helper.ts): NUL-separated records, "F<path>" a wanted file,
 * "E<code>/<dir>" a folder that could not be read (errno codes hold no '/'), "P<dir>" a folder
 * not reached, "B<dir>" a folder too big for one answer (the caller reads it itself), and last "S<dirs>,<files>,<JSON of skipped folders by rule>", where files counts
 * the regular files not sent. An answer without
 * its counts is not one the helper wrote: it is refused whole, before anything is visited.
 */
export function readSubtreeAnswer(s: string, v: SubtreeVisitor): void {
  const tail = s.lastIndexOf('\0') + 1
  const counts = /^S(\d+),(\d+),(\{.*\})$/.exec(s.slice(tail))
  if (!counts) throw new Error('side reader answer without its counts')
  const pruned = JSON.parse(counts[3]!) as Record<string, number>
  let pos = 0
  while (pos < tail) {
    const end = s.indexOf('\0', pos)
    const kind = s.charCodeAt(pos)
    const text = s.slice(pos + 1, end)
    if (kind === 0x46 /* F */) v.file(text)
    else if (kind === 0x50 /* P */) v.pending(text)
    else if (kind === 0x42 /* B */) v.own(text)
    else if (kind === 0x45 /* E */) {
      const cut = text.indexOf('/')
      v.failed(text.slice(cut + 1), codeOf(text.slice(0, cut)))
    }
    pos = end + 1
  }
  v.counted(Number(counts[2]), Number(counts[1]), pruned)
}
