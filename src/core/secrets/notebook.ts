import { visit } from 'jsonc-parser'
import type { JSONPath } from 'jsonc-parser'
import type { Candidate } from './matcher'
import { findCandidates, isCommentLine } from './matcher'
import type { SecretWhere } from './types'

/**
 * Notebook scanning. Keys are matched on the raw `.ipynb` text (still JSON-escaped), so line
 * numbers are those of the file and a key followed by `\"` or `\n` still matches (the matcher's
 * boundaries accept escapes). The JSON structure then says where each key sits: a code cell, a
 * markdown cell, an output (stream, execute_result/display_data text, error traceback) or metadata.
 * Base64 image outputs are ignored: random base64 contains key-like runs.
 */

export type NotebookCandidate = Readonly<{ candidate: Candidate; where: SecretWhere | 'skip' }>

type CellTypes = readonly (string | undefined)[]

function cellTypes(jsonText: string): CellTypes {
  try {
    const nb = JSON.parse(jsonText) as unknown
    const cells = (nb as { cells?: unknown }).cells ?? []
    if (!Array.isArray(cells)) return []
    return cells.map((c) =>
      typeof (c as { cell_type?: unknown })?.cell_type === 'string'
        ? (c as { cell_type: string }).cell_type
        : undefined,
    )
  } catch {
    return []
  }
}

function classify(
  path: JSONPath,
  types: CellTypes,
  jsonText: string,
  literalStart: number,
  keyStart: number,
): SecretWhere | 'skip' {
  const ci = path.indexOf('cells')
  if (ci < 0) return 'config'
  const field = path[ci + 2]
  if (field === 'outputs') {
    for (const seg of path) {
      if (typeof seg === 'string' && (seg.startsWith('image/') || seg === 'application/pdf')) {
        return 'skip'
      }
    }
    return 'output'
  }
  if (field === 'source' || field === 'input') {
    const idx = path[ci + 1]
    const type = typeof idx === 'number' ? types[idx] : undefined
    if (type === 'markdown' || type === 'raw') return 'comment'
    // Text of this source line before the key (after the last escaped newline, if any).
    const raw = jsonText.slice(literalStart + 1, keyStart)
    const nl = raw.lastIndexOf('\\n')
    return isCommentLine(nl >= 0 ? raw.slice(nl + 2) : raw) ? 'comment' : 'code'
  }
  return 'config'
}

export function notebookCandidates(jsonText: string, path: string): NotebookCandidate[] {
  const cands = findCandidates(jsonText, path)
  if (cands.length === 0) return []
  const where = new Map<Candidate, SecretWhere | 'skip'>()
  let types: CellTypes | undefined
  let next = 0
  visit(jsonText, {
    onLiteralValue: (value: unknown, offset: number, length: number, _l, _c, pathSupplier) => {
      if (typeof value !== 'string') return
      const end = offset + length
      while (next < cands.length && (cands[next]?.start ?? 0) < offset) next++
      let j = next
      while (j < cands.length && (cands[j]?.start ?? end) < end) {
        const c = cands[j]
        if (c) {
          types ??= cellTypes(jsonText)
          where.set(c, classify(pathSupplier(), types, jsonText, offset, c.start))
        }
        j++
      }
    },
  })
  // Keys outside string values (broken JSON, property names) still count, as plain code.
  return cands.map((c) => ({ candidate: c, where: where.get(c) ?? 'code' }))
}
