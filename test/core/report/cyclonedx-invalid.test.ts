import { PassThrough } from 'node:stream'
import { describe, expect, it, vi } from 'vitest'
import type * as Components from '../../../src/core/report/cyclonedx/components'
import { CycloneDxValidationError, writeReport } from '../../../src/core/report/index'
import { fixtureInventory } from '../../fixtures/generators/inventory'
import { OPTS } from './helpers'

// Make the component builder emit a field the 1.6 schema does not allow (additionalProperties:false),
// standing in for any future mapping bug: the document must be refused before a byte is written.
vi.mock('../../../src/core/report/cyclonedx/components', async (importOriginal) => {
  const orig = await importOriginal<typeof Components>()
  return {
    ...orig,
    assetComponent: (...args: Parameters<typeof orig.assetComponent>) => {
      const c = orig.assetComponent(...args)
      return args[0].kind === 'compute' ? { ...c, gpuMemory: 24 } : c
    },
  }
})

describe('cyclonedx validation failure', () => {
  it('rejects with a clear error and writes nothing', async () => {
    const fx = fixtureInventory({ secretValue: 'sk-nothing-0123456789abcdef' })
    const out = new PassThrough()
    let written = 0
    out.on('data', (c: Buffer) => (written += c.length))
    const p = writeReport('cyclonedx', fx.inv, out, OPTS)
    await expect(p).rejects.toBeInstanceOf(CycloneDxValidationError)
    await expect(p).rejects.toThrow(/CycloneDX 1.6 document failed schema validation/)
    expect(written).toBe(0)
  })
})
