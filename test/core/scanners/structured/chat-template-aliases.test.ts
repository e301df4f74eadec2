import { describe, expect, it } from 'vitest'
import { analyzeChatTemplate } from '../../../../src/core/scanners/structured/jinja'

const ids = (t: string): string[] => analyzeChatTemplate(t).map((f) => f.ruleId)
const MEDIUM_OR_MORE = [
  'chat-template.injection',
  'chat-template.dynamic-attribute',
  'chat-template.not-fully-analysed',
]
const flagged = (t: string): boolean => ids(t).some((r) => MEDIUM_OR_MORE.includes(r))

/**
 * jinja2's Environment.getitem falls back to getattr for string keys, so `obj[k]` with k built
 * to `__init__` walks into Python internals as `obj.__init__` does (CVE-2024-34359 class). These
 * templates hide the gadget object behind a name and the dunder behind operations.
 */
describe('CVE-2024-34359: gadget objects reached through aliases', () => {
  it('an alias from {% set %} with a key built by str.center', () => {
    const t =
      "{% set g = joiner %}{% set k = 'init'.center(8, '_') %}{{ g[k] }}{{ messages|length }}"
    expect(ids(t)).toContain('chat-template.injection')
  })

  it('the center filter and trim rebuild an underscore', () => {
    const t =
      "{% set p = ('_'|center(3))|trim %}{% set k = p * 2 ~ 'globals' ~ p * 2 %}{% set h = lipsum %}{{ h[k] }}"
    expect(ids(t)).toContain('chat-template.injection')
  })

  it('a loop alias over a tuple that holds the gadget', () => {
    const t = "{% for o in (0, cycler) %}{{ o[eos_token][eos_token]['os'] }}{% endfor %}"
    expect(ids(t)).toContain('chat-template.injection')
  })

  it('a {% with %} alias', () => {
    const t = '{% with w = joiner %}{{ w[bos_token].sys }}{% endwith %}'
    expect(ids(t)).toContain('chat-template.injection')
  })

  it('a namespace attribute that holds the gadget', () => {
    const t =
      '{% set box = namespace(v=none) %}{% set box.v = cycler %}{{ box.v[pad_token].subprocess }}'
    expect(ids(t)).toContain('chat-template.injection')
  })

  it('a rebinding in a branch never taken does not clear the alias', () => {
    const t =
      "{% set c = cycler %}{% if false %}{% set c = 'plain' %}{% endif %}{{ c[unk_token].os }}"
    expect(ids(t)).toContain('chat-template.injection')
  })

  it('a gadget handed to a macro that subscripts its parameter', () => {
    const t =
      "{% macro reach(o, n) %}{{ o[n] }}{% endmacro %}{{ reach(joiner, 'in' ~ messages[0].role) }}"
    expect(ids(t)).toContain('chat-template.dynamic-attribute')
  })

  it('a computed key on an alias is at least medium', () => {
    const t = "{% set j = joiner %}{{ j[messages[0]['content']] }}"
    expect(flagged(t)).toBe(true)
  })
})

describe('CVE-2024-34359: names the template builds with string operations', () => {
  it('a key built by a filter the analysis does not fold is reported on any object', () => {
    const t = "{{ messages[('_'|wordwrap(1)) ~ '_class__'] }}"
    expect(ids(t)).toContain('chat-template.dynamic-attribute')
  })

  it('a default() fallback glued into a name is reported', () => {
    const t = "{% set s = missing|default('_') %}{{ messages[s ~ s ~ 'class' ~ s ~ s]['mro'] }}"
    expect(flagged(t)).toBe(true)
  })

  it('two loop choices concatenated are not a checked constant', () => {
    const t =
      "{% for a in ['__in', 'x'] %}{% for b in ['it__', 'y'] %}{{ tools[a ~ b] }}{% endfor %}{% endfor %}"
    expect(ids(t)).toContain('chat-template.dynamic-attribute')
  })

  it('str.format with a repeated field', () => {
    expect(ids("{{ ''|attr('{0}{0}class{0}{0}'.format('_')) }}")).toContain(
      'chat-template.injection',
    )
  })

  it('strip() removes the characters Python counts as whitespace', () => {
    expect(ids("{{ ''|attr('\\x1f__class__\\x1c'.strip()) }}")).toContain('chat-template.injection')
  })

  it('replace() with a count', () => {
    const t = "{% set k = 'xxinitxx'|replace('x', '_', 2) %}{{ tools[k[:6] ~ k[:2]] }}"
    expect(ids(t)).toContain('chat-template.injection')
  })

  it('ljust, rjust and zfill pad as Python does', () => {
    expect(ids("{{ tools['init'.rjust(6, '_').ljust(8, '_')] }}")).toContain(
      'chat-template.injection',
    )
  })

  it('the |title filter lower-cases after the first character', () => {
    // Jinja's do_title gives '__' + 'class__' for this string: a dunder only after folding.
    expect(ids("{{ tools['_-_CLASS__'|replace('-', '')|title] }}")).toContain(
      'chat-template.injection',
    )
  })

  it('a loop over a constant list whose element folds to a dunder', () => {
    const t = "{% for n in ['_' * 2 ~ 'class' ~ '_' * 2] %}{{ ''[n] }}{% endfor %}"
    expect(ids(t)).toContain('chat-template.injection')
  })

  it('a name bound to a dunder and then to something else is still found', () => {
    const t = "{% set n = '__cl' ~ 'ass__' %}{% set n = 'x' %}{{ n }}"
    expect(ids(t)).toContain('chat-template.injection')
  })

  it('a loop over more constants than the analysis checks is reported', () => {
    const t = "{% for n in ('ab' * 6000)|list %}{{ n }}{% endfor %}"
    expect(ids(t)).toContain('chat-template.not-fully-analysed')
  })
})

/** Ordinary chat templates, written for these tests in the styles of common model families. */
const BENIGN: Record<string, string> = {
  'llama3-tools': `{{- bos_token }}{%- if not date_string is defined %}{%- set date_string = strftime_now("%d %b %Y") %}{%- endif %}
{%- if messages[0]['role'] == 'system' %}{%- set system_message = messages[0]['content']|trim %}{%- set messages = messages[1:] %}{%- else %}{%- set system_message = "" %}{%- endif %}
{{- "<|start_header_id|>system<|end_header_id|>\\n\\nToday: " + date_string + "\\n" + system_message + "<|eot_id|>" }}
{%- for m in messages %}{%- if m.role == 'assistant' and m.tool_calls is defined %}{%- set call = m.tool_calls[0].function %}
{{- '{"name": "' + call.name + '", "parameters": ' + call.arguments|tojson + '}' }}
{%- for arg_name, arg_val in call.arguments|items %}{{ arg_name ~ '=' ~ arg_val }}{% endfor %}
{%- else %}{{- '<|start_header_id|>' + m['role'] + '<|end_header_id|>\\n\\n' + m['content']|trim + '<|eot_id|>' }}{%- endif %}{%- endfor %}
{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}`,
  'qwen3-reverse-scan': `{%- set ns = namespace(multi_step_tool=true, last_query_index=messages|length - 1) %}
{%- for message in messages[::-1] %}{%- set index = (messages|length - 1) - loop.index0 %}
{%- if ns.multi_step_tool and message.role == "user" %}{%- set ns.multi_step_tool = false %}{%- set ns.last_query_index = index %}{%- endif %}{%- endfor %}
{%- for message in messages %}{%- set content = message.content if message.content is string else '' %}
{%- if message.role == "assistant" and loop.index0 > ns.last_query_index %}{%- set reasoning = content.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') %}{{ reasoning }}{%- endif %}
{%- if loop.index0 > 0 and messages[loop.index0 - 1].role == 'tool' %}{{ '<tool_response>' }}{% endif %}
{{- '<|im_start|>' + message.role + '\\n' + content + '<|im_end|>\\n' }}{%- endfor %}`,
  'hermes-type-map': `{%- macro py_type(spec) %}{%- set simple = {"string": "str", "number": "float", "integer": "int", "boolean": "bool"} %}
{%- if spec.type in simple %}{{- simple[spec.type] }}{%- elif spec.type == "array" %}{{- "list[" + py_type(spec['items']) + "]" }}{%- else %}{{- "Any" }}{%- endif %}{%- endmacro %}
{%- for tool in tools %}{%- for param_name, param_fields in tool.parameters.properties|items %}{{ param_name }}: {{ py_type(param_fields) }}
{%- for json_key in param_fields.keys() | reject("in", ["type", "description"]) %}{{ json_key }}={{ param_fields[json_key]|tojson }}{%- endfor %}{%- endfor %}
{%- for req in tool.parameters.required %}{{ tool.parameters.properties[req].description }}{% endfor %}{%- endfor %}`,
  'role-markers': `{% set markers = {'system': '<<SYS>>', 'user': '[INST]', 'assistant': '[/INST]'} %}{% for message in messages %}{{ markers[message['role']] ~ ' ' ~ message['content'] }}{% if loop.last and add_generation_prompt %}{{ markers['assistant'] }}{% endif %}{% endfor %}`,
  'with-and-counters': `{% with first = messages[0] %}{% if first.role == 'system' %}{{ first.content }}{% endif %}{% endwith %}{% set turns = namespace(n=0) %}{% for message in messages %}{% if message.role == 'user' %}{% set turns.n = turns.n + 1 %}{% endif %}{% if (message.role == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('roles must alternate') }}{% endif %}{{ loop.cycle('<a>', '<b>') }}{{ message.content }}{% endfor %}{{ turns.n }}`,
  'gemma-multimodal': `{{ bos_token }}{%- for message in messages -%}{%- set role = "model" if message['role'] == 'assistant' else message['role'] -%}{{ '<start_of_turn>' + role + '\\n' }}{%- if message['content'] is string -%}{{ message['content'] | trim }}{%- else -%}{%- for item in message['content'] -%}{%- if item['type'] == 'image' -%}{{ '<start_of_image>' }}{%- elif item['type'] == 'text' -%}{{ item['text'] | trim }}{%- endif -%}{%- endfor -%}{%- endif -%}{{ '<end_of_turn>\\n' }}{%- endfor -%}{%- if add_generation_prompt -%}{{ '<start_of_turn>model\\n' }}{%- endif -%}`,
}

describe('ordinary chat templates stay quiet', () => {
  for (const [name, text] of Object.entries(BENIGN)) {
    it(`no findings on the ${name} template`, () => {
      expect(analyzeChatTemplate(text, name)).toEqual([])
    })
  }
})
