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

const SOURCE_KEY = /(?<!\\)"(?:source|input)"\s*:/g

/**
 * Parses notebook JSON (nbformat 4, and nbformat 3 worksheets). Source lines are located in the raw
 * text by searching, in document order, for each chunk's JSON encoding after the cell's `"source":`
 * key; a chunk that cannot be found (unusual escaping) simply has no file line. Throws on invalid
 * JSON (the caller reports it).
 */
export function parseNotebook(text: string): ParsedNotebook {
  const doc: unknown = JSON.parse(text)
  if (!isRecord(doc)) throw new Error('notebook JSON is not an object')
  const meta = isRecord(doc.metadata) ? doc.metadata : {}
  const ks = isRecord(meta.kernelspec) ? meta.kernelspec : {}
  const li = isRecord(meta.language_info) ? meta.language_info : {}
  const rawCells: unknown[] = Array.isArray(doc.cells)
    ? doc.cells
    : Array.isArray(doc.worksheets)
      ? doc.worksheets.flatMap((w) => (isRecord(w) && Array.isArray(w.cells) ? w.cells : []))
      : []
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
