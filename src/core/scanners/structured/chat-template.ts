import type { ByteSource } from '../byte-source'
import { defineScanner } from '../types'
import type { FormatScanResult, ModelFinding, ScanContext } from '../types'
import { analyzeChatTemplate } from './jinja'
import {
  baseNameOf,
  FormatError,
  invalidResult,
  isRecord,
  parseJson,
  readExact,
  textChunks,
  utf8Strict,
} from './util'

/**
 * Largest tokenizer config parsed (real ones, vocabularies of added tokens included, stay under a
 * few MB). Parsing JSON costs a multiple of its size in memory, so a larger file is reported as
 * not fully analysed instead.
 */
const MAX_CONFIG_BYTES = 32 << 20

function readText(src: ByteSource): string {
  return utf8Strict(readExact(src, 0, src.size, 'file'), 'file')
}

/** A `.jinja` chat template file (`chat_template.jinja` beside the weights). */
export function scanChatTemplateFile(
  src: ByteSource,
  ctx: ScanContext,
): FormatScanResult<'chat-template'> {
  // Streamed in chunks whatever its size: the analysis budgets bound memory, not a read limit.
  return {
    format: 'chat-template',
    findings: analyzeChatTemplate(textChunks(src, 0, src.size, ctx.signal), undefined, {
      member: ctx.member,
    }),
    metadata: { templateCount: 1 },
  }
}

/**
 * Hugging Face `tokenizer_config.json` / `chat_template.json`: `chat_template` is a string or a
 * list of `{name, template}`; every named template is analysed.
 */
export function scanTokenizerConfig(
  src: ByteSource,
  ctx: ScanContext,
): FormatScanResult<'tokenizer-config'> {
  const findings: ModelFinding[] = []
  if (src.size > MAX_CONFIG_BYTES) {
    return {
      format: 'tokenizer-config',
      findings: [
        {
          ruleId: 'chat-template.not-fully-analysed',
          message: `tokenizer config of ${src.size} bytes is over the ${MAX_CONFIG_BYTES}-byte analysis limit; its chat template was not checked`,
          member: ctx.member,
        },
      ],
      invalid: 'too large to analyse',
    }
  }
  try {
    const json = parseJson(readText(src), 'tokenizer config')
    if (!isRecord(json)) throw new FormatError('tokenizer config is not a JSON object')
    const t = json['chat_template']
    const templates: [string | undefined, string][] = []
    if (typeof t === 'string') templates.push([undefined, t])
    else if (Array.isArray(t)) {
      for (const item of t) {
        if (!isRecord(item) || typeof item['template'] !== 'string')
          throw new FormatError('chat_template list item has no template string')
        templates.push([
          typeof item['name'] === 'string' ? item['name'] : undefined,
          item['template'],
        ])
      }
    } else if (t !== undefined && t !== null)
      throw new FormatError('chat_template is neither a string nor a list')
    for (const [name, text] of templates)
      findings.push(...analyzeChatTemplate(text, name, { member: ctx.member }))
    const metadata: Record<string, string | number> = { templateCount: templates.length }
    if (typeof json['tokenizer_class'] === 'string')
      metadata['tokenizerClass'] = json['tokenizer_class'].slice(0, 128)
    if (typeof json['model_max_length'] === 'number' && json['model_max_length'] < 1e12)
      metadata['contextLength'] = json['model_max_length']
    return { format: 'tokenizer-config', findings, metadata }
  } catch (e) {
    return invalidResult('tokenizer-config', 'tokenizer-config.invalid', e, findings, ctx.member)
  }
}

export const chatTemplateScanner = defineScanner({
  formats: ['chat-template'],
  // Claimed by name; model folders route `chat_template.jinja` here (not every `.jinja` file).
  extensions: [],
  sniff(head, _src, name) {
    const base = baseNameOf(name)
    return (
      (base.endsWith('.jinja') || base.endsWith('.jinja2') || base.endsWith('.j2')) &&
      !head.includes(0)
    )
  },
  scan: scanChatTemplateFile,
})

export const tokenizerConfigScanner = defineScanner({
  formats: ['tokenizer-config'],
  extensions: [],
  sniff(head, _src, name) {
    const base = baseNameOf(name)
    return (
      (base === 'tokenizer_config.json' || base === 'chat_template.json') &&
      /^\s*\{/.test(
        Buffer.from(head.subarray(0, 64))
          .toString('utf8')
          .replace(/^\ufeff/, ''),
      )
    )
  },
  scan: scanTokenizerConfig,
})
