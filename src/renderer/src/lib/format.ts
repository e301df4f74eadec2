/** Human units and times, the same everywhere in the app. */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const

/** Decimal units, as file managers show sizes (1.2 GB). */
export function formatBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n) || n < 0) return '—'
  let v = n
  let i = 0
  while (v >= 1000 && i < UNITS.length - 1) {
    v /= 1000
    i++
  }
  return `${i === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${UNITS[i]}`
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`
}

/** "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", then a date. */
export function relativeTime(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '—'
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return '—'
  const s = Math.round((now - t) / 1000)
  if (s < 0) {
    const ahead = -s
    if (ahead < 3600) return `in ${Math.max(1, Math.round(ahead / 60))} min`
    if (ahead < 86400 * 2) return `in ${Math.round(ahead / 3600)} h`
    return `in ${Math.round(ahead / 86400)} days`
  }
  if (s < 45) return 'just now'
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`
  if (s < 86400) return `${Math.round(s / 3600)} h ago`
  if (s < 86400 * 2) return 'yesterday'
  if (s < 86400 * 30) return `${Math.round(s / 86400)} days ago`
  return new Date(t).toLocaleDateString('en-US', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  })
}

export function exactTime(iso: string | undefined): string {
  if (!iso) return ''
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return iso
  return new Date(t).toLocaleString('en-US', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  })
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = ms / 1000
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`
  const m = Math.floor(s / 60)
  const rest = Math.round(s % 60)
  if (m < 60) return `${m} min ${rest} s`
  return `${Math.floor(m / 60)} h ${m % 60} min`
}

/** Elapsed clock for a running scan: 0:07, 1:23, 1:02:03. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = String(s % 60).padStart(2, '0')
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`
}

/**
 * Shortens a path in the middle, keeping the start (where it is) and the file name (what it is):
 * `~/.cache/huggingface/…/blobs/7cd1…386d`. The home folder becomes `~`.
 */
export function middlePath(path: string, max: number, home?: string): string {
  let p = path
  if (home && (p === home || p.startsWith(`${home}/`) || p.startsWith(`${home}\\`)))
    p = `~${p.slice(home.length)}`
  if (p.length <= max) return p
  const sep = p.includes('/') ? '/' : '\\'
  const parts = p.split(sep)
  const last = parts[parts.length - 1] ?? ''
  // A last part too long to fit beside `…/` (a digest-named blob) is itself shortened in the middle.
  const room = Math.max(8, max - 4)
  const tail =
    last.length > room ? `${last.slice(0, 6)}…${last.slice(-Math.max(4, room - 7))}` : last
  let head = ''
  for (const part of parts.slice(0, -1)) {
    const next = head ? `${head}${sep}${part}` : part
    if (next.length + tail.length + 3 > max) break
    head = next
  }
  if (!head) head = parts[0] ?? ''
  const out = `${head}${sep}…${sep}${tail}`
  return out.length <= max + 2 ? out : `${p.slice(0, Math.max(1, max - tail.length - 2))}…${tail}`
}

/** `text` in at most `max` characters, shortened in the middle (the end often tells items apart). */
export function middleText(text: string, max: number): string {
  if (text.length <= max) return text
  const tail = Math.ceil((max - 1) * 0.55)
  return `${text.slice(0, max - 1 - tail)}…${text.slice(text.length - tail)}`
}

export function shortHash(h: string | undefined, n = 8): string {
  if (!h) return '—'
  return h.length > n * 2 + 1 ? `${h.slice(0, n)}…${h.slice(-4)}` : h
}

export function titleCase(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}
