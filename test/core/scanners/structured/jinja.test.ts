import { describe, expect, it } from 'vitest'
import { analyzeChatTemplate } from '../../../../src/core/scanners/structured/jinja'
import {
  BENIGN_TEMPLATES,
  MALICIOUS_TEMPLATES,
} from '../../../fixtures/generators/structured/templates'

describe('chat template static analysis', () => {
  for (const [name, text] of Object.entries(BENIGN_TEMPLATES)) {
    it(`stays quiet on the ${name} template`, () => {
      expect(analyzeChatTemplate(text, name)).toEqual([])
    })
  }

  for (const [name, text] of Object.entries(MALICIOUS_TEMPLATES)) {
    it(`CVE-2024-34359: flags the ${name} payload`, () => {
      const f = analyzeChatTemplate(text, 'default')
      expect(f.some((x) => x.ruleId === 'chat-template.injection')).toBe(true)
    })
  }

  it('CVE-2024-34359: a dunder name smuggled through a macro argument is found', () => {
    const t =
      "{% macro get(o, n) %}{{ o|attr(n) }}{% endmacro %}{{ get(lipsum, '__glo' ~ 'bals__') }}"
    expect(analyzeChatTemplate(t).map((x) => x.ruleId)).toContain('chat-template.injection')
  })

  it('CVE-2024-34359: str.format fields that read dunders are found', () => {
    expect(
      analyzeChatTemplate("{{ '{0.__class__.__mro__}'.format('') }}").map((x) => x.ruleId),
    ).toContain('chat-template.injection')
  })

  it('a loop-built name used on a literal is at least suspicious', () => {
    const t =
      "{% set ns = namespace(s='') %}{% for c in ['__cla', 'ss__'] %}{% set ns.s = ns.s ~ c %}{% endfor %}{{ ''[ns.s] }}"
    expect(analyzeChatTemplate(t).map((x) => x.ruleId)).toEqual(['chat-template.dynamic-attribute'])
  })

  it('uses the rule id and member it is given', () => {
    const f = analyzeChatTemplate(MALICIOUS_TEMPLATES['cycler-globals']!, 'tool_use', {
      injectionRuleId: 'gguf.chat-template-injection',
      member: 'm',
    })
    expect(f[0]).toMatchObject({ ruleId: 'gguf.chat-template-injection', member: 'm' })
    expect(f[0]!.message).toContain('"tool_use"')
  })

  it('reports |attr with a name it cannot compute as medium, not injection', () => {
    const f = analyzeChatTemplate('{% for k in keys %}{{ message|attr(k) }}{% endfor %}')
    expect(f.map((x) => x.ruleId)).toEqual(['chat-template.dynamic-attribute'])
  })

  it('does not flag subscripts with loop variables', () => {
    expect(
      analyzeChatTemplate('{% for key in tool %}{{ key }}: {{ tool[key] }}{% endfor %}'),
    ).toEqual([])
  })

  it('reports include/import as template loading', () => {
    expect(analyzeChatTemplate("{% include 'other.jinja' %}").map((x) => x.ruleId)).toEqual([
      'chat-template.template-loading',
    ])
  })

  it('reports unclosed tags as a syntax error but still finds payloads in them', () => {
    const ids = analyzeChatTemplate('{{ lipsum.__globals__.os.popen("id")').map((x) => x.ruleId)
    expect(ids).toContain('chat-template.syntax-error')
    expect(ids).toContain('chat-template.injection')
  })

  it('ignores payload text inside comments and raw blocks (never rendered as code)', () => {
    expect(
      analyzeChatTemplate(
        '{# {{ lipsum.__globals__ }} #}{% raw %}{{ cycler.__init__ }}{% endraw %}hi',
      ),
    ).toEqual([])
  })

  it('falls back to token checks when an expression cannot be parsed', () => {
    const ids = analyzeChatTemplate("{{ ) '__globals__' ( }}").map((x) => x.ruleId)
    expect(ids).toContain('chat-template.injection')
  })

  it('survives deeply nested and huge expressions without throwing', () => {
    expect(() => analyzeChatTemplate('{{ ' + '('.repeat(50_000) + ' }}')).not.toThrow()
    expect(() => analyzeChatTemplate("{{ 'a' * 1000000000 }}")).not.toThrow()
    expect(() => analyzeChatTemplate('{{ ' + 'a.'.repeat(20_000) + 'b }}')).not.toThrow()
    expect(() => analyzeChatTemplate('{{ ' + 'a if b else '.repeat(20_000) + 'c }}')).not.toThrow()
    expect(() => analyzeChatTemplate('{{ ' + "'a' ~ ".repeat(100_000) + "'b' }}")).not.toThrow()
  })
})
