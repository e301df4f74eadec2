import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { RULES, RULES_VERSION } from '../../../src/core/rules'

/**
 * Remembered results (model scan reports, notebook facts, secret hits of unchanged files) carry
 * RULES_VERSION. What they hold of a rule is its id and severity: a change to either must come
 * with a new version, or unchanged files keep their old results. When this test fails, raise
 * RULES_VERSION in src/core/rules/version.ts and record the new pair here.
 */
const PINNED = { version: 11, digest: '8afe38971b3fedf4' }

describe('rules version', () => {
  it('changes whenever a rule id or severity changes', () => {
    const digest = createHash('sha256')
      .update(JSON.stringify(RULES.map((r) => [r.id, r.severity])))
      .digest('hex')
      .slice(0, 16)
    expect({ version: RULES_VERSION, digest }).toEqual(PINNED)
  })
})
