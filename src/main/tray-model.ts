/**
 * The tray: its icon, tooltip and menu as plain data from the app's state, so every state is
 * tested without Electron; src/main/index.ts turns the model into an Electron Tray and Menu and
 * routes the actions.
 */

/** One image per state in resources/tray (`<icon>.png` and `<icon>@2x.png`). */
export const TRAY_ICONS = ['ok', 'findings', 'scanning'] as const
export type TrayIcon = (typeof TRAY_ICONS)[number]

export type TrayAction =
  'scan-now' | 'pause-hour' | 'pause-until-resumed' | 'resume' | 'open' | 'open-findings' | 'quit'

export type TrayItem =
  | Readonly<{ kind: 'label'; text: string }>
  | Readonly<{ kind: 'separator' }>
  | Readonly<{ kind: 'action'; action: TrayAction; label: string; enabled: boolean }>
  | Readonly<{ kind: 'submenu'; label: string; items: readonly TrayItem[] }>

export type TrayModel = Readonly<{ icon: TrayIcon; tooltip: string; items: readonly TrayItem[] }>

export type TrayState = Readonly<{
  /** A full scan runs (Scan now, or a scheduled one). */
  scanning: boolean
  /** When the last scan (full or a watcher rescan) finished, ISO 8601. */
  lastScanAt?: string
  /** Open critical and high findings, accepted risks left out. */
  open: Readonly<{ critical: number; high: number }>
  watcher: Readonly<{
    /** off: turned off in Settings; starting until the first status arrives. */
    state: 'off' | 'starting' | 'watching' | 'paused' | 'failed'
    /** Paused for a while: when it resumes (ms since the epoch). */
    pausedUntil?: number
    folders?: number
    /** Roots rescanned periodically because they are too big to watch. */
    degraded?: readonly string[]
  }>
  now: number
}>

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`

/** "just now", "5 min ago", "3 h ago", "2 days ago" (the exact time is in the app). */
export function ago(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000))
  if (s < 60) return 'just now'
  const m = Math.round(s / 60)
  if (m < 60) return `${m} min ago`
  const h = Math.round(m / 60)
  if (h < 48) return `${h} h ago`
  return `${Math.round(h / 24)} days ago`
}

const clock = (ms: number): string => {
  const d = new Date(ms)
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}

function statusText(s: TrayState): string {
  if (s.scanning) return 'Scanning…'
  const n = s.open.critical + s.open.high
  if (n === 0) return 'No critical or high findings'
  const parts = [
    s.open.critical ? `${s.open.critical} critical` : '',
    s.open.high ? `${s.open.high} high` : '',
  ].filter(Boolean)
  return `${parts.join(', ')} ${n === 1 ? 'finding needs' : 'findings need'} attention`
}

function watcherText(w: TrayState['watcher']): string {
  switch (w.state) {
    case 'off':
      return 'Watcher off'
    case 'starting':
      return 'Watcher starting…'
    case 'failed':
      return 'Watcher stopped after an error'
    case 'paused':
      return w.pausedUntil ? `Watcher paused until ${clock(w.pausedUntil)}` : 'Watcher paused'
    case 'watching':
      return `Watching ${plural(w.folders ?? 0, 'folder')}`
  }
}

export function trayModel(s: TrayState): TrayModel {
  const icon: TrayIcon = s.scanning
    ? 'scanning'
    : s.open.critical + s.open.high > 0
      ? 'findings'
      : 'ok'
  const status = statusText(s)
  const last = s.lastScanAt ? `Last scan ${ago(s.lastScanAt, s.now)}` : 'Not scanned yet'
  const w = s.watcher
  const degraded = w.degraded ?? []
  const items: TrayItem[] = [
    { kind: 'label', text: status },
    { kind: 'label', text: last },
    { kind: 'label', text: watcherText(w) },
  ]
  if (w.state === 'watching' && degraded.length)
    items.push({
      kind: 'label',
      text: `${plural(degraded.length, 'root')} too big to watch: rescanned periodically`,
    })
  items.push({ kind: 'separator' })
  if (s.open.critical + s.open.high > 0)
    items.push({ kind: 'action', action: 'open-findings', label: 'Show findings…', enabled: true })
  items.push({ kind: 'action', action: 'scan-now', label: 'Scan now', enabled: !s.scanning })
  if (w.state === 'paused')
    items.push({ kind: 'action', action: 'resume', label: 'Resume watcher', enabled: true })
  else
    items.push({
      kind: 'submenu',
      label: 'Pause watcher',
      items: [
        {
          kind: 'action',
          action: 'pause-hour',
          label: 'For 1 hour',
          enabled: w.state === 'watching' || w.state === 'starting',
        },
        {
          kind: 'action',
          action: 'pause-until-resumed',
          label: 'Until resumed',
          enabled: w.state === 'watching' || w.state === 'starting',
        },
      ],
    })
  items.push(
    { kind: 'separator' },
    { kind: 'action', action: 'open', label: 'Open AI Scout', enabled: true },
    { kind: 'action', action: 'quit', label: 'Quit AI Scout', enabled: true },
  )
  return { icon, tooltip: `AI Scout: ${status}. ${last}.`, items }
}

/**
 * One entry of the tray's native menu, in the shape Electron's Menu.buildFromTemplate takes
 * (a structural subset of MenuItemConstructorOptions, so this module needs no Electron).
 */
export type TrayMenuEntry =
  | Readonly<{ label: string; enabled: false }>
  | Readonly<{ type: 'separator' }>
  | Readonly<{ label: string; enabled: boolean; click: () => void }>
  | Readonly<{ label: string; submenu: TrayMenuEntry[] }>

/** The tray model's items as a native menu template; a chosen item calls `onAction`. */
export function trayMenuTemplate(
  items: readonly TrayItem[],
  onAction: (a: TrayAction) => void,
): TrayMenuEntry[] {
  return items.map((i): TrayMenuEntry => {
    switch (i.kind) {
      case 'label':
        return { label: i.text, enabled: false }
      case 'separator':
        return { type: 'separator' }
      case 'action':
        return { label: i.label, enabled: i.enabled, click: () => onAction(i.action) }
      case 'submenu':
        return { label: i.label, submenu: trayMenuTemplate(i.items, onAction) }
    }
  })
}
