import { looksLikePickle } from '../pickle/sniff'
import type { ByteSource } from '../byte-source'
import type { FormatScanResult, ScanContext } from '../types'
import { defineScanner } from '../types'
import { checkConfigText, mentionsInstantiation } from './instantiation'

const MAX_CONFIG_BYTES = 16 * 1024 * 1024

/**
 * YAML and JSON members of model archives (`model_config.yaml` of a `.nemo`, TorchServe
 * manifests, configs inside zips and tars): checked for instantiation entries. Member-only:
 * configs in a folder are read by the repository analysis.
 */
export function scanConfigMember(
  src: ByteSource,
  ctx: ScanContext,
): FormatScanResult<'model-config'> {
  const where = ctx.member ?? src.name
  if (src.size > MAX_CONFIG_BYTES) {
    return {
      format: 'model-config',
      findings: [
        {
          ruleId: 'config.invalid',
          message: `${where}: ${src.size} bytes, over the ${MAX_CONFIG_BYTES}-byte limit`,
          member: ctx.member,
        },
      ],
      invalid: 'config too large',
    }
  }
  const text = Buffer.from(src.read(0, src.size)).toString('utf8')
  if (!mentionsInstantiation(text)) return { format: 'model-config', findings: [] }
  const kind = /\.json$/i.test(where) ? 'json' : 'yaml'
  const r = checkConfigText(text, kind, { where, member: ctx.member, text })
  return {
    format: 'model-config',
    findings: r.findings,
    ...(r.invalid ? { invalid: r.invalid } : {}),
  }
}

export const configMemberScanner = defineScanner({
  formats: ['model-config'],
  extensions: [],
  memberOnly: true,
  sniff: (head, _src, name) =>
    /\.(ya?ml|json)$/i.test(name) && !head.includes(0) && !looksLikePickle(head),
  scan: scanConfigMember,
})
