import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ExportDeps } from '../../src/main/export-flow'
import { defaultFileName, runExport } from '../../src/main/export-flow'
import { accelerators, buildMenuModel } from '../../src/main/menu-model'
import type { MenuItemModel } from '../../src/main/menu-model'
import { DEFAULT_BOUNDS, loadBounds, saveBounds } from '../../src/main/window-state'

const dirs: string[] = []
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'aiscout-main-'))
  dirs.push(d)
  return d
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('window state', () => {
  const display = [{ x: 0, y: 0, width: 1920, height: 1080 }]
  it('remembers size and place, and falls back when the file is missing or bad', () => {
    const file = join(tmp(), 'window.json')
    expect(loadBounds(file, display)).toEqual(DEFAULT_BOUNDS)
    saveBounds(file, { x: 100, y: 80, width: 1400, height: 900, maximized: true })
    expect(loadBounds(file, display)).toEqual({
      x: 100,
      y: 80,
      width: 1400,
      height: 900,
      maximized: true,
    })
    writeFileSync(file, '{"width":"wide"}')
    expect(loadBounds(file, display)).toEqual(DEFAULT_BOUNDS)
    writeFileSync(file, 'not json')
    expect(loadBounds(file, display)).toEqual(DEFAULT_BOUNDS)
  })
  it('clamps tiny sizes and drops a place on a display that is gone', () => {
    const file = join(tmp(), 'window.json')
    saveBounds(file, { x: 3000, y: 100, width: 200, height: 100, maximized: false })
    expect(loadBounds(file, display)).toEqual({ width: 960, height: 600, maximized: false })
  })
})

describe('menu model', () => {
  const labels = (items: readonly MenuItemModel[]): string[] =>
    items.map((i) => i.label ?? i.role ?? '')
  it('has the standard menus and shortcuts on Linux/Windows, with no shortcut used twice', () => {
    const m = buildMenuModel({ platform: 'linux', appName: 'AI Scout', dev: false })
    expect(labels(m)).toEqual(['File', 'Edit', 'View', 'Window', 'Help'])
    const acc = accelerators(m)
    expect(new Set(acc).size).toBe(acc.length)
    expect(acc).toEqual(
      expect.arrayContaining(['CmdOrCtrl+R', 'CmdOrCtrl+F', 'CmdOrCtrl+,', 'CmdOrCtrl+1']),
    )
    const file = m[0]!.submenu!
    expect(file[0]).toMatchObject({
      label: 'Scan Now',
      action: { to: 'renderer', command: { type: 'scan-now' } },
    })
    const exportMenu = file.find((i) => i.label === 'Export')!.submenu!
    expect(exportMenu.map((i) => i.action)).toEqual(
      ['html', 'pdf', 'json', 'csv', 'cyclonedx', 'sarif'].map((format) => ({
        to: 'renderer',
        command: { type: 'export', format },
      })),
    )
    expect(JSON.stringify(m)).not.toContain('toggleDevTools')
  })
  it('puts About and Settings in the app menu on macOS, and dev tools only in development', () => {
    const m = buildMenuModel({ platform: 'darwin', appName: 'AI Scout', dev: true })
    expect(labels(m)).toEqual(['AI Scout', 'File', 'Edit', 'View', 'windowMenu', 'Help'])
    expect(labels(m[0]!.submenu!)).toContain('About AI Scout')
    expect(JSON.stringify(m)).toContain('toggleDevTools')
  })
})

describe('export from the app (save dialog flow)', () => {
  function deps(
    over: Partial<ExportDeps> = {},
  ): ExportDeps & { written: string[]; printed: string[] } {
    const dir = tmp()
    const written: string[] = []
    const printed: string[] = []
    return {
      written,
      printed,
      pickSavePath: async (req) => join(dir, req.defaultPath.split('/').pop()!),
      writeReport: async (format, path) => {
        written.push(`${format}:${path}`)
        writeFileSync(path, `<${format}>`)
      },
      printToPdf: async (html, pdf) => {
        printed.push(readFileSync(html, 'utf8'))
        writeFileSync(pdf, '%PDF-1.4 fake')
      },
      scratchDir: () => dir,
      defaultDir: '/home/me/Documents',
      hostname: 'dev laptop/01',
      now: () => new Date('2026-11-26T10:00:00Z'),
      ...over,
    }
  }
  it('names the file after the host and the day, safely', () => {
    expect(defaultFileName('cyclonedx', 'dev laptop/01', new Date('2026-11-26T10:00:00Z'))).toBe(
      'aiscout-dev-laptop-01-2026-11-26.cdx.json',
    )
    expect(defaultFileName('sarif', '../..', new Date('2026-11-26T10:00:00Z'))).toBe(
      'aiscout-host-2026-11-26.sarif',
    )
  })
  it('writes the chosen format where the user said, and reports the size', async () => {
    const d = deps()
    const out = await runExport('csv', { includeGone: false }, d)
    expect(out).toMatchObject({ kind: 'saved', format: 'csv', bytes: 5 })
    expect(d.written).toEqual([`csv:${(out as { path: string }).path}`])
  })
  it('prints the HTML report to PDF and removes the intermediate file', async () => {
    const d = deps()
    const out = await runExport('pdf', { includeGone: false }, d)
    expect(out).toMatchObject({ kind: 'saved', format: 'pdf' })
    expect(d.printed).toEqual(['<html>'])
    const html = d.written[0]!.slice('html:'.length)
    expect(existsSync(html)).toBe(false)
  })
  it('does nothing when the dialog is cancelled, and refuses a relative path', async () => {
    const d = deps({ pickSavePath: async () => undefined })
    expect(await runExport('json', { includeGone: false }, d)).toEqual({ kind: 'cancelled' })
    expect(d.written).toEqual([])
    await expect(
      runExport('json', { includeGone: false }, deps({ pickSavePath: async () => 'out.json' })),
    ).rejects.toThrow(/absolute/)
  })
  it('adds the extension when the user typed a name without one', async () => {
    const dir = tmp()
    const d = deps({ pickSavePath: async () => join(dir, 'report') })
    expect(await runExport('sarif', { includeGone: false }, d)).toMatchObject({
      path: join(dir, 'report.sarif'),
    })
  })
})
