import type { ByteSource } from '../byte-source'
import { defineScanner } from '../types'
import type { FormatScanResult, ScanContext } from '../types'
import { analyzeKerasConfig } from './keras/config-analysis'
import {
  baseNameOf,
  FormatError,
  invalidResult,
  isRecord,
  parseJson,
  readExact,
  utf8Strict,
} from './util'

/**
 * `config.json` of a Keras v3 archive (the zip scanner hands each member back through
 * scanNested). Claimed by name and by a JSON shape that carries `class_name`, so a Hugging Face
 * transformers config.json is not mistaken for it.
 */
export function scanKerasConfig(
  src: ByteSource,
  ctx: ScanContext,
): FormatScanResult<'keras-config'> {
  const where = ctx.member ?? 'config.json'
  try {
    if (src.size > ctx.limits.maxHeaderBytes)
      throw new FormatError(`config of ${src.size} bytes exceeds the scan limit`)
    const json = parseJson(utf8Strict(readExact(src, 0, src.size, 'config'), 'config'), 'config')
    const r = analyzeKerasConfig(json, {
      lambdaRuleId: 'keras.lambda-layer',
      member: ctx.member,
      where,
    })
    const metadata: Record<string, string | number> = { layerCount: r.layerCount }
    if (r.topClass) metadata['architecture'] = r.topClass
    return {
      format: 'keras-config',
      findings: r.findings,
      metadata,
      ...(r.truncated ? { invalid: 'config too deep' } : {}),
    }
  } catch (e) {
    return invalidResult('keras-config', 'keras.invalid-config', e, [], ctx.member)
  }
}

/** `metadata.json` of a Keras v3 archive: only the Keras version, for the inventory. */
export function scanKerasMetadataJson(
  src: ByteSource,
  ctx: ScanContext,
): FormatScanResult<'keras-config'> {
  try {
    if (src.size > 1024 * 1024) throw new FormatError('metadata.json larger than 1 MiB')
    const json = parseJson(
      utf8Strict(readExact(src, 0, src.size, 'metadata'), 'metadata'),
      'metadata',
    )
    if (!isRecord(json)) throw new FormatError('metadata.json is not a JSON object')
    const v = json['keras_version']
    return {
      format: 'keras-config',
      findings: [],
      metadata: typeof v === 'string' ? { kerasVersion: v.slice(0, 64) } : {},
    }
  } catch (e) {
    return invalidResult('keras-config', 'keras.invalid-config', e, [], ctx.member)
  }
}

export const kerasConfigScanner = defineScanner({
  formats: ['keras-config'],
  // Claimed by name (`config.json`, `metadata.json`) inside Keras archives and model folders.
  extensions: [],
  sniff(head, _src, name) {
    const base = baseNameOf(name)
    const text = Buffer.from(head).toString('utf8')
    if (!/^\s*\{/.test(text)) return false
    if (base === 'metadata.json') return /"keras_version"\s*:/.test(text)
    return base === 'config.json' && /"class_name"\s*:/.test(text)
  },
  scan(src, ctx) {
    return baseNameOf(ctx.member ?? ctx.path) === 'metadata.json'
      ? scanKerasMetadataJson(src, ctx)
      : scanKerasConfig(src, ctx)
  },
})
