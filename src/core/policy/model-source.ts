import { globMatcher } from './glob'
import type { PolicyAsset, PolicyEvaluator } from './types'

/**
 * Where a model came from, as a policy names it: `hf:ORG/REPO` for a Hugging Face cache
 * repository, `ollama:NAME` for an Ollama model, `local:STORE` for any other store or a loose
 * file (`local:crawl`).
 */
export function modelSourceOf(a: PolicyAsset): string {
  const repoId = a.details.repoId
  if (typeof repoId === 'string' && a.source?.startsWith('huggingface')) return `hf:${repoId}`
  if (a.source === 'ollama') return `ollama:${a.name ?? a.path}`
  return `local:${a.source ?? 'crawl'}`
}

/** Model sources: an allow list of source patterns (anything else violates) or a block list. */
export const MODEL_SOURCE_POLICY: PolicyEvaluator<'model-source'> = {
  type: 'model-source',
  ruleId: 'policy.model-source',
  *evaluate(rule, ctx) {
    const matchers = rule.sources.map(globMatcher)
    for (const a of ctx.assets('model')) {
      const source = modelSourceOf(a)
      const listed = matchers.some((m) => m(source))
      if (rule.mode === 'allow' ? listed : !listed) continue
      yield {
        subject: a.id,
        assetId: a.id,
        path: a.path,
        message: `${a.name ?? a.path} comes from ${source}, which the policy ${rule.mode === 'allow' ? `does not allow (allowed: ${rule.sources.join(', ')})` : 'blocks'}`,
      }
    }
  },
}
