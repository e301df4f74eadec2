import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { PassThrough } from 'node:stream'
import type { InventoryReader } from '../../../src/core/inventory'
import type { ReportFormat, ReportOptions } from '../../../src/core/report/index'
import { writeReport } from '../../../src/core/report/index'

export const OPTS: ReportOptions = {
  toolVersion: '0.1.0',
  generatedAt: new Date('2026-11-26T03:05:00.000Z'),
}

/** Renders a report into a string through a real stream (small highWaterMark to exercise backpressure). */
export async function render(
  format: ReportFormat,
  inv: InventoryReader,
  opts: ReportOptions = OPTS,
): Promise<string> {
  const out = new PassThrough({ highWaterMark: 1024 })
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  await writeReport(format, inv, out, opts)
  out.end()
  await new Promise((r) => out.on('end', r))
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * The SARIF 2.1.0 schema, read offline from the npm package that ships it
 * (`@microsoft/jest-sarif`, file lib/schemas/sarif-2.1.0-rtm.5.json). AISCOUT_SARIF_SCHEMA may
 * point at a copy of the same file. Never written by hand.
 */
export function loadSarifSchema(): Record<string, unknown> {
  const req = createRequire(__filename)
  let file = process.env['AISCOUT_SARIF_SCHEMA']
  if (!file) {
    try {
      file = req.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json')
    } catch {
      throw new Error(
        'SARIF 2.1.0 schema not found: add the devDependency @microsoft/jest-sarif (ships ' +
          'lib/schemas/sarif-2.1.0-rtm.5.json) or set AISCOUT_SARIF_SCHEMA to that file',
      )
    }
  }
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  // The file is draft-04 (`id`, draft-04 `$schema`); ajv 8 reads it as draft-07 once the
  // meta-schema pointer is dropped and `id` becomes `$id`. Its keywords are otherwise the same.
  delete schema['$schema']
  if (typeof schema['id'] === 'string') {
    schema['$id'] = schema['id']
    delete schema['id']
  }
  return schema
}

/** A minimal RFC 4180 parser (quoted fields, doubled quotes, CRLF) to read the CSV back. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let q = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (q) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') q = false
      else cell += c
    } else if (c === '"') q = true
    else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i++
    } else cell += c
  }
  if (cell || row.length) throw new Error('CSV does not end with CRLF')
  return rows
}
