import type { Db, Finding } from '../core'
import { ackChanges, readChanges, registerChangeConsumer } from '../core'

/** The change-log consumer whose position marks the findings already notified. */
export const NOTIFY_CONSUMER = 'desktop-notifications'

export type NewFindings = Readonly<{
  /** Findings opened since the last call and still open now. */
  findings: readonly Finding[]
  /** Acknowledge up to here once they were handled. */
  upTo: number
}>

/**
 * The findings opened since the notifications last looked, from the change log: each opening is
 * read once (the consumer's acknowledged position moves past it), so a finding is notified once
 * however many scans see it again, and again only if it is resolved and opened anew. A new
 * consumer starts at the latest change: installing the app does not notify the whole history.
 */
export function readNewlyOpened(db: Db): NewFindings {
  const start = registerChangeConsumer(db, NOTIFY_CONSUMER, { from: 'latest' }).ackedSeq
  const findings: Finding[] = []
  const seen = new Set<string>()
  let after = start
  for (;;) {
    const page = readChanges(db, { after, limit: 1000 })
    for (const c of page.changes) {
      if (c.entity !== 'finding' || c.change !== 'opened') continue
      if (c.state?.status !== 'open' || seen.has(c.key)) continue
      seen.add(c.key)
      findings.push(c.state.finding)
    }
    after = page.next
    if (!page.more) break
  }
  return { findings, upTo: after }
}

export function ackNotified(db: Db, upTo: number): void {
  ackChanges(db, NOTIFY_CONSUMER, upTo)
}
