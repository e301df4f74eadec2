/** Relative times ("3 min ago") with the exact time for the title attribute. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never'
  const t = Date.parse(iso)
  if (!Number.isFinite(t)) return iso
  const s = Math.round((now - t) / 1000)
  if (s < 0) return 'just now'
  if (s < 60) return `${s} s ago`
  if (s < 3600) return `${Math.round(s / 60)} min ago`
  if (s < 86400) return `${Math.round(s / 3600)} h ago`
  return `${Math.round(s / 86400)} d ago`
}

export function exact(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString()
}

/** A long path or hash shortened in the middle (`~/…/blobs/7cd1…386d`); the full text on hover. */
export function middle(s: string | null | undefined, max = 56): string {
  if (!s) return ''
  if (s.length <= max) return s
  const keep = Math.floor((max - 1) / 2)
  return `${s.slice(0, keep)}…${s.slice(s.length - keep)}`
}

export const KIND_LABEL: Readonly<Record<string, string>> = {
  model: 'Models',
  dataset: 'Datasets',
  notebook: 'Notebooks',
  secret: 'AI keys',
  tool: 'CLIs',
  app: 'Apps',
  'ide-extension': 'IDE extensions',
  'mcp-server': 'MCP servers',
  'agent-config': 'Agent configs',
  'ai-platform': 'AI platforms',
  'python-environment': 'Python envs',
  package: 'Packages',
  compute: 'GPUs',
  'model-server': 'Model servers',
}
