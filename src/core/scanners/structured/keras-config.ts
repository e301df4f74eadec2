import type { ByteSource } from '../byte-source'
import { DEFAULT_LIMITS, defineScanner } from '../types'
import type { FormatScanResult, ScanContext } from '../types'
import { analyzeKerasConfig } from './keras/config-analysis'
import { decodeJsonBytes } from './keras/json-bytes'
import {
  baseNameOf,
  FormatError,
  invalidResult,
  isRecord,
  parseJson,
  readExact,
  utf8Strict,
} from './util'

/** Containers walked when looking for a `class_name` key (a config has a few thousand). */
const MAX_SNIFF_NODES = 1_000_000

/** True when some object in the parsed JSON has a `class_name` key (bounded walk). */
function hasClassName(root: unknown): boolean {
  const stack = [root]
  for (let n = 0; stack.length > 0; n++) {
    // Past the budget the shape is far beyond a real config: claim it and let the scan decide.
    if (n > MAX_SNIFF_NODES) return true
    const v = stack.pop()
    if (Array.isArray(v)) {
      for (const x of v as unknown[]) if (typeof x === 'object' && x !== null) stack.push(x)
    } else if (isRecord(v)) {
      if (Object.hasOwn(v, 'class_name')) return true
      for (const x of Object.values(v)) if (typeof x === 'object' && x !== null) stack.push(x)
    }
  }
  return false
}

/**
 * Whether a `config.json` is one Keras would deserialize. Keras reads the whole member with
 * `json.loads(bytes)`, so a head-only UTF-8 look is not enough: leading whitespace, key order,
 * `\u` escapes in keys and UTF-16/32 all hide `class_name` from it. Reads at most the header cap
 * (the same the scan uses); bigger or undecodable configs are claimed so the scan reports them
 * invalid instead of a generic scanner passing them.
 */
function claimsConfig(head: Uint8Array, src: ByteSource): boolean {
  const text = Buffer.from(head).toString('utf8')
  if (/^\s*\{/.test(text) && /"class_name"\s*:/.test(text)) return true
  if (src.size > DEFAULT_LIMITS.maxHeaderBytes) return true
  let decoded: ReturnType<typeof decodeJsonBytes>
  try {
    decoded = decodeJsonBytes(src.read(0, src.size))
  } catch {
    return true
  }
  // Transformers writes UTF-8; another encoding in a config.json is made for json.loads alone.
  if (decoded.encoding !== 'utf-8') return true
  try {
    return hasClassName(JSON.parse(decoded.text))
  } catch {
    // Not JSON: Keras cannot load it either; the generic config scanner reports it.
    return false
  }
}

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
    // Decoded as json.loads decodes bytes (BOMs, UTF-16/32, surrogatepass): what Keras reads.
    const bytes = readExact(src, 0, src.size, 'config')
    let text: string
    try {
      text = decodeJsonBytes(bytes).text
    } catch (e) {
      throw new FormatError(`config cannot be decoded as json.loads would: ${(e as Error).message}`)
    }
    const json = parseJson(text, 'config')
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
  sniff(head, src, name) {
    const base = baseNameOf(name)
    if (base === 'config.json') return claimsConfig(head, src)
    const text = Buffer.from(head).toString('utf8')
    if (!/^\s*\{/.test(text)) return false
    return base === 'metadata.json' && /"keras_version"\s*:/.test(text)
  },
  scan(src, ctx) {
    return baseNameOf(ctx.member ?? ctx.path) === 'metadata.json'
      ? scanKerasMetadataJson(src, ctx)
      : scanKerasConfig(src, ctx)
  },
})
