import { basename } from 'node:path'
import type { Finding } from '../shared/types'

/**
 * Desktop notifications for new critical and high findings: which findings deserve one, and how
 * many arrive at once. Pure: the watcher process reads the change log and plans the notices,
 * Electron main shows them.
 */

/** Severities a notification is raised for. */
export const NOTIFY_SEVERITIES = ['critical', 'high'] as const
export type NotifySeverity = (typeof NOTIFY_SEVERITIES)[number]

/** More findings than this at once make one grouped notice instead of one each. */
export const GROUP_AFTER = 3

/** What a click on a notice opens in the app. */
export type NoticeTarget =
  Readonly<{ kind: 'finding'; id: string }> | Readonly<{ kind: 'findings'; ids: readonly string[] }>

export type Notice = Readonly<{
  title: string
  body: string
  /** critical: stays until dismissed where the platform allows; normal: the usual toast. */
  urgency: 'critical' | 'normal'
  open: NoticeTarget
}>

export type NoticeOptions = Readonly<{
  /** Quiet mode: nothing is shown (the findings are still marked as seen). */
  quiet: boolean
  /** Findings whose risk the user accepted are never notified. */
  isAccepted(findingId: string): boolean
}>

const isNotifiable = (f: Finding): f is Finding & { severity: NotifySeverity } =>
  (NOTIFY_SEVERITIES as readonly string[]).includes(f.severity)

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s)

/** One line naming a finding: its title and the file it is in. */
const line = (f: Finding): string => `${f.title} (${basename(f.path)})`

/**
 * The notices for findings newly opened together (one scan's worth): one per critical or high
 * finding, most severe first, or a single grouped notice when more than GROUP_AFTER arrive at
 * once; none in quiet mode and none for accepted risks.
 */
export function planNotices(findings: readonly Finding[], o: NoticeOptions): Notice[] {
  if (o.quiet) return []
  const seen = new Set<string>()
  const picked = findings
    .filter(isNotifiable)
    .filter((f) => !o.isAccepted(f.id) && !seen.has(f.id) && seen.add(f.id))
    .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1))
  if (picked.length === 0) return []
  if (picked.length <= GROUP_AFTER) {
    return picked.map((f) => ({
      title: `${f.severity === 'critical' ? 'Critical' : 'High'} risk: ${clip(f.title, 60)}`,
      body: clip(`${f.message} (${f.path})`, 240),
      urgency: f.severity === 'critical' ? 'critical' : 'normal',
      open: { kind: 'finding', id: f.id },
    }))
  }
  const critical = picked.filter((f) => f.severity === 'critical').length
  const high = picked.length - critical
  const counts = [critical ? `${critical} critical` : '', high ? `${high} high` : ''].filter(
    Boolean,
  )
  const shown = picked.slice(0, GROUP_AFTER).map(line)
  return [
    {
      title: `${picked.length} new findings need attention: ${counts.join(', ')}`,
      body: clip([...shown, `and ${picked.length - shown.length} more`].join('\n'), 240),
      urgency: critical ? 'critical' : 'normal',
      open: { kind: 'findings', ids: picked.map((f) => f.id) },
    },
  ]
}
