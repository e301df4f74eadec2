import type { AppStatus } from '../../../shared/ipc'
import { href } from '../lib/router'
import { useAppState } from '../lib/store'
import { plural } from '../lib/format'
import { RelativeTime } from './common'

function syncText(s: NonNullable<AppStatus['sync']>): string {
  const n = s.pending ? ` · ${plural(s.pending, 'change')} waiting` : ''
  switch (s.state) {
    case 'synced':
      return 'Synced'
    case 'pending':
      return n ? `Sync pending${n}` : 'Not synced yet'
    case 'offline':
      return `Server unreachable${n}`
    case 'off':
      return 'Sync off'
  }
}

/**
 * The strip at the bottom: scan state, open urgent findings, last scan, and the slots the
 * background watcher and sync fill in when they run (AppStatus.watcher / .sync).
 */
export function StatusLine() {
  const status = useAppState((s) => s.status)
  const scan = useAppState((s) => s.scan)
  const progress = useAppState((s) => s.progress)
  const crit = status?.openBySeverity.critical ?? 0
  const high = status?.openBySeverity.high ?? 0
  return (
    <footer className="status-line" data-testid="status-line" aria-label="Status">
      {!scan.running && !status?.lastScanAt ? (
        <span className="status-item">
          <span className="sev-dot dot-none" aria-hidden="true" />
          No scan yet
        </span>
      ) : scan.running ? (
        <span className="status-item">
          <span className="sev-dot scanning" aria-hidden="true" />
          Scanning{progress ? ` · ${progress.phase} · ${plural(progress.filesSeen, 'file')}` : '…'}
        </span>
      ) : (
        <a className="status-item" href={href('findings')}>
          <span
            className={`sev-dot ${crit ? 'dot-critical' : high ? 'dot-high' : 'dot-ok'}`}
            aria-hidden="true"
          />
          {crit || high
            ? `${crit ? `${crit} critical` : ''}${crit && high ? ', ' : ''}${high ? `${high} high` : ''} open`
            : 'Nothing urgent open'}
        </a>
      )}
      {status?.lastScanAt && (
        <>
          <span className="status-sep">|</span>
          <span className="status-item">
            <RelativeTime iso={status.lastScanAt} prefix="Last scan " />
          </span>
        </>
      )}
      {status?.watcher && (
        <>
          <span className="status-sep">|</span>
          <span className="status-item">Watcher: {status.watcher.state}</span>
        </>
      )}
      {status?.sync && (
        <>
          <span className="status-sep">|</span>
          <a className="status-item" href={href('settings', 'sync')} data-testid="status-sync">
            {syncText(status.sync)}
          </a>
        </>
      )}
      <span className="status-item status-right">
        {status?.sync
          ? 'Inventory shared with your organisation’s server'
          : 'Everything stays on this machine'}
      </span>
    </footer>
  )
}
