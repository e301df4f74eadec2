import type { Asset, AssetKind, Finding, Severity } from '../../types'
import type { RuleText } from '../common'
import { detailText, formatBytes, modelParts } from '../common'
import { esc, markup, raw } from './escape'

export const KIND_LABELS: Readonly<Record<AssetKind, string>> = {
  model: 'Models',
  dataset: 'Datasets',
  notebook: 'Notebooks',
  secret: 'AI credentials',
  tool: 'AI tools (CLI)',
  app: 'AI apps',
  'ide-extension': 'IDE extensions',
  'mcp-server': 'MCP servers',
  'agent-config': 'Agent configs',
  'ai-platform': 'AI platforms',
  'python-environment': 'Python environments',
  package: 'AI packages',
  compute: 'Compute (GPUs)',
  'model-server': 'Model servers',
}

export function sevPill(s: Severity): string {
  return `<span class="pill sev-${s}">${s}</span>`
}

const MAX_DETAIL_CHIPS = 6
const MAX_CHIP_CHARS = 90

function chips(a: Asset): string {
  // A model's files are listed under its name (partList), not as a detail chip.
  const entries = Object.entries(a.details).filter(
    ([k, v]) => v !== null && v !== '' && k !== 'parts',
  )
  const shown = entries.slice(0, MAX_DETAIL_CHIPS).map(([k, v]) => {
    let t = detailText(v) ?? ''
    if (t.length > MAX_CHIP_CHARS) t = `${t.slice(0, MAX_CHIP_CHARS - 1)}…`
    return markup`<span><b>${k}</b> ${t}</span>`
  })
  const more =
    entries.length > MAX_DETAIL_CHIPS
      ? `<span>+${entries.length - MAX_DETAIL_CHIPS} more</span>`
      : ''
  return shown.join('') + more
}

/** Column set per kind: only columns that carry data for that kind. */
export function inventoryHeader(kind: AssetKind): string {
  const cols = ['Name', 'Version']
  if (kind === 'model' || kind === 'dataset') cols.push('Format', 'Size', 'SHA-256', 'Verdict')
  cols.push('Source', 'Path', 'Details')
  return `<thead><tr>${cols.map((c) => `<th${c === 'Size' ? ' class="num"' : ''}>${c}</th>`).join('')}</tr></thead>`
}

const MAX_LISTED_PARTS = 5

/** The files of a multi-file model under its name: name, format, size, and a verdict that is not safe. */
function partList(a: Asset): string {
  const parts = modelParts(a)
  if (parts.length < 2 && !parts.some((p) => p.verdict && p.verdict !== 'safe')) return ''
  const total = typeof a.details['partCount'] === 'number' ? a.details['partCount'] : parts.length
  const items = parts.slice(0, MAX_LISTED_PARTS).map((p) => {
    const facts = [p.format, p.sizeBytes !== undefined ? formatBytes(p.sizeBytes) : undefined]
      .filter(Boolean)
      .join(', ')
    const flag =
      p.verdict && p.verdict !== 'safe'
        ? markup` <span class="verdict v-${p.verdict}">${p.verdict}</span>`
        : ''
    return markup`<li>${p.name}${facts ? ` (${facts})` : ''}${raw(flag)}</li>`
  })
  const more = total > MAX_LISTED_PARTS ? `<li>+${total - MAX_LISTED_PARTS} more</li>` : ''
  return `<ul class="muted parts">${items.join('')}${more}</ul>`
}

export function inventoryRow(a: Asset): string {
  const binaryish = a.kind === 'model' || a.kind === 'dataset'
  const v = a.version ?? ''
  // Commit-hash versions (Hugging Face snapshots) are shortened like git does; the full one is in the tooltip.
  const ver = /^[0-9a-f]{40}$/.test(v)
    ? markup`<td class="ver hash" title="${v}">${v.slice(0, 10)}…</td>`
    : markup`<td class="ver">${v}</td>`
  const cells = [markup`<td><b>${a.name ?? ''}</b>${raw(partList(a))}</td>`, ver]
  if (binaryish) {
    cells.push(
      markup`<td>${a.format ?? ''}</td>`,
      `<td class="num">${a.sizeBytes !== undefined ? esc(formatBytes(a.sizeBytes)) : ''}</td>`,
      a.sha256
        ? markup`<td class="hash" title="${a.sha256}">${a.sha256.slice(0, 12)}…</td>`
        : '<td class="muted">—</td>',
      a.verdict
        ? markup`<td><span class="verdict v-${a.verdict}">${a.verdict}</span></td>`
        : '<td></td>',
    )
  }
  cells.push(
    markup`<td>${a.source ?? ''}</td>`,
    markup`<td class="path">${a.path}</td>`,
    `<td class="det">${chips(a)}</td>`,
  )
  return `<tr>${cells.join('')}</tr>\n`
}

export function findingRow(f: Finding): string {
  const where = [f.line !== undefined ? `line ${f.line}` : '', f.member ? `member ${f.member}` : '']
    .filter(Boolean)
    .join(' · ')
  const callable = f.callable ? raw(markup` <code>${f.callable}</code>`) : ''
  return (
    markup`<tr><td>${raw(sevPill(f.severity))}</td>` +
    markup`<td><b>${f.title}</b><div class="muted">${f.ruleId}</div></td>` +
    markup`<td><div class="path">${f.path}</div><div class="muted">${where}</div></td>` +
    markup`<td>${f.message}${callable}</td></tr>\n`
  )
}

export function ruleCard(r: RuleText, severity: Severity, count: number, color: string): string {
  const refs = [...r.cwe.map((c) => `CWE-${c}`), ...r.advisories]
  return markup`<div class="rule" style="--sevc:${color}">
    <h4>
      ${raw(sevPill(severity))} ${r.title}
      <span class="count"
        >${count.toLocaleString('en-US')} finding${count === 1 ? '' : 's'} ·
        <code>${r.id}</code>${refs.length ? ` · ${refs.join(', ')}` : ''}</span
      >
    </h4>
    <p class="why"><b>Why it matters.</b> ${r.why}</p>
    <p class="fix"><b>How to fix.</b> ${r.fix}</p>
  </div> `
}
