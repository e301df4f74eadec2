import type { Node } from 'jsonc-parser'

/**
 * Line lookups for config files that hold many entries (a `~/.claude.json` may list thousands of
 * MCP servers and may be 32 MiB). Counting lines from offset 0, or searching the whole file, once
 * per entry or per value made a scan O(entries × file size): minutes for one file. Here the line
 * starts are indexed once (offset → line by binary search), searches stay inside the entry that
 * holds the value and a window of SEARCH_WINDOW characters, and all searches of one file share a
 * budget proportional to its size; once it is spent a value gets its entry's line instead.
 */

/** Most characters one value search looks at past its start (entries are far smaller). */
export const SEARCH_WINDOW = 64 * 1024

/** Search budget per file: this many times its length, plus SEARCH_SLACK (linear in the file). */
const BUDGET_FACTOR = 4
const SEARCH_SLACK = 1024 * 1024

let work = 0

/**
 * Characters indexed or searched by every LineIndex since the last reset: a test hook that
 * checks the work stays linear in the file size, without timing anything.
 */
export function lineWork(): number {
  return work
}

export function resetLineWork(): void {
  work = 0
}

export class LineIndex {
  private readonly starts: number[] = [0]
  private budget: number

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1)
    work += text.length
    this.budget = BUDGET_FACTOR * text.length + SEARCH_SLACK
  }

  /** 1-based line of a character offset. */
  lineAt(offset: number): number {
    let lo = 0
    let hi = this.starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.starts[mid]! <= offset) lo = mid
      else hi = mid - 1
    }
    return lo + 1
  }

  /**
   * Offset of `needle` in [from, end), looking at no more than SEARCH_WINDOW characters and
   * charging what it looked at to the file's budget; -1 when absent or the budget is spent.
   */
  find(needle: string, from: number, end = this.text.length, window = SEARCH_WINDOW): number {
    if (needle.length === 0 || this.budget <= 0) return -1
    const stop = Math.min(end, this.text.length, from + window + needle.length)
    if (stop - from < needle.length) return -1
    const i = this.text.slice(from, stop).indexOf(needle)
    const looked = i < 0 ? stop - from : i + needle.length
    this.budget -= looked
    work += looked
    return i < 0 ? -1 : from + i
  }

  /**
   * Offset of a value's text, as written or JSON-escaped, in [from, end); -1 when neither occurs
   * there (within the window and budget).
   */
  findValue(value: string, from: number, end = this.text.length, window = SEARCH_WINDOW): number {
    const i = this.find(value, from, end, window)
    if (i >= 0) return i
    const escaped = JSON.stringify(value).slice(1, -1)
    return escaped === value ? -1 : this.find(escaped, from, end, window)
  }

  /** 1-based line of a value's text in [from, end), or `fallback` when it is not found there. */
  valueLine(value: string, from: number, end: number, fallback: number): number {
    const i = this.findValue(value, from, end)
    return i < 0 ? fallback : this.lineAt(i)
  }

  private cursor = 0

  /**
   * 1-based line of a value anywhere in the file, or `fallback`: searched from where the previous
   * `seekLine` found its value (a map's entries are written in document order), then from the top.
   * Unwindowed, but charged to the budget like every search.
   */
  seekLine(value: string, fallback: number): number {
    let i = this.findValue(value, this.cursor, this.text.length, Infinity)
    if (i < 0 && this.cursor > 0) i = this.findValue(value, 0, this.cursor + value.length, Infinity)
    if (i < 0) return fallback
    this.cursor = i + 1
    return this.lineAt(i)
  }
}

/**
 * Finds nodes of a jsonc-parser tree by key path. jsonc's findNodeAtLocation scans an object's
 * properties in order for each lookup, so looking up every server of a map is quadratic; this
 * indexes each object's keys once, on first use (the first property of a duplicated key wins, as
 * with findNodeAtLocation).
 */
export class NodeFinder {
  private readonly keys = new WeakMap<Node, Map<string, Node>>()

  constructor(private readonly root: Node | undefined) {}

  find(path: readonly (string | number)[]): Node | undefined {
    let node = this.root
    for (const seg of path) {
      if (!node) return undefined
      if (typeof seg === 'number') {
        node = node.type === 'array' ? node.children?.[seg] : undefined
        continue
      }
      if (node.type !== 'object') return undefined
      node = this.keysOf(node).get(seg)
    }
    return node
  }

  private keysOf(obj: Node): Map<string, Node> {
    let map = this.keys.get(obj)
    if (map) return map
    map = new Map()
    for (const p of obj.children ?? []) {
      const [k, v] = p.children ?? []
      if (p.type === 'property' && k && v && typeof k.value === 'string' && !map.has(k.value))
        map.set(k.value, v)
    }
    this.keys.set(obj, map)
    return map
  }
}
