import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RULES, findRule } from '../../../src/core/rules'
import { SEVERITIES } from '../../../src/core/types'

const SRC = resolve(__dirname, '../../../src')

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) yield* sourceFiles(p)
    else if (/\.tsx?$/.test(name)) yield p
  }
}

describe('the rule table', () => {
  it('has unique ids, a known severity and plain-words why and fix for every rule', () => {
    const ids = RULES.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const r of RULES) {
      expect(SEVERITIES).toContain(r.severity)
      expect(r.id).toMatch(/^[a-z0-9-]+\.[a-z0-9.-]+$/)
      expect(r.title.length, r.id).toBeGreaterThan(10)
      expect(r.why.length, r.id).toBeGreaterThan(30)
      expect(r.fix.length, r.id).toBeGreaterThan(15)
    }
  })

  it('knows every rule id that source code emits as a literal', () => {
    const used = new Set<string>()
    for (const f of sourceFiles(SRC)) {
      for (const m of readFileSync(f, 'utf8').matchAll(/ruleId:\s*'([a-z0-9-]+\.[a-z0-9.-]+)'/g))
        used.add(m[1]!)
    }
    expect(used.size).toBeGreaterThan(20)
    const unknown = [...used].filter((id) => !findRule(id))
    expect(unknown).toEqual([])
  })
})
