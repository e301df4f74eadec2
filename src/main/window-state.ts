import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/** The main window's size and place, remembered across launches (a native app's manners). */
export type WindowBounds = Readonly<{
  x?: number
  y?: number
  width: number
  height: number
  maximized: boolean
}>

export const DEFAULT_BOUNDS: WindowBounds = { width: 1280, height: 800, maximized: false }
export const MIN_SIZE = { width: 960, height: 600 } as const

type Display = Readonly<{ x: number; y: number; width: number; height: number }>

/**
 * Reads saved bounds; anything missing, malformed, too small or off every display falls back to
 * the default size, centred by the OS (a monitor that was unplugged must not hide the window).
 */
export function loadBounds(file: string, displays: readonly Display[]): WindowBounds {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return DEFAULT_BOUNDS
  }
  const b = raw as Partial<Record<keyof WindowBounds, unknown>>
  const int = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v)
  if (!int(b.width) || !int(b.height)) return DEFAULT_BOUNDS
  const width = Math.max(MIN_SIZE.width, Math.min(b.width, 10_000))
  const height = Math.max(MIN_SIZE.height, Math.min(b.height, 10_000))
  const maximized = b.maximized === true
  if (!int(b.x) || !int(b.y)) return { width, height, maximized }
  const x = b.x
  const y = b.y
  // Visible when at least a 100x50 corner of the title bar lies on some display.
  const visible = displays.some(
    (d) => x + 100 > d.x && x < d.x + d.width - 100 && y >= d.y - 10 && y < d.y + d.height - 50,
  )
  return visible ? { x, y, width, height, maximized } : { width, height, maximized }
}

/** Writes bounds atomically (a crash mid-write leaves the previous file). */
export function saveBounds(file: string, b: WindowBounds): void {
  mkdirSync(dirname(file), { recursive: true })
  const tmp = `${file}.tmp`
  writeFileSync(tmp, JSON.stringify(b))
  renameSync(tmp, file)
}
