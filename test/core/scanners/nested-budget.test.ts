import { describe, expect, it } from 'vitest'
import { bufferSource } from '../../../src/core/scanners/byte-source'
import { newInflateBudget } from '../../../src/core/scanners/inflate-budget'
import { scanSource } from '../../../src/core/scanners/scan-source'
import { DEFAULT_LIMITS } from '../../../src/core/scanners/types'
import { nestedDeflatedZip, noise } from '../../fixtures/generators/pickle/nested-zip'
import { buildZip } from '../../fixtures/generators/pickle/zip-writer'

const KiB = 1024

function scan(bytes: Buffer, limits: Partial<typeof DEFAULT_LIMITS>) {
  const budget = newInflateBudget()
  const r = scanSource(bufferSource(bytes, 'nested.zip'), {
    path: 'nested.zip',
    limits: { ...DEFAULT_LIMITS, ...limits },
    budget,
  })
  return { r, budget }
}

/**
 * One inflate budget for a file's whole scan (inflate-budget.ts): nested archives share it, so
 * what is held at once stays under maxMemberBytes and what is inflated in all under
 * maxInflatedBytes, however deep the nesting. The accounting is asserted, not process memory.
 */
describe('inflate budget shared across nesting levels', () => {
  it('a member that would push the bytes held at once over the cap is not inflated', () => {
    const { r, budget } = scan(nestedDeflatedZip(3, 40 * KiB), { maxMemberBytes: 64 * KiB })
    const f = r.findings.find((x) => x.ruleId === 'zip.not-scanned')
    expect(f?.message).toMatch(/holds at once/)
    expect(f?.member).toBe('n.zip!n.zip')
    expect(r.invalid).toBeDefined()
    expect(budget.inflated).toBeLessThanOrEqual(64 * KiB)
    expect(budget.live).toBe(0)
  })

  it('the total inflated by nested archives counts against one file-wide cap', () => {
    const inner = (seed: number) =>
      buildZip([{ name: 'blob.bin', data: noise(30 * KiB, seed), deflate: true }])
    const outer = buildZip([
      { name: 'a.zip', data: inner(1), deflate: true },
      { name: 'b.zip', data: inner(2), deflate: true },
    ])
    const { r, budget } = scan(outer, { maxInflatedBytes: 100 * KiB })
    const f = r.findings.find((x) => x.ruleId === 'zip.bomb')
    expect(f?.message).toMatch(/in total \(nested archives included\)/)
    expect(f?.member).toBe('b.zip!blob.bin')
    expect(budget.inflated).toBeLessThanOrEqual(100 * KiB)
    expect(budget.live).toBe(0)
  })

  it('nesting that fits the cap is scanned in full, every inflated byte counted', () => {
    const { r, budget } = scan(nestedDeflatedZip(2, 20 * KiB), { maxMemberBytes: 64 * KiB })
    const ids = r.findings.map((x) => x.ruleId)
    expect(ids).not.toContain('zip.not-scanned')
    expect(ids).not.toContain('zip.bomb')
    expect(budget.inflated).toBeGreaterThan(40 * KiB)
    expect(budget.live).toBe(0)
  })
})
