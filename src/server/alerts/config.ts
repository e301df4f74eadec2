import type { Notifier } from './notifier'
import { NOTIFIER_KINDS } from './registry'

/**
 * The alerts file given to `aiscout server start --alerts FILE` (JSON). Secrets (a Slack URL, a
 * webhook secret) may be written as `env:NAME` so the file itself holds none:
 *
 *   { "enabled": true, "minSeverity": "high", "windowS": 10,
 *     "dashboardUrl": "https://scout.example.com/",
 *     "notifiers": [
 *       { "name": "secops", "kind": "slack", "url": "env:AISCOUT_SLACK_URL" },
 *       { "name": "siem", "kind": "webhook", "url": "https://siem.example.com/hook",
 *         "secret": "env:AISCOUT_WEBHOOK_SECRET" } ] }
 */
export type AlertsConfig = Readonly<{
  enabled: boolean
  minSeverity: 'critical' | 'high' | 'medium' | 'low' | 'info'
  /** Findings of one rule that appear within this window go out as one message. */
  windowS: number
  dashboardUrl: string | null
  notifiers: readonly Notifier[]
}>

export class AlertsConfigError extends Error {}

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

function resolveValue(v: unknown, field: string, env: NodeJS.ProcessEnv): string {
  if (typeof v !== 'string' || !v)
    throw new AlertsConfigError(`${field} must be a non-empty string`)
  if (!v.startsWith('env:')) return v
  const name = v.slice(4)
  const value = env[name]
  if (!value) throw new AlertsConfigError(`${field}: environment variable ${name} is not set`)
  return value
}

export function parseAlertsConfig(
  text: string,
  env: NodeJS.ProcessEnv = process.env,
): AlertsConfig {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw new AlertsConfigError('the alerts file is not valid JSON')
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new AlertsConfigError('the alerts file must hold a JSON object')
  }
  const o = raw as Record<string, unknown>
  for (const k of Object.keys(o)) {
    if (!['enabled', 'minSeverity', 'windowS', 'dashboardUrl', 'notifiers'].includes(k)) {
      throw new AlertsConfigError(`unknown field ${k}`)
    }
  }
  const enabled = o.enabled === undefined ? true : o.enabled
  if (typeof enabled !== 'boolean') throw new AlertsConfigError('enabled must be true or false')
  const minSeverity = (o.minSeverity ?? 'high') as AlertsConfig['minSeverity']
  if (!SEVERITIES.includes(minSeverity)) {
    throw new AlertsConfigError(`minSeverity must be one of ${SEVERITIES.join(', ')}`)
  }
  const windowS = o.windowS ?? 10
  if (typeof windowS !== 'number' || !Number.isInteger(windowS) || windowS < 1 || windowS > 3600) {
    throw new AlertsConfigError('windowS must be an integer from 1 to 3600')
  }
  let dashboardUrl: string | null = null
  if (o.dashboardUrl !== undefined) {
    dashboardUrl = resolveValue(o.dashboardUrl, 'dashboardUrl', env)
    if (!/^https?:\/\//.test(dashboardUrl))
      throw new AlertsConfigError('dashboardUrl must be an http(s) URL')
    if (!dashboardUrl.endsWith('/')) dashboardUrl += '/'
  }
  if (!Array.isArray(o.notifiers)) throw new AlertsConfigError('notifiers must be a list')
  const names = new Set<string>()
  const notifiers = o.notifiers.map((n: unknown, i: number) => {
    if (!n || typeof n !== 'object')
      throw new AlertsConfigError(`notifiers[${i}] must be an object`)
    const entry = n as Record<string, unknown>
    const kind = entry.kind
    const factory = typeof kind === 'string' ? NOTIFIER_KINDS[kind] : undefined
    if (!factory) {
      throw new AlertsConfigError(
        `notifiers[${i}].kind must be one of ${Object.keys(NOTIFIER_KINDS).join(', ')}`,
      )
    }
    const fields: Record<string, string> = {}
    for (const f of factory.required)
      fields[f] = resolveValue(entry[f], `notifiers[${i}].${f}`, env)
    for (const k of Object.keys(entry)) {
      if (k !== 'kind' && !factory.required.includes(k)) {
        throw new AlertsConfigError(`notifiers[${i}]: unknown field ${k}`)
      }
    }
    if (!NAME.test(fields.name!))
      throw new AlertsConfigError(`notifiers[${i}].name: letters, digits, . _ -`)
    if (names.has(fields.name!))
      throw new AlertsConfigError(`two notifiers are named ${fields.name}`)
    names.add(fields.name!)
    if (!/^https?:\/\//.test(fields.url ?? '')) {
      throw new AlertsConfigError(`notifiers[${i}].url must be an http(s) URL`)
    }
    return factory.create(fields)
  })
  return { enabled, minSeverity, windowS, dashboardUrl, notifiers }
}
