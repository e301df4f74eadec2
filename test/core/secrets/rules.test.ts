import { describe, expect, it } from 'vitest'
import { createSecretScanner, SECRET_RULE_DEFS } from '../../../src/core/secrets'
import {
  contextFor,
  expectedDetector,
  KEY_MAKERS,
  makeRng,
} from '../../fixtures/generators/secrets/keys'

const scanner = createSecretScanner({ fingerprintKey: new Uint8Array(32).fill(7) })
const scan = (text: string, path = '/home/u/project/.env') =>
  scanner.scanText(text, { path, kind: 'dotenv' })

describe('secret rules: one true positive per detector row', () => {
  it('every AI detector row has a generator (agent rows: agent-rules.test.ts)', () => {
    const makers = new Set(Object.keys(KEY_MAKERS).map(expectedDetector))
    for (const r of SECRET_RULE_DEFS.filter((r) => r.scope !== 'agent'))
      expect(makers.has(r.id), r.id).toBe(true)
  })

  for (const maker of Object.keys(KEY_MAKERS)) {
    it(`${maker}: found and attributed`, () => {
      const rng = makeRng(maker.length * 7919)
      const make = KEY_MAKERS[maker]!
      const key = make(rng)
      const hits = scan(contextFor(maker, key))
      expect(hits.map((h) => h.detector)).toEqual([expectedDetector(maker)])
      const rule = SECRET_RULE_DEFS.find((r) => r.id === expectedDetector(maker))!
      expect(hits[0]!.provider).toBe(rule.provider)
      expect(hits[0]!.ruleId).toBe('secret.ai-api-key')
      expect(JSON.stringify(hits)).not.toContain(key)
    })
  }
})
