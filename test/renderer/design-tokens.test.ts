import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SEVERITY_COLORS } from '../../src/core/report/html/styles'
import { SEVERITIES } from '../../src/core/types'

const TOKENS = readFileSync(join(__dirname, '../../src/shared/styles/tokens.css'), 'utf8')

/** Relative luminance and contrast ratio (WCAG 2.x). */
function lum(hex: string): number {
  const c = [1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
  return 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!
}
const contrast = (a: string, b: string): number => {
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p) as [number, number]
  return (x + 0.05) / (y + 0.05)
}
type Theme = 'light' | 'dark'

/** A colour token in one theme: `--x: #rrggbb` (both) or `--x: light-dark(#light, #dark)`. */
function token(theme: Theme, name: string): string {
  const m = new RegExp(
    `--${name}:\\s*(?:light-dark\\(\\s*(#[0-9a-f]{6}),\\s*(#[0-9a-f]{6})\\s*\\)|(#[0-9a-f]{6}))\\s*;`,
    'i',
  ).exec(TOKENS)
  if (!m) throw new Error(`--${name} not found`)
  return (m[3] ?? (theme === 'light' ? m[1] : m[2]))!.toLowerCase()
}

describe('severity colours: one system for the app and the HTML report', () => {
  it.each(SEVERITIES)('%s: the app marks it with the report colour', (s) => {
    for (const theme of ['light', 'dark'] as const)
      expect(token(theme, `sev-${s}`), theme).toBe(SEVERITY_COLORS[s].toLowerCase())
  })
  it.each(SEVERITIES)(
    '%s: its label text reads at 4.5:1 on its tint and on the page, in both themes',
    (s) => {
      for (const theme of ['light', 'dark'] as const) {
        const text = token(theme, `sev-${s}-text`)
        expect(
          contrast(text, token(theme, `sev-${s}-tint`)),
          `${theme} on tint`,
        ).toBeGreaterThanOrEqual(4.5)
        expect(
          contrast(text, token(theme, 'surface')),
          `${theme} on surface`,
        ).toBeGreaterThanOrEqual(4.5)
      }
    },
  )
})
