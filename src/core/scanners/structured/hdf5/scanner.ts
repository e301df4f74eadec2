import type { ByteSource } from '../../byte-source'
import { looksLikeHdf5 } from '../../sniff'
import { defineScanner } from '../../types'
import type { FormatScanResult, ModelFinding, ScanContext } from '../../types'
import { analyzeKerasConfig } from '../keras/config-analysis'
import { FormatError, invalidResult, parseJson } from '../util'
import {
  findJsonBlob,
  findStringAttribute,
  JSON_NEEDLES,
  searchNeedles,
  superblockVersion,
} from './attributes'

/**
 * Keras `.h5` / generic HDF5. The model_config attribute is read by a bounded search plus a
 * structural check of the attribute message (no HDF5 library). Lambda layers in .h5 are critical
 * because safe_mode is ignored for this format (CVE-2025-9905).
 */
export function scanHdf5(src: ByteSource, ctx: ScanContext): FormatScanResult<'hdf5' | 'keras-h5'> {
  const findings: ModelFinding[] = []
  try {
    const sb = superblockVersion(src)
    const maxBytes = ctx.limits.maxHeaderBytes
    const names = ['keras_version', 'backend', 'model_config', 'layer_names']
    const hits = searchNeedles(src, [...names.map((n) => `${n}\0`), ...JSON_NEEDLES])
    const version = findStringAttribute(src, hits, 'keras_version', 4096)?.value
    const backend = findStringAttribute(src, hits, 'backend', 4096)?.value
    let config = findStringAttribute(src, hits, 'model_config', maxBytes)
    if (config?.value === undefined) config = findJsonBlob(src, hits, maxBytes) ?? config
    const metadata: Record<string, string | number> = { hdf5Superblock: sb.version }
    if (version) metadata['kerasVersion'] = version.slice(0, 64)
    if (backend) metadata['backend'] = backend.slice(0, 64)
    if (config?.value === undefined) {
      // Weights-only files (model.weights.h5, checkpoints) carry no config: nothing executable.
      const keras = version !== undefined || (hits.get('layer_names\0')?.length ?? 0) > 0
      return { format: keras ? 'keras-h5' : 'hdf5', findings, metadata }
    }
    let json: unknown
    try {
      json = parseJson(config.value, 'model_config')
    } catch (e) {
      throw new FormatError((e as Error).message, config.offset)
    }
    const r = analyzeKerasConfig(json, {
      lambdaRuleId: 'keras.h5-lambda-layer',
      member: ctx.member,
      where: 'model_config',
    })
    findings.push(...r.findings)
    metadata['layerCount'] = r.layerCount
    if (r.topClass) metadata['architecture'] = r.topClass
    return {
      format: 'keras-h5',
      findings,
      metadata,
      ...(r.truncated ? { invalid: 'model_config too deep' } : {}),
    }
  } catch (e) {
    return invalidResult('keras-h5', 'hdf5.invalid', e, findings, ctx.member)
  }
}

export const hdf5Scanner = defineScanner({
  formats: ['hdf5', 'keras-h5'],
  extensions: ['.h5', '.hdf5', '.keras'],
  claims: ['.h5', '.hdf5'],
  sniff: (head) => looksLikeHdf5(head),
  scan: scanHdf5,
})
