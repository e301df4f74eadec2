import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { TRAY_ICONS, ago, trayMenuTemplate, trayModel } from '../../src/main/tray-model'
import type { TrayAction, TrayMenuEntry } from '../../src/main/tray-model'
import type { TrayItem, TrayState } from '../../src/main/tray-model'

const NOW = Date.parse('2026-03-04T12:00:00Z')
const base: TrayState = {
  scanning: false,
  lastScanAt: '2026-03-04T11:55:00Z',
  open: { critical: 0, high: 0 },
  watcher: { state: 'watching', folders: 37 },
  now: NOW,
}
const labels = (items: readonly TrayItem[]): string[] =>
  items.flatMap((i) =>
    i.kind === 'label'
      ? [i.text]
      : i.kind === 'action'
        ? [`[${i.label}${i.enabled ? '' : ' (disabled)'}]`]
        : i.kind === 'submenu'
          ? [`${i.label} > ${labels(i.items).join(' | ')}`]
          : ['---'],
  )

describe('tray model', () => {
  it('all clear: ok icon, last scan, watcher, scan now, pause, open, quit', () => {
    const m = trayModel(base)
    expect(m.icon).toBe('ok')
    expect(labels(m.items)).toEqual([
      'No critical or high findings',
      'Last scan 5 min ago',
      'Watching 37 folders',
      '---',
      '[Scan now]',
      'Pause watcher > [For 1 hour] | [Until resumed]',
      '---',
      '[Open AI Scout]',
      '[Quit AI Scout]',
    ])
    expect(m.tooltip).toBe('AI Scout: No critical or high findings. Last scan 5 min ago.')
  })

  it('findings: findings icon, counts and a way to them', () => {
    const m = trayModel({ ...base, open: { critical: 1, high: 2 } })
    expect(m.icon).toBe('findings')
    expect(labels(m.items)[0]).toBe('1 critical, 2 high findings need attention')
    expect(labels(m.items)).toContain('[Show findings…]')
    expect(labels(trayModel({ ...base, open: { critical: 0, high: 1 } }).items)[0]).toBe(
      '1 high finding needs attention',
    )
  })

  it('scanning: scanning icon wins, Scan now disabled', () => {
    const m = trayModel({ ...base, scanning: true, open: { critical: 3, high: 0 } })
    expect(m.icon).toBe('scanning')
    expect(labels(m.items)).toContain('[Scan now (disabled)]')
    expect(labels(m.items)[0]).toBe('Scanning…')
  })

  it('paused: says until when and offers resume; degraded roots are mentioned', () => {
    const until = new Date(2026, 2, 4, 14, 5).getTime()
    const paused = trayModel({ ...base, watcher: { state: 'paused', pausedUntil: until } })
    expect(labels(paused.items)).toContain('Watcher paused until 14:05')
    expect(labels(paused.items)).toContain('[Resume watcher]')
    expect(labels(paused.items).some((l) => l.startsWith('Pause watcher'))).toBe(false)
    expect(labels(trayModel({ ...base, watcher: { state: 'paused' } }).items)).toContain(
      'Watcher paused',
    )
    const degraded = trayModel({
      ...base,
      watcher: { state: 'watching', folders: 9, degraded: ['/a', '/b'] },
    })
    expect(labels(degraded.items)).toContain('2 roots too big to watch: rescanned periodically')
    const off = trayModel({ ...base, watcher: { state: 'off' }, lastScanAt: undefined })
    expect(labels(off.items)).toEqual(
      expect.arrayContaining([
        'Not scanned yet',
        'Watcher off',
        'Pause watcher > [For 1 hour (disabled)] | [Until resumed (disabled)]',
      ]),
    )
  })

  it('says how long ago in words', () => {
    expect(ago('2026-03-04T11:59:30Z', NOW)).toBe('just now')
    expect(ago('2026-03-04T09:00:00Z', NOW)).toBe('3 h ago')
    expect(ago('2026-03-01T12:00:00Z', NOW)).toBe('3 days ago')
  })
})

describe('tray menu template (what index.ts hands Menu.buildFromTemplate)', () => {
  it('keeps labels disabled, separators, enabled states and submenus, and routes each click', () => {
    const chosen: TrayAction[] = []
    const menu = trayMenuTemplate(trayModel({ ...base, scanning: true }).items, (a) =>
      chosen.push(a),
    )
    const shape = (es: readonly TrayMenuEntry[]): unknown[] =>
      es.map((e) =>
        'type' in e
          ? '---'
          : 'submenu' in e
            ? { [e.label]: shape(e.submenu) }
            : 'click' in e
              ? `${e.label}${e.enabled ? '' : ' (disabled)'}`
              : `(${e.label})`,
      )
    expect(shape(menu)).toEqual([
      '(Scanning…)',
      '(Last scan 5 min ago)',
      '(Watching 37 folders)',
      '---',
      'Scan now (disabled)',
      { 'Pause watcher': ['For 1 hour', 'Until resumed'] },
      '---',
      'Open AI Scout',
      'Quit AI Scout',
    ])
    const click = (es: readonly TrayMenuEntry[], label: string): void => {
      for (const e of es) {
        if ('click' in e && e.label === label) return e.click()
        if ('submenu' in e) click(e.submenu, label)
      }
    }
    click(menu, 'Until resumed')
    click(menu, 'Quit AI Scout')
    click(menu, 'For 1 hour')
    expect(chosen).toEqual(['pause-until-resumed', 'quit', 'pause-hour'])
    expect(
      menu.filter((e) => 'enabled' in e && e.enabled === false && !('click' in e)),
    ).toHaveLength(3)
  })
})

describe('tray icons', () => {
  it('exist for every state at 16 and 32 px', () => {
    for (const icon of TRAY_ICONS)
      for (const [file, px] of [
        [`${icon}.png`, 16],
        [`${icon}@2x.png`, 32],
      ] as const) {
        const b = readFileSync(join(__dirname, '../../resources/tray', file))
        expect(b.subarray(1, 4).toString('latin1')).toBe('PNG')
        expect([b.readUInt32BE(16), b.readUInt32BE(20)]).toEqual([px, px])
      }
  })
})
