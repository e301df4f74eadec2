import { MODEL_FORMATS } from '../scanners/registry'
import type { PolicyEvaluator } from './types'

const KNOWN = new Set<string>(MODEL_FORMATS)

/** The formats one model asset is stored in: its own, plus each part's for a repository. */
function formatsOf(a: Readonly<{ format?: string; details: Readonly<Record<string, unknown>> }>) {
  const out = new Set<string>()
  if (a.format) out.add(a.format.toLowerCase())
  const more = a.details.formats
  if (Array.isArray(more)) for (const f of more) if (typeof f === 'string') out.add(f.toLowerCase())
  return out
}

/** Model formats: an allow list (anything else violates) or a block list. */
export const MODEL_FORMAT_POLICY: PolicyEvaluator<'model-format'> = {
  type: 'model-format',
  ruleId: 'policy.model-format',
  explain(rule) {
    const i = rule.formats.findIndex((f) => !KNOWN.has(f))
    if (i < 0) return undefined
    return `/formats/${i} "${rule.formats[i]}" is not a model format AI Scout reports (${[...KNOWN].join(', ')})`
  },
  *evaluate(rule, ctx) {
    const listed = new Set(rule.formats)
    for (const a of ctx.assets('model')) {
      const bad = [...formatsOf(a)].filter((f) =>
        rule.mode === 'allow' ? !listed.has(f) : listed.has(f),
      )
      if (bad.length === 0) continue
      yield {
        subject: a.id,
        assetId: a.id,
        path: a.path,
        message: `${a.name ?? a.path} is stored as ${bad.join(', ')}, which the policy ${rule.mode === 'allow' ? `does not allow (allowed: ${rule.formats.join(', ')})` : 'blocks'}`,
      }
    }
  },
}
