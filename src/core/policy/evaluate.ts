import type { PolicyType } from '../../shared/policy'
import { getRule } from '../rules'
import type { Finding } from '../types'
import { findingIdFor } from '../util/ids'
import { POLICY_EVALUATORS } from './registry'
import type { PolicyContext, PolicyEvaluator } from './types'
import { checkPolicy } from './validate'

/** A finding's stable key: the same policy and subject keep it across scans and edits. */
export const policyFindingId = (policyId: string, ruleId: string, subject: string): string =>
  findingIdFor(['policy', policyId, ruleId, subject])

/** Violations reported per policy at most: one bad policy must not flood the inventory. */
export const MAX_HITS_PER_POLICY = 1000

/**
 * Evaluates the policies as the server sent them (nothing trusted) against one device: a
 * finding per violation, titled with the policy's name, and a `policy.invalid` finding for a
 * policy this build cannot read or whose evaluation failed. Disabled policies yield nothing.
 * Never throws on a policy's account.
 */
export function evaluatePolicies(policies: readonly unknown[], ctx: PolicyContext): Finding[] {
  const out: Finding[] = []
  const ids = new Set<string>()
  const push = (f: Finding): void => {
    if (ids.has(f.id)) return
    ids.add(f.id)
    out.push(f)
  }
  const invalid = (id: string, name: string, message: string): void => {
    const rule = getRule('policy.invalid')
    push({
      id: policyFindingId(id, rule.id, 'policy'),
      ruleId: rule.id,
      severity: rule.severity,
      title: `${rule.title}: ${name}`,
      message: `Policy "${name}" (${id}): ${message}`,
      path: `policy:${id}`,
    })
  }
  policies.forEach((raw, i) => {
    const c = checkPolicy(raw, i)
    if (!c.ok) return invalid(c.id, c.name, c.message)
    const p = c.policy
    if (!p.enabled) return
    const ev = POLICY_EVALUATORS[p.rule.type] as PolicyEvaluator<PolicyType>
    const rule = getRule(ev.ruleId)
    const found: Finding[] = []
    try {
      for (const hit of ev.evaluate(p.rule as never, ctx)) {
        found.push({
          id: policyFindingId(p.id, rule.id, hit.subject),
          ruleId: rule.id,
          severity: p.severity ?? rule.severity,
          title: `${rule.title}: ${p.name}`,
          message: `Policy "${p.name}": ${hit.message}`,
          path: hit.path,
          ...(hit.line !== undefined ? { line: hit.line } : {}),
          ...(hit.assetId !== undefined ? { assetId: hit.assetId } : {}),
        })
        if (found.length >= MAX_HITS_PER_POLICY) break
      }
    } catch (e) {
      return invalid(p.id, p.name, `evaluation failed: ${(e as Error)?.message ?? String(e)}`)
    }
    for (const f of found) push(f)
  })
  return out
}
