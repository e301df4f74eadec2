import { useEffect, useState } from 'react'
import type { Overview, ScanOutcome, ScanPhase } from '../../../shared/ipc'
import { Button, PathText, RelativeTime } from '../components/common'
import { Icon } from '../components/Icon'
import { toast } from '../components/toast'
import { call, errorMessage } from '../lib/api'
import { clock, formatBytes, formatCount, formatDuration, plural } from '../lib/format'
import { describeDelta } from '../lib/delta'
import { href } from '../lib/router'
import { startScan, useAppState } from '../lib/store'

const PHASES: readonly { phase: ScanPhase; label: string }[] = [
  { phase: 'locating', label: 'Known places' },
  { phase: 'crawling', label: 'Crawling' },
  { phase: 'analyzing', label: 'Analyzing' },
  { phase: 'hashing', label: 'Hashing' },
  { phase: 'storing', label: 'Saving' },
]

type Tone = 'critical' | 'high' | 'medium' | 'ok' | 'scan' | 'neutral'

/** The one-glance answer to "am I OK?": status in words and one colour, and Scan now. */
export function ScanPanel({ overview }: { overview: Overview }) {
  const scan = useAppState((s) => s.scan)
  const progress = useAppState((s) => s.progress)
  const outcome = useAppState((s) => s.lastOutcome)
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!scan.running) return
    const t = window.setInterval(() => setNow(Date.now()), 500)
    return () => window.clearInterval(t)
  }, [scan.running])

  const o = overview.openBySeverity
  let tone: Tone
  let title: string
  let detail: string
  if (scan.running) {
    tone = 'scan'
    title = 'Scanning this machine…'
    detail = 'The previous inventory stays in place until the scan completes.'
  } else if (!overview.lastScan) {
    tone = 'neutral'
    title = 'No scan yet'
    detail = 'Run a scan to see the AI assets on this machine and what needs attention.'
  } else if (o.critical) {
    tone = 'critical'
    title = `${plural(o.critical, 'critical finding')} need${o.critical === 1 ? 's' : ''} attention`
    detail = o.high
      ? `Also ${formatCount(o.high)} high. Start with the list below.`
      : 'Start with the list below.'
  } else if (o.high) {
    tone = 'high'
    title = `${plural(o.high, 'high-severity finding')} need${o.high === 1 ? 's' : ''} attention`
    detail = 'Nothing critical is open.'
  } else if (o.medium) {
    tone = 'medium'
    title = 'No urgent problems'
    detail = `${plural(o.medium, 'medium finding')} to review when you have a moment.`
  } else {
    tone = 'ok'
    title = 'All clear'
    detail = 'No open findings at medium severity or above.'
  }
  const phaseIndex = progress
    ? Math.max(
        0,
        PHASES.findIndex((p) => p.phase === progress.phase),
      )
    : 0
  return (
    <section className={`hero tone-${tone}`} data-testid="status-hero" aria-live="polite">
      <div className="hero-icon" aria-hidden="true">
        <Icon
          name={
            tone === 'ok'
              ? 'shield'
              : tone === 'scan'
                ? 'scan'
                : tone === 'neutral'
                  ? 'search'
                  : 'alert'
          }
          size={22}
        />
      </div>
      <div className="hero-main">
        <h2 className="hero-title" data-testid="status-title">
          {title}
        </h2>
        <p className="hero-detail">{detail}</p>
        {!scan.running && overview.lastScan && (
          <p className="hero-meta">
            <RelativeTime iso={overview.lastScan.finishedAt} prefix="Last scan " /> · took{' '}
            {formatDuration(overview.lastScan.durationMs)} ·{' '}
            {plural(overview.totalAssets, 'AI asset')} ·{' '}
            {plural(overview.lastScan.roots.length, 'root')}
          </p>
        )}
        {scan.running && (
          <div className="scan-progress" data-testid="scan-progress">
            <ol className="phases" aria-label="Scan phases">
              {PHASES.map((p, i) => (
                <li
                  key={p.phase}
                  className={i < phaseIndex ? 'done' : i === phaseIndex ? 'current' : ''}
                  aria-current={i === phaseIndex ? 'step' : undefined}
                >
                  {p.label}
                </li>
              ))}
            </ol>
            <div
              className="progress"
              role="progressbar"
              aria-label="Scan progress by phase"
              aria-valuemin={0}
              aria-valuemax={PHASES.length}
              aria-valuenow={phaseIndex + 1}
              aria-valuetext={`${PHASES[phaseIndex]!.label}, phase ${phaseIndex + 1} of ${PHASES.length}`}
            >
              <div
                className="progress-bar"
                style={{ width: `${((phaseIndex + 0.5) / PHASES.length) * 100}%` }}
              />
            </div>
            <div className="scan-stats" data-testid="scan-stats">
              <span>
                <b>{formatCount(progress?.filesSeen ?? 0)}</b> files
              </span>
              <span>
                <b>{formatCount(progress?.dirsSeen ?? 0)}</b> folders
              </span>
              <span>
                <b>{formatBytes(progress?.bytesHashed ?? 0)}</b> hashed
              </span>
              <span>
                <b>{formatCount(progress?.assets ?? 0)}</b> assets
              </span>
              <span>
                <b>{formatCount(progress?.findings ?? 0)}</b> findings so far
              </span>
              <span className="elapsed" data-testid="scan-elapsed">
                <Icon name="clock" size={13} /> {clock(now - Date.parse(scan.startedAt))}
              </span>
            </div>
            {progress?.currentPath && (
              <div className="scan-current">
                <PathText path={progress.currentPath} max={90} />
              </div>
            )}
          </div>
        )}
        <OutcomeNote outcome={outcome} overview={overview} running={scan.running} />
      </div>
      <div className="hero-actions">
        {scan.running ? (
          <Button
            testId="scan-cancel"
            icon="close"
            onClick={() =>
              void call('cancelScan').catch((e: unknown) => toast(errorMessage(e), 'error'))
            }
          >
            Cancel
          </Button>
        ) : (
          <button
            type="button"
            className="btn btn-primary btn-large"
            data-testid="scan-now"
            title="Scan now (Ctrl+R)"
            onClick={() => void startScan().catch((e: unknown) => toast(errorMessage(e), 'error'))}
          >
            <Icon name="scan" />
            Scan now
          </button>
        )}
      </div>
    </section>
  )
}

function OutcomeNote({
  outcome,
  overview,
  running,
}: {
  outcome?: ScanOutcome
  overview: Overview
  running: boolean
}) {
  if (running) return null
  if (outcome?.kind === 'interrupted')
    return (
      <p className="outcome outcome-warn" data-testid="scan-outcome" role="status">
        <Icon name="alert" size={14} /> Scan cancelled. The previous inventory is kept.
      </p>
    )
  if (outcome?.kind === 'failed' || outcome?.kind === 'busy')
    return (
      <p className="outcome outcome-error" data-testid="scan-outcome" role="alert">
        <Icon name="alert" size={14} /> The scan did not finish: {outcome.message} The previous
        inventory is kept.
      </p>
    )
  if (outcome?.kind === 'complete')
    return (
      <div data-testid="scan-outcome">
        <p className="outcome outcome-ok" role="status">
          <Icon name="check" size={14} />
          {outcome.scope === 'paths'
            ? `Rescan complete: ${describeDelta(outcome)}.`
            : `Scan complete in ${formatDuration(outcome.stats.durationMs)}: ${plural(outcome.stats.filesSeen, 'file')} looked at, ${plural(outcome.stats.skipped, 'path')} skipped; ${describeDelta(outcome)}.`}
        </p>
        {outcome.missingRoots.length > 0 && (
          <p className="outcome outcome-warn" data-testid="missing-roots" role="alert">
            <Icon name="alert" size={14} /> {plural(outcome.missingRoots.length, 'saved scan root')}{' '}
            could not be found and {outcome.missingRoots.length === 1 ? 'was' : 'were'} skipped:{' '}
            {outcome.missingRoots.join(', ')}.{' '}
            <a href={href('settings', 'scanning')}>Review in Settings</a>
          </p>
        )}
      </div>
    )
  if (overview.lastAttempt)
    return (
      <p className="outcome outcome-warn" data-testid="scan-outcome">
        <Icon name="alert" size={14} /> The scan started{' '}
        <RelativeTime iso={overview.lastAttempt.startedAt} />{' '}
        {overview.lastAttempt.status === 'interrupted' ? 'was cancelled' : 'failed'}; the inventory
        shown is from the last complete scan.
      </p>
    )
  return null
}
