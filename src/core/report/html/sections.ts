import type { Asset, AssetKind, Finding, Severity } from '../../types'
import type { RuleText } from '../common'
import { formatBytes, modelParts } from '../common'
import type { DetailValue } from '../../types'
import { esc, markup, prose, raw } from './escape'

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
  compute: 'Compute',
  'model-server': 'Model servers',
}

export function sevPill(s: Severity): string {
  return `<span class="pill sev-${s}">${s}</span>`
}

const MAX_DETAIL_CHIPS = 6
const MAX_CHIP_CHARS = 160

/** `memoryBytes` → `memory`, `gpuCount` → `GPU count`, `nvidiaSmi` → `nvidia smi`. */
function label(key: string): string {
  return key
    .replace(/Bytes$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(
      /\b(gpu|npu|cpu|os|cuda|rocm|vram|id|url|sha256)(s?)\b/g,
      (_, w: string, s: string) => w.toUpperCase() + s,
    )
}

/**
 * A detail value as a person reads it: lists joined, objects as `key value` pairs, byte counts
 * in KiB/MiB/GiB, yes/no for booleans, `none` for empty lists; never raw JSON.
 */
export function readable(v: DetailValue | undefined, key = '', depth = 0): string {
  if (v === undefined || v === null) return '—'
  if (typeof v === 'boolean') return v ? 'yes' : 'no'
  if (typeof v === 'number')
    return /Bytes$|^bytes$|^size$/i.test(key) ? formatBytes(v) : v.toLocaleString('en-US')
  if (typeof v === 'string') return v
  if (depth > 3) return '…'
  if (Array.isArray(v)) {
    if (v.length === 0) return 'none'
    return v.map((x) => readable(x, key, depth + 1)).join(depth === 0 ? ', ' : '; ')
  }
  const parts = Object.entries(v as Record<string, DetailValue>)
    .filter(([, x]) => x !== null && x !== undefined && !(Array.isArray(x) && x.length === 0))
    .map(([k, x]) => `${label(k)} ${readable(x, k, depth + 1)}`)
  return parts.length ? parts.join(depth === 0 ? ' · ' : ', ') : 'none'
}

function chip(k: string, v: DetailValue): string {
  let t = readable(v, k)
  if (t.length > MAX_CHIP_CHARS) t = `${t.slice(0, MAX_CHIP_CHARS - 1)}…`
  return markup`<span title="${k}"><b>${label(k)}</b> ${t}</span>`
}

/** Detail chips; past the first few, a `+N more` disclosure opens the rest (no script). */
function chips(a: Asset): string {
  // A model's files are listed under its name (partList), not as a detail chip.
  const entries = Object.entries(a.details).filter(
    ([k, v]) => v !== null && v !== '' && k !== 'parts',
  )
  const shown = entries.slice(0, MAX_DETAIL_CHIPS).map(([k, v]) => chip(k, v))
  const rest = entries.slice(MAX_DETAIL_CHIPS)
  const more = rest.length
    ? `<details class="more"><summary>+${rest.length} more</summary>${rest.map(([k, v]) => chip(k, v)).join('')}</details>`
    : ''
  return shown.join('') + more
}

/** Why a risky model row is risky, in one line (its worst finding). */
export type RowReason = Readonly<{ title: string; callable?: string; message: string }>

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

export function inventoryRow(a: Asset, reason?: RowReason): string {
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
        ? markup`<td><span class="verdict v-${a.verdict}">${a.verdict}</span>${raw(
            reason
              ? markup`<div class="why-line" title="${reason.message}">${raw(
                  reason.callable ? markup`<b>${reason.callable}</b> · ` : '',
                )}${reason.title}</div>`
              : '',
          )}</td>`
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
    <p class="why"><b>Why it matters.</b> ${raw(prose(r.why))}</p>
    <p class="fix"><b>How to fix.</b> ${raw(prose(r.fix))}</p>
  </div> `
}
