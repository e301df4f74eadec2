import { describe, expect, it } from 'vitest'
import { renderInventoryTable } from '../../src/cli/table'
import { fixtureInventory } from '../fixtures/generators/inventory'

describe('the CLI inventory table', () => {
  const fx = fixtureInventory({ secretValue: 'hf_PLANTEDtableVALUEabcdefghijklmnopqr' })
  const text = renderInventoryTable(fx.inv).replace(/\x1b\[[0-9;]*m/g, '')

  it('counts each model once, a multi-file repo included', () => {
    const models = [...fx.inv.assets()].filter((a) => a.kind === 'model')
    expect(models.filter((a) => a.name === 'acme/sharded')).toHaveLength(1)
    expect(text).toMatch(new RegExp(`^  model\\s+${models.length}$`, 'm'))
  })

  it('names the files that make a multi-file model risky', () => {
    const line = text.split('\n').find((l) => l.includes('models--acme--sharded'))
    expect(line).toMatch(/malicious\s+\S+models--acme--sharded \(pytorch_model\.bin\)$/)
  })
})
