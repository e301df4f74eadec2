import type { ByteSource } from '../../byte-source'
import { looksLikeHdf5 } from '../../sniff'
import { defineScanner } from '../../types'
import type { FormatScanResult, ModelFinding, ScanContext } from '../../types'
import { analyzeKerasConfig } from '../keras/config-analysis'
import { FormatError, invalidResult, parseJson } from '../util'
import { JSON_NEEDLES, searchNeedles } from './attributes'
import type { RootAttributes } from './object-header'
import { Hdf5Truncated, readRootAttributes, readSuperblock } from './object-header'

/**
 * Keras `.h5` / generic HDF5. `model_config` is read exactly where Keras reads it: a root group
 * attribute, fixed-length or variable-length (global heap), found through the superblock and the
 * root object header (no HDF5 library, no byte search a decoy could win). Lambda layers in .h5
 * are critical because safe_mode is ignored for this format (CVE-2025-9905).
 */
export function scanHdf5(src: ByteSource, ctx: ScanContext): FormatScanResult<'hdf5' | 'keras-h5'> {
  const findings: ModelFinding[] = []
  try {
    const sb = readSuperblock(src)
    const maxBytes = ctx.limits.maxHeaderBytes
    let root: RootAttributes | undefined
    let rootError: string | undefined
    try {
      root = readRootAttributes(src, sb, maxBytes)
    } catch (e) {
      if (!(e instanceof FormatError) || e instanceof Hdf5Truncated) throw e
      rootError = e.message
    }
    const text = (n: string): string | undefined => root?.attributes.get(n)?.value
    const version = text('keras_version')
    const backend = text('backend')
    const config = root?.attributes.get('model_config')
    const metadata: Record<string, string | number> = { hdf5Superblock: sb.version }
    if (version) metadata['kerasVersion'] = version.slice(0, 64)
    if (backend) metadata['backend'] = backend.slice(0, 64)
    if (config?.value === undefined) {
      const unsure = notLocated(src, root, rootError, config?.reason)
      if (unsure) {
        findings.push({
          ruleId: 'keras.h5-config-not-located',
          message: unsure,
          member: ctx.member,
          offset: config?.offset,
        })
        return { format: 'keras-h5', findings, metadata, invalid: 'model_config not located' }
      }
      // Weights-only files (model.weights.h5, checkpoints) carry no config: nothing executable.
      const keras = version !== undefined || root?.attributes.has('layer_names') === true
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

/**
 * Why a `model_config` may exist that was not read (undefined when the root group was read in
 * full and has none): the root header could not be walked, its attributes are in dense storage,
 * or the attribute is not a single string. A `model_config` name or a Keras-looking JSON object
 * somewhere in the file then says there is something a loader would read.
 */
function notLocated(
  src: ByteSource,
  root: RootAttributes | undefined,
  rootError: string | undefined,
  reason: string | undefined,
): string | undefined {
  if (reason) return `model_config could not be read exactly (${reason}); not fully analysed`
  if (root && !root.dense) return undefined
  const hits = searchNeedles(src, ['model_config\0', ...JSON_NEEDLES])
  const seen = [...hits.values()].some((l) => l.length > 0)
  if (!seen) return undefined
  return root
    ? 'the root group keeps its attributes in dense storage, which is not read; model_config appears in the file but could not be located exactly'
    : `the root group could not be read (${rootError}); model_config appears in the file but could not be located exactly`
}

export const hdf5Scanner = defineScanner({
  formats: ['hdf5', 'keras-h5'],
  extensions: ['.h5', '.hdf5', '.keras'],
  claims: ['.h5', '.hdf5'],
  sniff: (head) => looksLikeHdf5(head),
  scan: scanHdf5,
})
