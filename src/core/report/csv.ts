import type { InventoryReader } from '../inventory'
import type { Asset, Severity } from '../types'
import { severityRank } from '../types'
import type { ReportOptions } from './common'
import { detailText, modelParts, presentAssets, ruleText } from './common'
import { createSink } from './sink'

/**
 * Assets: one row per asset for spreadsheet users. Fixed columns first, then one `details.<key>` column per
 * detail key seen in the inventory (sorted, so a spreadsheet filter works per field); nested values
 * are JSON text. Past MAX_DETAIL_COLUMNS keys, the rest go to one `details.other` JSON column so a
 * hostile or odd inventory cannot blow the header up.
 *
 * RFC 4180: CRLF line ends, fields with comma, quote, CR/LF (or edge spaces) are quoted, quotes
 * doubled. Formula injection (CWE-1236): a text cell starting with = + - @ TAB or CR gets a leading
 * single quote so Excel/LibreOffice/Sheets show it as text.
 */
export const MAX_DETAIL_COLUMNS = 200

const FIXED = [
  'id',
  'kind',
  'name',
  'version',
  'path',
  'format',
  'sizeBytes',
  'sha256',
  'source',
  'verdict',
  'findings',
  'maxSeverity',
  'links',
] as const

/** Columns of the findings table (one row per finding, with its rule's why and fix). */
const FINDING_COLUMNS = [
  'id',
  'severity',
  'ruleId',
  'title',
  'message',
  'path',
  'line',
  'member',
  'offset',
  'callable',
  'assetId',
  'why',
  'fix',
] as const

/**
 * `--format csv`: the assets table, then a blank line and the findings table (each with its own
 * header row). `opts.csvTable` writes one of the two alone (the CLI puts findings in a file of
 * their own beside the assets file, for spreadsheets that read one table per file).
 */
export async function writeCsv(
  inv: InventoryReader,
  out: NodeJS.WritableStream,
  opts: ReportOptions,
): Promise<void> {
  const sink = createSink(out)
  if (opts.csvTable !== 'findings') await writeAssetsCsv(inv, sink, opts)
  if (opts.csvTable === undefined) await sink.write('\r\n')
  if (opts.csvTable !== 'assets') await writeFindingsCsv(inv, sink)
  await sink.flush()
}

async function writeFindingsCsv(inv: InventoryReader, sink: ReturnType<typeof createSink>) {
  await sink.write(csvRow(FINDING_COLUMNS))
  for (const f of inv.findings()) {
    const rule = ruleText(f.ruleId, f)
    await sink.write(
      csvRow([
        f.id,
        f.severity,
        f.ruleId,
        f.title,
        f.message,
        f.path,
        f.line,
        f.member,
        f.offset,
        f.callable,
        f.assetId,
        rule.why,
        rule.fix,
      ]),
    )
  }
}

async function writeAssetsCsv(
  inv: InventoryReader,
  sink: ReturnType<typeof createSink>,
  opts: ReportOptions,
): Promise<void> {
  // Pass 1 (findings): count and worst severity per asset; bounded by the number of findings.
  const perAsset = new Map<string, { n: number; max: Severity }>()
  for (const f of inv.findings()) {
    if (f.assetId === undefined) continue
    const cur = perAsset.get(f.assetId)
    if (!cur) perAsset.set(f.assetId, { n: 1, max: f.severity })
    else {
      cur.n++
      if (severityRank(f.severity) > severityRank(cur.max)) cur.max = f.severity
    }
  }
  // Pass 2 (assets): the union of detail keys, capped.
  const keys = new Set<string>()
  let overflow = false
  for (const a of presentAssets(inv, opts.includeGone)) {
    for (const k of Object.keys(a.details)) {
      if (keys.has(k)) continue
      if (keys.size < MAX_DETAIL_COLUMNS) keys.add(k)
      else overflow = true
    }
  }
  const detailKeys = [...keys].sort()
  const header = [
    ...FIXED,
    ...(opts.deviceOf ? ['device.id', 'device.hostname'] : []),
    ...detailKeys.map((k) => `details.${k}`),
  ]
  if (overflow) header.push('details.other')

  await sink.write(csvRow(header))
  // Pass 3 (assets): rows.
  for (const a of presentAssets(inv, opts.includeGone)) {
    const f = perAsset.get(a.id)
    const row: (string | number | undefined)[] = [
      a.id,
      a.kind,
      a.name,
      a.version,
      a.path,
      a.format,
      a.sizeBytes,
      a.sha256,
      a.source,
      a.verdict,
      f?.n ?? 0,
      f?.max,
      a.links.map((l) => `${l.relation}:${l.to}`).join(' '),
    ]
    if (opts.deviceOf) {
      const d = opts.deviceOf(a)
      row.push(d?.id, d?.hostname)
    }
    for (const k of detailKeys) row.push(k === 'parts' ? partsText(a) : detailText(a.details[k]))
    if (overflow) row.push(otherDetails(a, keys))
    await sink.write(csvRow(row))
  }
}

/**
 * A multi-file model's files in one readable cell (`name [format, bytes, verdict, sha256 …]; …`)
 * instead of their JSON, which is several times longer.
 */
function partsText(a: Asset): string | undefined {
  const parts = modelParts(a)
  if (parts.length === 0) return detailText(a.details['parts'])
  return parts
    .map(
      (p) =>
        `${p.name} [${p.format ?? '?'}, ${p.sizeBytes ?? '?'} B, ${p.verdict ?? 'not scanned'}, sha256 ${p.sha256 ?? '-'}]`,
    )
    .join('; ')
}

function otherDetails(a: Asset, known: ReadonlySet<string>): string | undefined {
  const rest = Object.entries(a.details).filter(([k]) => !known.has(k))
  return rest.length ? JSON.stringify(Object.fromEntries(rest)) : undefined
}

export function csvRow(cells: readonly (string | number | undefined)[]): string {
  return cells.map(csvCell).join(',') + '\r\n'
}

export function csvCell(v: string | number | undefined): string {
  if (v === undefined) return ''
  if (typeof v === 'number') return String(v)
  let s = v
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  if (/[",\r\n]/.test(s) || /^\s|\s$/.test(s)) s = `"${s.replace(/"/g, '""')}"`
  return s
}
