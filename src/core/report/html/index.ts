import type { InventoryReader } from '../../inventory'
import type { AssetKind, Severity, SkipReason } from '../../types'
import { ASSET_KINDS, severityRank } from '../../types'
import type { ReportOptions, RuleText } from '../common'
import {
  SEVERITY_ORDER,
  TOOL_NAME,
  emptyKindCounts,
  emptySeverityCounts,
  formatBytes,
  presentAssets,
  ruleText,
} from '../common'
import { createSink } from '../sink'
import { barChart, donut } from './charts'
import { esc, markup, raw } from './escape'
import { countNote, coverageSection, gpuCountOf, kindHeading, plural } from './coverage'
import type { RowReason } from './sections'
import { KIND_LABELS, findingRow, inventoryHeader, inventoryRow, ruleCard } from './sections'
import { CSS, SEVERITY_COLORS } from './styles'

/** Rows per table before the report points at the CSV/JSON export (keeps the file openable). */
export const MAX_ROWS_PER_TABLE = 2000
export const MAX_FINDING_ROWS = 5000

/** No fetch of any kind, no script: styles inline only, images only as data: URIs. */
export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

const KIND_COLORS = ['#4b3fd6', '#0f9d8a', '#7a5af8', '#2f7fd1', '#12b76a', '#ee46bc', '#f79009']

/**
 * A single self-contained HTML file: inline CSS and SVG, no script, a CSP that forbids any fetch.
 * One counting pass over assets and findings, then tables written as they are read (one pass per
 * severity for findings, one per kind present for the inventory), so memory stays flat.
 */
export async function writeHtml(
  inv: InventoryReader,
  out: NodeJS.WritableStream,
  opts: ReportOptions,
): Promise<void> {
  const byKind = emptyKindCounts()
  let modelBytes = 0
  let assetCount = 0
  let malicious = 0
  let gpus = 0
  const risky = new Set<string>()
  for (const a of presentAssets(inv, opts.includeGone)) {
    byKind[a.kind]++
    assetCount++
    if (a.kind === 'model') modelBytes += a.sizeBytes ?? 0
    if (a.verdict === 'malicious') malicious++
    if (a.verdict === 'malicious' || a.verdict === 'suspicious') risky.add(a.id)
    if (a.kind === 'compute') gpus += gpuCountOf(a)
  }
  const bySev = emptySeverityCounts()
  const rules = new Map<string, { rule: RuleText; count: number; worst: Severity }>()
  // The worst finding of each risky model: its row says why in one line.
  const reasons = new Map<string, { reason: RowReason; severity: Severity }>()
  for (const f of inv.findings()) {
    if (f.assetId !== undefined && risky.has(f.assetId)) {
      const cur = reasons.get(f.assetId)
      if (!cur || severityRank(f.severity) > severityRank(cur.severity))
        reasons.set(f.assetId, {
          reason: { title: f.title, callable: f.callable, message: f.message },
          severity: f.severity,
        })
    }
    bySev[f.severity]++
    const cur = rules.get(f.ruleId)
    if (!cur) rules.set(f.ruleId, { rule: ruleText(f.ruleId, f), count: 1, worst: f.severity })
    else {
      cur.count++
      if (severityRank(f.severity) > severityRank(cur.worst)) cur.worst = f.severity
    }
  }
  const skippedBy = new Map<SkipReason, number>()
  let skippedCount = 0
  for (const s of inv.skipped()) {
    skippedBy.set(s.reason, (skippedBy.get(s.reason) ?? 0) + 1)
    skippedCount++
  }
  const findingCount = SEVERITY_ORDER.reduce((n, s) => n + bySev[s], 0)
  const generated = (opts.generatedAt ?? new Date()).toISOString()
  const sink = createSink(out)

  // Kept on few lines on purpose: this fragment opens <html>/<body>/<main> that later writes close.
  const title = `${TOOL_NAME} report · ${inv.host.hostname}`
  const sub = `${inv.host.hostname} · ${inv.host.platform}/${inv.host.arch} · scanned ${inv.scan.startedAt} · generated ${generated}`
  await sink.write(
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n' +
      `<meta http-equiv="Content-Security-Policy" content="${CSP}">\n` +
      '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
      `<meta name="generator" content="${esc(`${TOOL_NAME} ${opts.toolVersion}`)}">\n` +
      `<title>${esc(title)}</title>\n<style>${CSS}</style></head><body>\n` +
      `<header class="top"><h1>${LOGO} ${esc(TOOL_NAME)} report</h1><div class="sub">${esc(sub)}</div></header>\n<main>\n`,
  )
  // Summary
  const kindsPresent = ASSET_KINDS.filter((k) => byKind[k] > 0)
  const urgent = bySev.critical + bySev.high
  await sink.write(
    markup`<section id="summary">
      <h2>Summary</h2>
      <nav class="toc">
        <a href="#findings">Findings</a>${raw(
          kindsPresent
            .map((k) => markup`<a href="#kind-${k}">${kindHeading(k, byKind[k], gpus)}</a>`)
            .join(''),
        )}<a href="#coverage">Coverage</a>${raw(skippedCount ? '<a href="#skipped">Skipped paths</a>' : '')}
      </nav>
      <div class="cards">
        <div class="card">
          <div class="k">AI assets</div>
          <div class="v">${assetCount.toLocaleString('en-US')}</div>
          <div class="s">${plural(kindsPresent.length, 'kind')}</div>
        </div>
        <div class="card ${urgent ? 'alert' : 'ok'}">
          <div class="k">Critical + high</div>
          <div class="v">${urgent.toLocaleString('en-US')}</div>
          <div class="s">${plural(findingCount, 'finding')} in all</div>
        </div>
        <div class="card">
          <div class="k">Models</div>
          <div class="v">${byKind.model.toLocaleString('en-US')}</div>
          <div class="s">${formatBytes(modelBytes)} on disk</div>
        </div>
        <div class="card ${malicious ? 'alert' : 'ok'}">
          <div class="k">Malicious models</div>
          <div class="v">${malicious}</div>
          <div class="s">by static scan</div>
        </div>
        <div class="card">
          <div class="k">AI credentials</div>
          <div class="v">${byKind.secret}</div>
          <div class="s">shown redacted</div>
        </div>
        <div class="card">
          <div class="k">Scan</div>
          <div class="v">${fmtDuration(inv.scan.stats.durationMs)}</div>
          <div class="s">
            ${plural(inv.scan.stats.filesSeen, 'file')} · ${inv.scan.status}
          </div>
        </div>
      </div>
      <div class="grid2" style="margin-top:20px">
        <div>
          <h3>Findings by severity</h3>
          <div class="sevbox">
            ${raw(
              donut(
                'Findings by severity',
                SEVERITY_ORDER.map((s) => ({
                  label: s,
                  value: bySev[s],
                  color: SEVERITY_COLORS[s],
                })),
                'findings',
              ),
            )}
            <div style="flex:1">
              ${raw(
                barChart(
                  'Findings by severity',
                  SEVERITY_ORDER.map((s) => ({
                    label: s,
                    value: bySev[s],
                    color: SEVERITY_COLORS[s],
                  })),
                  340,
                ),
              )}
            </div>
          </div>
          <h3>Host and scan</h3>
          <dl class="meta">
            <dt>Host</dt>
            <dd>
              ${inv.host.hostname} (${inv.host.platform} ${inv.host.osRelease}, ${inv.host.arch})
            </dd>
            <dt>User</dt>
            <dd>${inv.host.user}</dd>
            <dt>Scan id</dt>
            <dd>${inv.scan.id}</dd>
            <dt>Started</dt>
            <dd>${inv.scan.startedAt}</dd>
            <dt>Finished</dt>
            <dd>${inv.scan.finishedAt ?? '—'}</dd>
            <dt>Roots</dt>
            <dd>${inv.scan.roots.join(', ')}</dd>
            <dt>Hashed</dt>
            <dd>
              ${formatBytes(inv.scan.stats.bytesHashed)} in ${plural(inv.scan.stats.filesHashed, 'file')}
              (${plural(inv.scan.stats.hashCacheHits, 'cache hit')})
            </dd>
            <dt>GPUs</dt>
            <dd>${gpus === 0 ? '0 GPUs (AI workloads here run on the CPU)' : plural(gpus, 'GPU')}</dd>
            <dt>Skipped</dt>
            <dd>${plural(skippedCount, 'path')}</dd>
          </dl>
        </div>
        <div>
          <h3>Assets by kind</h3>
          ${raw(
            kindsPresent.length
              ? barChart(
                  'Assets by kind',
                  kindsPresent.map((k, i) => ({
                    label: KIND_LABELS[k],
                    value: byKind[k],
                    color: KIND_COLORS[i % KIND_COLORS.length]!,
                  })),
                  500,
                  170,
                )
              : '<p class="empty">No AI assets found.</p>',
          )}
        </div>
      </div>
    </section> `,
  )

  await sink.write(coverageSection(inv.scan.stats, skippedBy, skippedCount))

  // Findings: one card per rule (why / how to fix), then every finding, worst first.
  await sink.write(`<section id="findings"><h2>Findings</h2>\n`)
  if (findingCount === 0)
    await sink.write('<p class="empty">No findings. Nothing needs attention.</p>\n')
  else {
    const sorted = [...rules.values()].sort(
      (a, b) => severityRank(b.worst) - severityRank(a.worst) || b.count - a.count,
    )
    for (const r of sorted)
      await sink.write(ruleCard(r.rule, r.worst, r.count, SEVERITY_COLORS[r.worst]))
    await sink.write(
      `<h3>All findings</h3><div class="tablewrap"><table><thead><tr><th>Severity</th><th>Finding</th><th>Location</th><th>Detail</th></tr></thead><tbody>\n`,
    )
    let rows = 0
    for (const s of SEVERITY_ORDER) {
      if (!bySev[s]) continue
      for (const f of inv.findings()) {
        if (f.severity !== s) continue
        if (rows >= MAX_FINDING_ROWS) break
        await sink.write(findingRow(f))
        rows++
      }
    }
    await sink.write('</tbody></table></div>\n')
    if (findingCount > rows) await sink.write(truncNote(findingCount - rows, 'findings'))
  }
  await sink.write('</section>\n')

  // Inventory: one table per kind present.
  for (const kind of kindsPresent) {
    await sink.write(
      `<section id="kind-${esc(kind)}"><h2>${esc(KIND_LABELS[kind])} <span class="muted">(${esc(countNote(kind, byKind[kind], gpus))})</span></h2>` +
        `<div class="tablewrap"><table>${inventoryHeader(kind)}<tbody>\n`,
    )
    let rows = 0
    for (const a of presentAssets(inv, opts.includeGone)) {
      if (a.kind !== kind) continue
      if (rows >= MAX_ROWS_PER_TABLE) break
      await sink.write(inventoryRow(a, reasons.get(a.id)?.reason))
      rows++
    }
    await sink.write('</tbody></table></div>\n')
    if (byKind[kind] > rows) await sink.write(truncNote(byKind[kind] - rows, 'rows'))
    await sink.write('</section>\n')
  }
  if (skippedCount) await writeSkipped(inv, sink, skippedBy, skippedCount)
  await sink.write(
    markup`<footer>${TOOL_NAME} ${opts.toolVersion} · inventory schema v${inv.schemaVersion} · this file is self-contained and loads nothing from the network.</footer>\n</main></body></html>\n`,
  )
  await sink.flush()
}

async function writeSkipped(
  inv: InventoryReader,
  sink: ReturnType<typeof createSink>,
  by: ReadonlyMap<SkipReason, number>,
  total: number,
): Promise<void> {
  const reasons = [...by.entries()].sort((a, b) => b[1] - a[1])
  await sink.write(
    `<section id="skipped"><h2>Skipped paths <span class="muted">(${total})</span></h2>` +
      `<p class="muted">${reasons.map(([r, n]) => `${esc(r)}: ${n}`).join(' · ')}</p>` +
      `<details><summary>Show paths</summary><table><thead><tr><th>Reason</th><th>Path</th><th>Message</th></tr></thead><tbody>\n`,
  )
  let rows = 0
  for (const s of inv.skipped()) {
    if (rows >= MAX_ROWS_PER_TABLE) break
    await sink.write(
      markup`<tr>
        <td>${s.reason}</td>
        <td class="path">${s.path}</td>
        <td>${s.message}</td>
      </tr> `,
    )
    rows++
  }
  await sink.write('</tbody></table></details>\n')
  if (total > rows) await sink.write(truncNote(total - rows, 'rows'))
  await sink.write('</section>\n')
}

function truncNote(n: number, what: string): string {
  return `<p class="note">${n.toLocaleString('en-US')} more ${what} not shown here: export CSV or JSON (<code>aiscout export --format csv</code>) for the full list.</p>\n`
}

function fmtDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`
  const s = ms / 1000
  if (s < 120) return `${s.toFixed(1)} s`
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`
}

const LOGO =
  '<svg class="logo" viewBox="0 0 32 32" aria-hidden="true"><circle cx="14" cy="14" r="9" fill="none" stroke="#fff" stroke-width="3"/>' +
  '<path d="M21 21l7 7" stroke="#fff" stroke-width="3.5" stroke-linecap="round"/><circle cx="14" cy="14" r="3.2" fill="#7ff0dc"/></svg>'

export type { AssetKind }
