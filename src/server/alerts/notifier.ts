/**
 * What a notifier is: one destination kind (Slack, a signed webhook; Jira, ServiceNow or PagerDuty
 * are one more file each in notifiers/ and one line in registry.ts). The alert engine hands it a
 * batch (the new findings of one rule over the batching window) and it builds one HTTP request;
 * the engine sends it with timeouts and retries and records the delivery.
 */
export type AlertFinding = Readonly<{
  deviceId: string
  hostname: string
  findingKey: string
  ruleId: string
  severity: string
  title: string
  /** Where, as the device reported it (home-relative when the device redacts paths). */
  path: string
  /** What the scan saw: a callable, a member, a line; a key only as its redacted preview. */
  evidence: string
  /** A key's fingerprint when the finding is about one (never the key). */
  fingerprint: string | null
  firstSeenAt: string
}>

export type AlertBatch = Readonly<{
  /** Stable per batch: the receiver dedupes redeliveries on it (Standard Webhooks webhook-id). */
  id: string
  type: 'finding.created'
  ruleId: string
  severity: string
  createdAt: string
  findings: readonly AlertFinding[]
  /** Link into the dashboard, when the server knows its public URL. */
  dashboardUrl: string | null
}>

export type OutgoingRequest = Readonly<{
  url: string
  headers: Readonly<Record<string, string>>
  body: string
}>

export interface Notifier {
  readonly name: string
  readonly kind: string
  /** Where it posts, without its secret parts, for the dashboard and logs. */
  readonly target: string
  /** One request per delivery attempt (a fresh timestamp and signature each time). */
  request(batch: AlertBatch, now: Date): OutgoingRequest
}

/** The host of a URL only: webhook URLs (Slack's above all) carry their secret in the path. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}/…`
  } catch {
    return '(invalid URL)'
  }
}
