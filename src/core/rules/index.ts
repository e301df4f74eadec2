import { DISCOVERY_STORES_RULES } from './discovery-stores-rules'
import { DISCOVERY_SYSTEM_RULES } from './discovery-system-rules'
import { DISCOVERY_TOOLS_RULES } from './discovery-tools-rules'
import { ENGINE_RULES } from './engine-rules'
import { FORMAT_RULES } from './format-rules'
import { MODEL_COMMON_RULES } from './model-rules'
import { PICKLE_RULES } from './pickle-rules'
import { POLICY_RULES } from './policy-rules'
import { REPO_RULES } from './repo-rules'
import { SECRET_RULES } from './secret-rules'
import type { Rule } from './types'

export type { Rule, RuleDomain } from './types'
export { RULES_VERSION } from './version'

/** The one rule table, in a fixed order. Ids must be unique (checked by a test). */
export const RULES: readonly Rule[] = [
  ...ENGINE_RULES,
  ...MODEL_COMMON_RULES,
  ...PICKLE_RULES,
  ...FORMAT_RULES,
  ...REPO_RULES,
  ...SECRET_RULES,
  ...DISCOVERY_STORES_RULES,
  ...DISCOVERY_SYSTEM_RULES,
  ...DISCOVERY_TOOLS_RULES,
  ...POLICY_RULES,
]

const BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]))

/** Looks a rule up; throws for an unknown id so a typo in a scanner fails its tests loudly. */
export function getRule(id: string): Rule {
  const r = BY_ID.get(id)
  if (!r) throw new Error(`unknown rule id: ${id}`)
  return r
}

export function findRule(id: string): Rule | undefined {
  return BY_ID.get(id)
}
