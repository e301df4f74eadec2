import { createHmac } from 'node:crypto'
import type { AlertBatch, Notifier, OutgoingRequest } from '../notifier'
import { redactUrl } from '../notifier'

/**
 * A generic webhook signed per the Standard Webhooks scheme: headers `webhook-id` (the batch id,
 * the same on every retry, for the receiver's dedupe), `webhook-timestamp` (Unix seconds) and
 * `webhook-signature: v1,<base64 HMAC-SHA256(key, id.timestamp.body)>`; the key is the base64
 * part of a `whsec_…` secret (or the secret's UTF-8 bytes when it has no such prefix).
 */
export function webhookSecretKey(secret: string): Buffer {
  return secret.startsWith('whsec_')
    ? Buffer.from(secret.slice('whsec_'.length), 'base64')
    : Buffer.from(secret, 'utf8')
}

export function standardWebhookSignature(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): string {
  const mac = createHmac('sha256', webhookSecretKey(secret))
    .update(`${id}.${timestamp}.${body}`)
    .digest('base64')
  return `v1,${mac}`
}

export function webhookNotifier(
  opts: Readonly<{ name: string; url: string; secret: string }>,
): Notifier {
  return {
    name: opts.name,
    kind: 'webhook',
    target: redactUrl(opts.url),
    request(batch: AlertBatch, now: Date): OutgoingRequest {
      const body = JSON.stringify({
        id: batch.id,
        type: batch.type,
        created_at: batch.createdAt,
        data: {
          rule_id: batch.ruleId,
          severity: batch.severity,
          dashboard_url: batch.dashboardUrl,
          findings: batch.findings,
        },
      })
      const ts = Math.floor(now.getTime() / 1000)
      return {
        url: opts.url,
        headers: {
          'content-type': 'application/json',
          'webhook-id': batch.id,
          'webhook-timestamp': String(ts),
          'webhook-signature': standardWebhookSignature(opts.secret, batch.id, ts, body),
        },
        body,
      }
    },
  }
}
