import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SEVERITY_COLORS } from '../../src/core/report/html/styles'

const CSS = readFileSync(resolve(__dirname, '../../src/dashboard/src/styles.css'), 'utf8')

describe('dashboard severity colours', () => {
  it('are the same as the HTML report’s (and so the desktop app’s)', () => {
    for (const [sev, colour] of Object.entries(SEVERITY_COLORS)) {
      const m = new RegExp(`--sev-${sev}:\\s*(#[0-9a-f]{6})`, 'i').exec(CSS)
      expect(m?.[1]?.toLowerCase(), sev).toBe(colour.toLowerCase())
    }
  })
})
