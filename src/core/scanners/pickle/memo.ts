import type { V } from './values'
import { memoWorthy, OTHER, T } from './values'

const KIND_UNSET = 0
const KIND_OTHER = 1
const KIND_STR = 2
const KIND_OBJ = 3

/** Dense memo indices above this go to a sparse map (LONG_BINPUT can name any u32). */
const DENSE_MAX = 1 << 26
/** Sparse entries are capped: a pickle that PUTs millions of scattered keys is a resource attack. */
const SPARSE_MAX = 1_000_000
/** Dense slots live in fixed pages allocated on first use: no copying on growth, no 2x peaks. */
const PAGE_BITS = 16
const PAGE = 1 << PAGE_BITS

type Page = { kinds: Uint8Array; offs: Uint32Array | Float64Array }

/**
 * The pickle memo without holding every value: most entries (lists, dicts, numbers) are a kind
 * byte; strings keep only their opcode offset (decoded again on GET; 4 bytes for files under
 * 4 GiB); globals, calls and decoded strings are kept as objects. Memory stays about 5 bytes per
 * entry on huge benign files.
 */
export class Memo {
  private readonly pages: (Page | undefined)[] = []
  private readonly objs = new Map<number, V>()
  private readonly sparse = new Map<number, V | number>()
  private readonly denseCap: number
  private readonly wideOffsets: boolean
  /** Distinct slots stored (MEMOIZE uses it as the next index, like len(memo) in CPython). */
  count = 0

  constructor(sourceSize: number) {
    // Each PUT costs at least one byte, so a dense index beyond the file size is never sequential.
    this.denseCap = Math.min(DENSE_MAX, Math.max(1024, sourceSize + 1))
    this.wideOffsets = sourceSize >= 0xffffffff
  }

  private page(idx: number): Page {
    const p = idx >>> PAGE_BITS
    let pg = this.pages[p]
    if (!pg) {
      pg = {
        // A small pickle (most of them) can only index a small page: no 320 KiB to zero.
        kinds: new Uint8Array(Math.min(PAGE, this.denseCap)),
        offs: this.wideOffsets
          ? new Float64Array(Math.min(PAGE, this.denseCap))
          : new Uint32Array(Math.min(PAGE, this.denseCap)),
      }
      this.pages[p] = pg
    }
    return pg
  }

  /** Returns false when the memo is over its limits (caller reports a resource finding). */
  put(idx: number, v: V): boolean {
    if (idx < this.denseCap) {
      const pg = this.page(idx)
      const i = idx & (PAGE - 1)
      if (pg.kinds[i] === KIND_UNSET) this.count++
      else if (pg.kinds[i] === KIND_OBJ) this.objs.delete(idx)
      if (typeof v !== 'number' && v.t === T.Str && v.v === undefined) {
        pg.kinds[i] = KIND_STR
        pg.offs[i] = v.op
      } else if (memoWorthy(v)) {
        pg.kinds[i] = KIND_OBJ
        this.objs.set(idx, v)
      } else {
        pg.kinds[i] = KIND_OTHER
      }
      return true
    }
    if (!this.sparse.has(idx)) {
      if (this.sparse.size >= SPARSE_MAX) return false
      this.count++
    }
    if (typeof v !== 'number' && v.t === T.Str && v.v === undefined) this.sparse.set(idx, -1 - v.op)
    else this.sparse.set(idx, memoWorthy(v) ? v : OTHER)
    return true
  }

  /**
   * Looks an entry up. Strings come back as `{strAt}` for the machine to re-decode, then are
   * cached as objects so repeated GETs of a dict key cost one decode.
   */
  get(idx: number): V | { strAt: number } | undefined {
    if (idx < this.denseCap) {
      const pg = this.pages[idx >>> PAGE_BITS]
      if (!pg) return undefined
      const i = idx & (PAGE - 1)
      switch (pg.kinds[i]) {
        case KIND_UNSET:
          return undefined
        case KIND_OTHER:
          return OTHER
        case KIND_STR:
          return { strAt: pg.offs[i]! }
        default:
          return this.objs.get(idx) ?? OTHER
      }
    }
    const s = this.sparse.get(idx)
    if (s === undefined) return undefined
    if (typeof s === 'number') return { strAt: -1 - s }
    return s
  }

  /** Caches a decoded string for a memo slot. */
  cache(idx: number, v: V): void {
    if (idx < this.denseCap) {
      const pg = this.pages[idx >>> PAGE_BITS]
      if (!pg) return
      pg.kinds[idx & (PAGE - 1)] = KIND_OBJ
      this.objs.set(idx, v)
    }
  }
}
