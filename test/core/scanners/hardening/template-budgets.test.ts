import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeChatTemplate } from '../../../../src/core/scanners/structured/jinja'
import { llamaLikeGguf } from '../../../fixtures/generators/structured/gguf'
import {
  MALICIOUS_TEMPLATES,
  manyFilterTags,
  repeatedFilterTemplate,
  templateWithPayloadAfter,
} from '../../../fixtures/generators/structured/templates'
import { judge, tempDir } from '../structured/helpers'

const payload = MALICIOUS_TEMPLATES['cycler-globals']!
const ROOT = resolve(__dirname, '../../../..')
const CLI = join(ROOT, 'out/cli/aiscout.js')

/** Issue 15 item 3: GGUF chat templates longer than any kept-string limit. */
describe('GGUF strings cut at a size limit', () => {
  it('finds a payload placed after 17 MiB of template text (nothing is cut)', () => {
    const r = judge(llamaLikeGguf(templateWithPayloadAfter(17 << 20, payload)), 'm.gguf')
    expect(r.findings.map((f) => f.ruleId)).toContain('gguf.chat-template-injection')
    expect(r.verdict).toBe('malicious')
  })

  it('finds a payload after 17 MiB in a named template too', () => {
    const named = { tool_use: templateWithPayloadAfter(17 << 20, payload) }
    const r = judge(llamaLikeGguf('{{ messages }}', named), 'm.gguf')
    expect(r.findings.some((f) => f.message.includes('"tool_use"'))).toBe(true)
  })

  it('reports a template too large to analyse in full as high, never safe', () => {
    const r = judge(llamaLikeGguf(manyFilterTags(500_000)), 'm.gguf')
    const f = r.all.find((x) => x.ruleId === 'chat-template.not-fully-analysed')
    expect(f?.severity).toBe('high')
    expect(r.verdict).toBe('malicious')
  })
})

/** Issue 15 item 7: the analyser's memory is bounded by token and node budgets. */
describe('Jinja analysis memory', () => {
  it('analyses one expression of a million filters within its budget and says so', () => {
    const found = analyzeChatTemplate(repeatedFilterTemplate(1_000_000, payload))
    expect(found.map((f) => f.ruleId)).toContain('chat-template.not-fully-analysed')
  })

  it('still sees a dunder past a tag budget, token by token', () => {
    const found = analyzeChatTemplate(
      repeatedFilterTemplate(30_000) + `{{ x${'|trim'.repeat(30_000)}|attr('__globals__') }}`,
    )
    expect(found.map((f) => f.ruleId)).toContain('chat-template.injection')
  })

  it('checks a chain nested past the visit depth instead of passing it', () => {
    const deep = `{{ (''|attr('__class__'))${'|trim'.repeat(400)} }}`
    const ids = analyzeChatTemplate(deep).map((f) => f.ruleId)
    expect(ids).toContain('chat-template.injection')
    expect(ids).toContain('chat-template.not-fully-analysed')
  })

  it('stays quiet on an ordinary long template streamed in small chunks', () => {
    const text = '{% for m in messages %}{{ m.role }}: {{ m.content|trim }}\n{% endfor %}'.repeat(
      200,
    )
    const chunks = text.match(/[\s\S]{1,7}/g)!
    expect(analyzeChatTemplate(chunks)).toEqual([])
    expect(analyzeChatTemplate(chunks.join('') + payload).map((f) => f.ruleId)).toContain(
      'chat-template.injection',
    )
  })

  it.runIf(existsSync(CLI))(
    'keeps peak memory under 300 MB on a 40 MB template of repeated filters (child process)',
    () => {
      const t = tempDir('tpl-rss')
      try {
        const p = t.write('chat_template.jinja', repeatedFilterTemplate(8_000_000))
        const r = spawnSync(
          process.execPath,
          [
            '-r',
            join(ROOT, 'test/helpers/print-max-rss.cjs'),
            CLI,
            'scan-model',
            '--format',
            'json',
            p,
          ],
          { encoding: 'utf8', timeout: 120_000 },
        )
        const rss = Number(/maxRSS=(\d+)/.exec(r.stderr)?.[1])
        expect(JSON.parse(r.stdout).files[0].verdict).toBe('malicious')
        expect(rss).toBeGreaterThan(0)
        expect(rss).toBeLessThan(300 * 1024)
      } finally {
        t.cleanup()
      }
    },
  )
})
