import type { PolicyEntry } from '../../../shared/dashboard-api'
import { PACKAGE_RUNNERS } from '../../../shared/policy'
import type { PolicyType } from '../../../shared/policy'

/**
 * The policy form's fields as the user types them, and the rule they make. The form only shapes
 * the JSON: the server validates it and its message (naming the field) is shown as it comes.
 */
export type PolicyDraft = {
  name: string
  type: PolicyType
  severity: string
  enabled: boolean
  scope: 'org' | 'team' | 'device'
  scopeValue: string
  mode: 'allow' | 'block'
  /** Formats, source patterns or commands: comma, space or newline separated. */
  items: string
  hashing: boolean
  watcher: boolean
  runners: string[]
  maxMode: string
}

export const EMPTY_DRAFT: PolicyDraft = {
  name: '',
  type: 'model-format',
  severity: '',
  enabled: true,
  scope: 'org',
  scopeValue: '',
  mode: 'block',
  items: '',
  hashing: true,
  watcher: true,
  runners: [],
  maxMode: '600',
}

const split = (s: string): string[] =>
  s
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean)

export function ruleOf(d: PolicyDraft): Record<string, unknown> {
  switch (d.type) {
    case 'model-format':
      return { type: d.type, mode: d.mode, formats: split(d.items) }
    case 'model-source':
      return { type: d.type, mode: d.mode, sources: split(d.items) }
    case 'scan-settings':
      return {
        type: d.type,
        ...(d.hashing ? { hashing: true } : {}),
        ...(d.watcher ? { watcher: true } : {}),
      }
    case 'mcp-runner':
      return { type: d.type, commands: split(d.items) }
    case 'unpinned-package':
      return { type: d.type, ...(d.runners.length ? { runners: d.runners } : {}) }
    case 'key-file-mode':
      return { type: d.type, maxMode: d.maxMode.trim() }
  }
}

export function draftOf(p: PolicyEntry): PolicyDraft {
  const r = p.rule as Record<string, unknown>
  const list = (k: string) => (Array.isArray(r[k]) ? (r[k] as string[]).join(', ') : '')
  return {
    ...EMPTY_DRAFT,
    name: p.name,
    type: r.type as PolicyType,
    severity: p.severity ?? '',
    enabled: p.enabled,
    scope: p.scope.kind,
    scopeValue:
      p.scope.kind === 'team' ? p.scope.team : p.scope.kind === 'device' ? p.scope.deviceId : '',
    mode: r.mode === 'allow' ? 'allow' : 'block',
    items: list('formats') || list('sources') || list('commands'),
    hashing: r.hashing === true,
    watcher: r.watcher === true,
    runners: Array.isArray(r.runners) ? (r.runners as string[]) : [],
    maxMode: typeof r.maxMode === 'string' ? r.maxMode : '600',
  }
}

/** One line saying what a policy checks, for the list. */
export function describeRule(rule: Readonly<Record<string, unknown>>): string {
  const list = (k: string) => (Array.isArray(rule[k]) ? (rule[k] as string[]).join(', ') : '')
  switch (rule.type) {
    case 'model-format':
      return `${rule.mode === 'allow' ? 'Only' : 'Block'} ${list('formats')}`
    case 'model-source':
      return `${rule.mode === 'allow' ? 'Only from' : 'Block'} ${list('sources')}`
    case 'scan-settings':
      return [rule.hashing ? 'hashing on' : '', rule.watcher ? 'watcher on' : '']
        .filter(Boolean)
        .join(', ')
    case 'mcp-runner':
      return `No MCP server started with ${list('commands')}`
    case 'unpinned-package':
      return `Pinned versions for ${list('runners') || PACKAGE_RUNNERS.join(', ')}`
    case 'key-file-mode':
      return `Key files at most ${String(rule.maxMode)}`
    default:
      return String(rule.type)
  }
}

export const ITEMS_HINT: Partial<Record<PolicyType, { label: string; placeholder: string }>> = {
  'model-format': { label: 'Formats', placeholder: 'pickle, pytorch-legacy, joblib' },
  'model-source': {
    label: 'Sources',
    placeholder: 'hf:meta-llama/*, ollama:*, local:lm-studio',
  },
  'mcp-runner': { label: 'Commands', placeholder: 'npx, uvx, docker' },
}
