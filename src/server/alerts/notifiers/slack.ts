import type { AlertBatch, Notifier, OutgoingRequest } from '../notifier'
import { redactUrl } from '../notifier'

/** Slack's markup: `&`, `<` and `>` escaped, so a file name cannot ping a channel or fake a link. */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

const MAX_LINES = 20

/** A Slack incoming webhook: one message per batch, a header and one line per finding. */
export function slackNotifier(opts: Readonly<{ name: string; url: string }>): Notifier {
  return {
    name: opts.name,
    kind: 'slack',
    target: redactUrl(opts.url),
    request(batch: AlertBatch): OutgoingRequest {
      const n = batch.findings.length
      const devices = new Set(batch.findings.map((f) => f.deviceId)).size
      const title = `${batch.severity[0]!.toUpperCase()}${batch.severity.slice(1)}: ${n} new ${batch.ruleId} finding${n === 1 ? '' : 's'} on ${devices} device${devices === 1 ? '' : 's'}`
      const lines = batch.findings.slice(0, MAX_LINES).map((f) => {
        const link = batch.dashboardUrl
          ? `<${batch.dashboardUrl}#/devices/${encodeURIComponent(f.deviceId)}|${slackEscape(f.hostname)}>`
          : `*${slackEscape(f.hostname)}*`
        const what = f.evidence ? ` (${slackEscape(f.evidence)})` : ''
        return `• ${link}: ${slackEscape(f.title)} in \`${slackEscape(f.path)}\`${what}`
      })
      if (n > MAX_LINES) lines.push(`…and ${n - MAX_LINES} more`)
      const body = {
        text: slackEscape(title),
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
          { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 2900) } },
        ],
      }
      return {
        url: opts.url,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }
    },
  }
}
