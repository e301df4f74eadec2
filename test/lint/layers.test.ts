import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

/**
 * The layer rules of eslint.config.mjs, checked against deliberate violations: each fixture in
 * test/fixtures/layers is linted as if it lived at the path on its `lint-as:` line and must
 * raise exactly the rule on its `expect:` line (with the layer named in brackets), or nothing.
 */
const ROOT = join(__dirname, '..', '..')
const DIR = join(ROOT, 'test', 'fixtures', 'layers')

type Fixture = Readonly<{ name: string; code: string; as: string; expect: string }>

const fixtures: Fixture[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.ts'))
  .sort()
  .map((name) => {
    const code = readFileSync(join(DIR, name), 'utf8')
    const as = /^\/\/ lint-as: (\S+)$/m.exec(code)?.[1]
    const expect = /^\/\/ expect: (.+)$/m.exec(code)?.[1]
    if (!as || !expect) throw new Error(`${name} needs lint-as: and expect: lines`)
    return { name, code, as, expect }
  })

describe('layer rules (eslint.config.mjs)', () => {
  const eslint = new ESLint({ cwd: ROOT })

  it('has violation fixtures for every layer and clean ones', () => {
    const layers = new Set(fixtures.map((f) => /\[(.+)\]/.exec(f.expect)?.[1]).filter(Boolean))
    for (const l of ['cli', 'main', 'server', 'renderer', 'dashboard', 'preload', 'shared', 'core'])
      expect(layers).toContain(l)
    expect(fixtures.some((f) => f.expect.startsWith('no-console'))).toBe(true)
    expect(fixtures.filter((f) => f.expect === 'nothing').length).toBeGreaterThanOrEqual(3)
  })

  for (const f of fixtures) {
    it(`${f.name}: ${f.expect}`, async () => {
      const [result] = await eslint.lintText(f.code, { filePath: join(ROOT, f.as) })
      const messages = result!.messages.map((m) => ({ rule: m.ruleId, message: m.message }))
      if (f.expect === 'nothing') {
        expect(messages).toEqual([])
        return
      }
      const [, rule, layer] = /^(\S+)(?: \[(.+)\])?$/.exec(f.expect)!
      expect(messages.length).toBeGreaterThan(0)
      for (const m of messages) {
        expect(m.rule).toBe(rule)
        if (layer) expect(m.message).toContain(`[${layer}]`)
      }
    })
  }
})
