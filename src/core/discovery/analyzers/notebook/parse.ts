/** A parsed notebook reduced to what the checks need, with cell lines mapped to .ipynb file lines. */
export type NotebookCell = Readonly<{
  index: number
  type: string
  lines: readonly string[]
  /** File line (1-based) of each source line, when it could be located in the raw JSON. */
  fileLines: readonly (number | undefined)[]
}>

export type ParsedNotebook = Readonly<{
  nbformat?: number
  kernel: Readonly<{ name?: string; displayName?: string; language?: string }>
  cells: readonly NotebookCell[]
}>

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function s(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined
}

/** nbformat stores source as a string or a list of strings that each keep their trailing newline. */
function sourceChunks(src: unknown): string[] {
  if (typeof src === 'string') return [src]
  if (Array.isArray(src)) return src.filter((x): x is string => typeof x === 'string')
  return []
}

/** Offsets of line starts, for offset → line lookups by binary search. */
function lineStarts(text: string): number[] {
  const starts = [0]
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return starts
}

function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0
  let hi = starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if ((starts[mid] ?? 0) <= offset) lo = mid
    else hi = mid - 1
  }
  return lo + 1
}

/**
 * Deepest JSON nesting a notebook may have. Real notebooks nest about ten levels (cells → outputs
 * → data → metadata); JSON.parse has no depth limit, and a 20 MiB file of `[[[…]]]` (under the
 * size cap) parses into millions of nested arrays, over 1 GB of memory.
 */
export const MAX_NOTEBOOK_DEPTH = 64

/** A notebook that parses as JSON but is not one (too deep, no nbformat, malformed cells). */
export class InvalidNotebook extends Error {}

/**
 * Throws InvalidNotebook when brackets outside strings nest deeper than MAX_NOTEBOOK_DEPTH: one
 * linear pass over the text that stops at the first level too many, before anything is allocated.
 */
export function checkNotebookDepth(text: string): void {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // backslash: the next character is escaped
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_NOTEBOOK_DEPTH)
        throw new InvalidNotebook(`JSON nests deeper than ${MAX_NOTEBOOK_DEPTH} levels`)
    } else if (c === 0x5d || c === 0x7d) depth--
  }
}

const isSource = (v: unknown): boolean =>
  typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))

/**
 * The raw cells of a notebook whose structure is what Jupyter writes: a numeric nbformat and an
 * array of cell objects, each with a string cell_type and a string or string[] source (`input`
 * for nbformat 3 code cells, whose cells sit in `worksheets`). Throws InvalidNotebook otherwise.
 */
function validCells(doc: Record<string, unknown>): unknown[] {
  if (typeof doc.nbformat !== 'number') throw new InvalidNotebook('no numeric nbformat')
  let cells: unknown[]
  if (Array.isArray(doc.cells)) cells = doc.cells
  else if (doc.nbformat < 4 && Array.isArray(doc.worksheets)) {
    cells = []
    for (const w of doc.worksheets) {
      if (!isRecord(w) || !Array.isArray(w.cells))
        throw new InvalidNotebook('a worksheet has no cells array')
      cells.push(...(w.cells as unknown[]))
    }
  } else throw new InvalidNotebook('no cells array')
  cells.forEach((c, i) => {
    if (!isRecord(c) || typeof c.cell_type !== 'string')
      throw new InvalidNotebook(`cell ${i + 1} is not a cell object with a cell_type`)
    if (!isSource(c.source) && !isSource(c.input))
      throw new InvalidNotebook(`cell ${i + 1} has no string or string[] source`)
  })
  return cells
}

const SOURCE_KEY = /(?<!\\)"(?:source|input)"\s*:/g

/**
 * Parses notebook JSON (nbformat 4, and nbformat 3 worksheets). Source lines are located in the raw
 * text by searching, in document order, for each chunk's JSON encoding after the cell's `"source":`
 * key; a chunk that cannot be found (unusual escaping) simply has no file line. Throws on invalid
 * JSON, and InvalidNotebook on JSON nested too deep or not shaped as a notebook (the caller
 * reports both).
 */
export function parseNotebook(text: string): ParsedNotebook {
  checkNotebookDepth(text)
  const doc: unknown = JSON.parse(text)
  if (!isRecord(doc)) throw new InvalidNotebook('notebook JSON is not an object')
  const meta = isRecord(doc.metadata) ? doc.metadata : {}
  const ks = isRecord(meta.kernelspec) ? meta.kernelspec : {}
  const li = isRecord(meta.language_info) ? meta.language_info : {}
  const rawCells = validCells(doc)
  const starts = lineStarts(text)
  let cursor = 0
  const cells: NotebookCell[] = []
  rawCells.forEach((c, index) => {
    if (!isRecord(c)) return
    const chunks = sourceChunks(c.source ?? c.input)
    SOURCE_KEY.lastIndex = cursor
    const key = chunks.length > 0 ? SOURCE_KEY.exec(text) : null
    let pos = key ? key.index : -1
    const lines: string[] = []
    const fileLines: (number | undefined)[] = []
    for (const chunk of chunks) {
      let at = -1
      if (pos >= 0) {
        at = text.indexOf(JSON.stringify(chunk), pos)
        if (at >= 0) pos = at + 1
      }
      // One chunk may hold several lines (string-form source): they share its JSON line unless the
      // file is a one-line notebook, where the chunk's own offsets are still on that line.
      const parts = chunk.split('\n')
      if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop()
      for (const p of parts) {
        lines.push(p)
        fileLines.push(at >= 0 ? lineAt(starts, at) : undefined)
      }
    }
    if (pos > cursor) cursor = pos
    cells.push({ index, type: s(c.cell_type) ?? 'code', lines, fileLines })
  })
  return {
    nbformat: typeof doc.nbformat === 'number' ? doc.nbformat : undefined,
    kernel: {
      name: s(ks.name),
      displayName: s(ks.display_name),
      language: s(ks.language) ?? s(li.name),
    },
    cells,
  }
}
