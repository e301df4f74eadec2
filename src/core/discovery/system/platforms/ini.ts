/**
 * A forgiving INI reader for the config files AI platforms write (.databrickscfg, ~/.aws/*,
 * gcloud configurations, wandb settings, HF stored_tokens). It never throws: lines it does not
 * understand are counted in `bad`. Indented lines (AWS nested settings) belong to the previous key
 * and are skipped.
 */
export type IniEntry = Readonly<{ value: string; line: number }>

export type IniSection = Readonly<{
  name: string
  line: number
  entries: ReadonlyMap<string, IniEntry>
}>

export type Ini = Readonly<{ sections: readonly IniSection[]; bad: number }>

export function parseIni(text: string): Ini {
  const sections: { name: string; line: number; entries: Map<string, IniEntry> }[] = []
  let current: (typeof sections)[number] | undefined
  let bad = 0
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length && i < 100_000; i++) {
    const raw = lines[i] ?? ''
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    if (/^\s/.test(raw) && current && current.entries.size > 0) continue
    const sec = /^\[([^\]]{1,200})\]$/.exec(line)
    if (sec?.[1] !== undefined) {
      current = { name: sec[1].trim(), line: i + 1, entries: new Map() }
      sections.push(current)
      continue
    }
    const kv = /^([^=:\s][^=:]{0,200}?)\s*[=:]\s*(.*)$/.exec(line)
    if (!kv?.[1]) {
      bad++
      continue
    }
    if (!current) {
      current = { name: '', line: i + 1, entries: new Map() }
      sections.push(current)
    }
    current.entries.set(kv[1].trim().toLowerCase(), { value: (kv[2] ?? '').trim(), line: i + 1 })
  }
  return { sections, bad }
}

/**
 * `key = value` / `key: value` / `"key": "value"` lines with a non-empty value, for any of `keys`:
 * the key, its 1-based line and the value (unquoted; kept in memory for the secrets engine only).
 */
export function keyLines(
  text: string,
  keys: RegExp,
): { key: string; line: number; value: string }[] {
  const out: { key: string; line: number; value: string }[] = []
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length && i < 100_000; i++) {
    const m = /^\s*["']?([A-Za-z0-9_.-]{1,100})["']?\s*[=:]\s*(.*)$/.exec(lines[i] ?? '')
    if (!m?.[1] || !keys.test(m[1])) continue
    const v = (m[2] ?? '').trim().replace(/[,]$/, '')
    if (v === '' || v === '""' || v === "''" || v === 'null' || v === '~') continue
    out.push({ key: m[1], line: i + 1, value: v.replace(/^(["'])(.*)\1$/, '$2') })
  }
  return out
}

/** A URL or host with any userinfo, query and fragment removed, so no credential rides along. */
export function sanitizeHost(value: string | undefined): string | undefined {
  const v = value?.trim()
  if (!v) return undefined
  try {
    const u = new URL(v.includes('://') ? v : `https://${v}`)
    if (!u.hostname) return undefined
    const path = u.pathname === '/' ? '' : u.pathname
    return `${v.includes('://') ? `${u.protocol}//` : ''}${u.host}${path}`.slice(0, 300)
  } catch {
    return undefined
  }
}
