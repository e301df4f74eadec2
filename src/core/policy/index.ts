export { evaluatePolicies, policyFindingId, MAX_HITS_PER_POLICY } from './evaluate'
export { checkPolicy, checkPolicyRule } from './validate'
export type { CheckedPolicy, PolicyCheck, RuleCheck } from './validate'
export {
  POLICY_ORIGIN,
  policyContext,
  policyFacts,
  recordPolicyFacts,
  reevaluatePolicies,
  storedPolicies,
} from './store'
export { POLICY_EVALUATORS } from './registry'
export { modelSourceOf } from './model-source'
export type { PolicyAsset, PolicyContext, PolicyFacts, PolicyHit } from './types'
