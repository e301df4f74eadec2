import type { PolicyRule, PolicyType } from '../../shared/policy'
import { isPolicyType, POLICY_RULES, POLICY_TYPES } from '../../shared/policy'
import { SEVERITY_NAMES } from '../../shared/sync-api'
import type { Severity } from '../types'
import { compileSchema } from '../util/schema'
import type { Checker } from '../util/schema'
import { POLICY_EVALUATORS } from './registry'
import type { PolicyEvaluator } from './types'

export type RuleCheck =
  Readonly<{ ok: true; rule: PolicyRule }> | Readonly<{ ok: false; message: string }>

const checkers = new Map<PolicyType, Checker<unknown>>()
function checker(t: PolicyType): Checker<unknown> {
  let c = checkers.get(t)
  if (!c) checkers.set(t, (c = compileSchema(POLICY_RULES[t])))
  return c
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** `/formats/0 must ...` (Ajv's pointer) as `rule.formats.0 must ...`: the field, by name. */
const named = (why: string): string =>
  why.startsWith('(value)')
    ? `rule${why.slice('(value)'.length)}`
    : `rule${why.replace(/^(\S*)/, (p) => p.replace(/\//g, '.'))}`

/**
 * Checks a policy's rule against its type's schema, then what the schema cannot say (format
 * names this build knows). The message names the field: the server answers it in a 400, the
 * device reports it in a `policy.invalid` finding.
 */
export function checkPolicyRule(rule: unknown): RuleCheck {
  if (!isObject(rule)) return { ok: false, message: 'rule must be an object' }
  if (!isPolicyType(rule.type))
    return {
      ok: false,
      message: `rule.type must be one of ${POLICY_TYPES.join(', ')} (got ${JSON.stringify(rule.type)?.slice(0, 80) ?? 'nothing'})`,
    }
  const why = checker(rule.type).explain(rule)
  if (why) return { ok: false, message: named(why) }
  const ev = POLICY_EVALUATORS[rule.type] as PolicyEvaluator<PolicyType>
  const more = ev.explain?.(rule as PolicyRule as never)
  if (more) return { ok: false, message: named(more) }
  return { ok: true, rule: rule as PolicyRule }
}

/** A policy as the device evaluates it, after checking what the server sent. */
export type CheckedPolicy = Readonly<{
  id: string
  name: string
  enabled: boolean
  severity?: Severity
  rule: PolicyRule
}>

export type PolicyCheck =
  | Readonly<{ ok: true; policy: CheckedPolicy }>
  | Readonly<{ ok: false; id: string; name: string; message: string }>

/** Checks one entry of `config.policies` as received: nothing in it is trusted. */
export function checkPolicy(p: unknown, index: number): PolicyCheck {
  const id =
    isObject(p) && typeof p.id === 'string' && p.id.length > 0 && p.id.length <= 128
      ? p.id
      : `#${index}`
  const name = isObject(p) && typeof p.name === 'string' ? p.name.slice(0, 256) : id
  const bad = (message: string): PolicyCheck => ({ ok: false, id, name, message })
  if (!isObject(p)) return bad('policy must be an object')
  if (id.startsWith('#')) return bad('id must be a string of 1 to 128 characters')
  if (typeof p.name !== 'string') return bad('name must be a string')
  if (typeof p.enabled !== 'boolean') return bad('enabled must be true or false')
  if (p.severity !== undefined && !(SEVERITY_NAMES as readonly unknown[]).includes(p.severity))
    return bad(`severity must be one of ${SEVERITY_NAMES.join(', ')}`)
  const r = checkPolicyRule(p.rule)
  if (!r.ok) return bad(r.message)
  return {
    ok: true,
    policy: {
      id,
      name,
      enabled: p.enabled,
      ...(p.severity !== undefined ? { severity: p.severity as Severity } : {}),
      rule: r.rule,
    },
  }
}
