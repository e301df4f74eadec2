import type { ByteSource } from '../byte-source'
import { defineScanner } from '../types'
import type { FormatScanResult, ScanContext } from '../types'
import { intOf, PbSource } from './protobuf/wire'
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
 * Core ML, recognised for the inventory: `.mlmodel` (protobuf Model: specificationVersion 1,
 * description 2, model type in a oneof of fields >= 200) and an `.mlpackage` Manifest.json.
 * Core ML holds no code AI Scout can judge; this only validates encoding and records metadata.
 */
export function scanCoreml(src: ByteSource, ctx: ScanContext): FormatScanResult<'coreml'> {
  try {
    if (baseNameOf(ctx.member ?? ctx.path) === 'manifest.json') {
      if (src.size > 16 * 1024 * 1024) throw new FormatError('manifest too large')
      const json = parseJson(
        utf8Strict(readExact(src, 0, src.size, 'manifest'), 'manifest'),
        'manifest',
      )
      if (!isRecord(json) || !isRecord(json['itemInfoEntries']))
        throw new FormatError('manifest has no itemInfoEntries')
      return {
        format: 'coreml',
        findings: [],
        metadata: { package: 'mlpackage', items: Object.keys(json['itemInfoEntries']).length },
      }
    }
    const pb = new PbSource(src)
    let spec: number | undefined
    let modelType: number | undefined
    for (const f of pb.fields(0, src.size)) {
      if (f.no === 1) spec = intOf(f)
      else if (f.no >= 200 && modelType === undefined) modelType = f.no
    }
    if (spec === undefined) throw new FormatError('no specificationVersion')
    return {
      format: 'coreml',
      findings: [],
      metadata: { specificationVersion: spec, ...(modelType ? { modelTypeField: modelType } : {}) },
    }
  } catch (e) {
    return invalidResult('coreml', 'coreml.invalid', e, [], ctx.member)
  }
}

export const coremlScanner = defineScanner({
  formats: ['coreml'],
  extensions: ['.mlmodel'],
  sniff(head, _src, name) {
    const base = baseNameOf(name)
    if (base === 'manifest.json')
      return /"itemInfoEntries"/.test(Buffer.from(head).toString('utf8'))
    return base.endsWith('.mlmodel') && head[0] === 0x08
  },
  scan: scanCoreml,
})
