import { checkMetadataStrings } from '../../config/instantiation'
import type { ByteSource } from '../../byte-source'
import { defineScanner } from '../../types'
import type { FormatScanResult, ModelFinding, ModelMetadata, ScanContext } from '../../types'
import { analyzeChatTemplate } from '../jinja'
import { asciiAt, invalidResult, textChunks } from '../util'
import type { GgufHeader, GgufValue } from './header'
import { GGML_TYPES, isTemplateKey, parseGgufHeader } from './header'

/** llama.cpp `general.file_type` values (LLAMA_FTYPE_*). */
const FILE_TYPES: Readonly<Record<number, string>> = {
  0: 'F32',
  1: 'F16',
  2: 'Q4_0',
  3: 'Q4_1',
  7: 'Q8_0',
  8: 'Q5_0',
  9: 'Q5_1',
  10: 'Q2_K',
  11: 'Q3_K_S',
  12: 'Q3_K_M',
  13: 'Q3_K_L',
  14: 'Q4_K_S',
  15: 'Q4_K_M',
  16: 'Q5_K_S',
  17: 'Q5_K_M',
  18: 'Q6_K',
  19: 'IQ2_XXS',
  20: 'IQ2_XS',
  21: 'Q2_K_S',
  22: 'IQ3_XS',
  23: 'IQ3_XXS',
  24: 'IQ1_S',
  25: 'IQ4_NL',
  26: 'IQ3_S',
  27: 'IQ3_M',
  28: 'IQ2_S',
  29: 'IQ2_M',
  30: 'IQ4_XS',
  31: 'IQ1_M',
  32: 'BF16',
  36: 'TQ1_0',
  37: 'TQ2_0',
  38: 'MXFP4_MOE',
}

function str(v: GgufValue | undefined): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v.slice(0, 512) : undefined
}
function num(v: GgufValue | undefined): number | undefined {
  if (typeof v === 'number') return v
  if (typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= 0n) return Number(v)
  return undefined
}

function metadataOf(h: GgufHeader): ModelMetadata {
  const arch = str(h.kv.get('general.architecture'))
  let params = 0
  const typeCounts = new Map<string, number>()
  for (const t of h.tensors) {
    params += t.dims.reduce((a, b) => a * b, 1)
    const name = GGML_TYPES[t.type]![0]
    typeCounts.set(name, (typeCounts.get(name) ?? 0) + 1)
  }
  const ft = num(h.kv.get('general.file_type'))
  const dominant = [...typeCounts].sort((a, b) => b[1] - a[1])[0]?.[0]
  const quantization = ft !== undefined ? FILE_TYPES[ft] : dominant
  const ctx = arch ? num(h.kv.get(`${arch}.context_length`)) : undefined
  const out: Record<string, string | number | readonly string[]> = {
    ggufVersion: h.version,
    tensorCount: h.tensors.length,
    parameterCount: params,
  }
  const put = (k: string, v: string | number | undefined): void => {
    if (v !== undefined) out[k] = v
  }
  put('architecture', arch)
  put('modelName', str(h.kv.get('general.name')))
  put('quantization', quantization)
  put('contextLength', ctx)
  put('license', str(h.kv.get('general.license')))
  put('sizeLabel', str(h.kv.get('general.size_label')))
  if (typeCounts.size > 0) out['dtypes'] = [...typeCounts.keys()].sort()
  return out
}

/** Chat templates located by the header parse: [name, byte offset, byte length]. */
function templatesOf(h: GgufHeader): [string, number, number][] {
  const out: [string, number, number][] = []
  for (const [k, v] of h.kv) {
    if (!isTemplateKey(k) || typeof v !== 'object' || !('textAt' in v)) continue
    out.push([
      k === 'tokenizer.chat_template' ? 'default' : k.slice('tokenizer.chat_template.'.length),
      v.textAt,
      v.byteLength,
    ])
  }
  return out
}

export function scanGguf(src: ByteSource, ctx: ScanContext): FormatScanResult<'gguf'> {
  const findings: ModelFinding[] = []
  let header: GgufHeader
  try {
    header = parseGgufHeader(src, ctx.signal)
  } catch (e) {
    return invalidResult('gguf', 'gguf.invalid-header', e, findings, ctx.member)
  }
  // Templates are streamed from the file whatever their length: nothing is cut at a limit.
  for (const [name, at, length] of templatesOf(header)) {
    findings.push(
      ...analyzeChatTemplate(textChunks(src, at, length, ctx.signal), name, {
        injectionRuleId: 'gguf.chat-template-injection',
        member: ctx.member,
      }),
    )
  }
  // A template-typed key that is not a string cannot be checked: say so rather than pass it.
  for (const [k, v] of header.kv) {
    if (isTemplateKey(k) && (typeof v !== 'object' || !('textAt' in v))) {
      findings.push({
        ruleId: 'gguf.invalid-header',
        message: `${k} is not a string`,
        member: ctx.member,
      })
    }
  }
  // Metadata strings that embed an instantiation config (a `_target_` a loader would call).
  const strings: [string, string][] = []
  for (const [k, v] of header.kv) {
    if (typeof v === 'string' && !k.startsWith('tokenizer.chat_template')) strings.push([k, v])
  }
  findings.push(...checkMetadataStrings(strings, { where: 'GGUF metadata', member: ctx.member }))
  return { format: 'gguf', findings, metadata: metadataOf(header) }
}

export const ggufScanner = defineScanner({
  formats: ['gguf'],
  extensions: ['.gguf'],
  claims: ['.gguf'],
  sniff: (head) => asciiAt(head, 0, 'GGUF'),
  scan: scanGguf,
})
