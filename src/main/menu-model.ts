import type { AppCommand, ExportFormat } from '../shared/ipc'

/**
 * The native menu as data: index.ts turns it into Electron's template (a `command` becomes a
 * click that runs in main or is sent to the renderer). Standard shortcuts: Ctrl/Cmd+R scans
 * (the app has no page to reload), Ctrl/Cmd+F searches, Ctrl/Cmd+1…4 switch screens,
 * Ctrl/Cmd+, opens Settings.
 */
export type MenuAction =
  | Readonly<{ to: 'renderer'; command: AppCommand }>
  | Readonly<{ to: 'main'; action: 'open-docs' | 'open-logs' }>

export type MenuItemModel = Readonly<{
  label?: string
  role?:
    | 'about'
    | 'services'
    | 'hide'
    | 'hideOthers'
    | 'unhide'
    | 'quit'
    | 'undo'
    | 'redo'
    | 'cut'
    | 'copy'
    | 'paste'
    | 'selectAll'
    | 'minimize'
    | 'close'
    | 'zoom'
    | 'front'
    | 'resetZoom'
    | 'zoomIn'
    | 'zoomOut'
    | 'togglefullscreen'
    | 'toggleDevTools'
    | 'appMenu'
    | 'windowMenu'
  type?: 'separator'
  accelerator?: string
  action?: MenuAction
  submenu?: readonly MenuItemModel[]
}>

const EXPORT_LABELS: Readonly<Record<ExportFormat, string>> = {
  html: 'HTML report…',
  pdf: 'PDF report…',
  json: 'JSON…',
  csv: 'CSV…',
  cyclonedx: 'CycloneDX ML-BOM…',
  sarif: 'SARIF…',
}

const sep: MenuItemModel = { type: 'separator' }
const r = (command: AppCommand): MenuAction => ({ to: 'renderer', command })

export function buildMenuModel(
  opts: Readonly<{ platform: NodeJS.Platform; appName: string; dev: boolean }>,
): readonly MenuItemModel[] {
  const mac = opts.platform === 'darwin'
  const settings: MenuItemModel = {
    label: mac ? 'Settings…' : 'Settings',
    accelerator: 'CmdOrCtrl+,',
    action: r({ type: 'navigate', to: 'settings' }),
  }
  const about: MenuItemModel = {
    label: `About ${opts.appName}`,
    action: r({ type: 'navigate', to: 'about' }),
  }
  const file: MenuItemModel = {
    label: 'File',
    submenu: [
      { label: 'Scan Now', accelerator: 'CmdOrCtrl+R', action: r({ type: 'scan-now' }) },
      sep,
      {
        label: 'Export',
        submenu: (Object.keys(EXPORT_LABELS) as ExportFormat[]).map((format) => ({
          label: EXPORT_LABELS[format],
          ...(format === 'html' ? { accelerator: 'CmdOrCtrl+E' } : {}),
          action: r({ type: 'export', format }),
        })),
      },
      ...(mac ? [] : [sep, settings, sep, { role: 'quit' as const, label: 'Quit' }]),
    ],
  }
  const edit: MenuItemModel = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      sep,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
      sep,
      { label: 'Find', accelerator: 'CmdOrCtrl+F', action: r({ type: 'focus-search' }) },
    ],
  }
  const view: MenuItemModel = {
    label: 'View',
    submenu: [
      {
        label: 'Overview',
        accelerator: 'CmdOrCtrl+1',
        action: r({ type: 'navigate', to: 'overview' }),
      },
      {
        label: 'Inventory',
        accelerator: 'CmdOrCtrl+2',
        action: r({ type: 'navigate', to: 'inventory' }),
      },
      {
        label: 'Findings',
        accelerator: 'CmdOrCtrl+3',
        action: r({ type: 'navigate', to: 'findings' }),
      },
      {
        label: 'Settings',
        accelerator: 'CmdOrCtrl+4',
        action: r({ type: 'navigate', to: 'settings' }),
      },
      sep,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      sep,
      { role: 'togglefullscreen' },
      ...(opts.dev ? [sep, { role: 'toggleDevTools' as const }] : []),
    ],
  }
  const help: MenuItemModel = {
    label: 'Help',
    submenu: [
      { label: 'Documentation', action: { to: 'main', action: 'open-docs' } },
      { label: 'Show Log File', action: { to: 'main', action: 'open-logs' } },
      ...(mac ? [] : [sep, about]),
    ],
  }
  const window: MenuItemModel = mac
    ? { role: 'windowMenu' }
    : { label: 'Window', submenu: [{ role: 'minimize' }, { role: 'close' }] }
  const appMenu: MenuItemModel = {
    label: opts.appName,
    submenu: [
      about,
      sep,
      settings,
      sep,
      { role: 'services' },
      sep,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      sep,
      { role: 'quit' },
    ],
  }
  return mac ? [appMenu, file, edit, view, window, help] : [file, edit, view, window, help]
}

/** Every item with a shortcut, flattened (tests check there are no duplicates). */
export function accelerators(model: readonly MenuItemModel[]): string[] {
  const out: string[] = []
  const walk = (items: readonly MenuItemModel[]): void => {
    for (const i of items) {
      if (i.accelerator) out.push(i.accelerator)
      if (i.submenu) walk(i.submenu)
    }
  }
  walk(model)
  return out
}
