import type { AssetKind, Severity } from '../../../shared/types'
import { useEffect, useRef, useState } from 'react'
import type { NewSince, Overview as OverviewData } from '../../../shared/ipc'
import { INVENTORY_TABS } from '../../../shared/inventory-tabs'
import { MenuButton } from '../components/Menu'
import { PageHeader } from '../components/PageHeader'
import { SEVERITY_LABEL, SEVERITY_ORDER, SeverityBadge } from '../components/badges'
import {
  Bytes,
  EmptyState,
  ErrorState,
  PathText,
  RelativeTime,
  Skeleton,
} from '../components/common'
import { Icon } from '../components/Icon'
import { ScanPanel } from './ScanPanel'
import { call } from '../lib/api'
import { EXPORT_CHOICES, exportReport } from '../lib/export'
import { formatCount, formatDuration, plural } from '../lib/format'
import { href } from '../lib/router'
import { useQuery } from '../lib/use-query'

const TAB_ICONS: Readonly<Record<string, Parameters<typeof Icon>[0]['name']>> = {
  models: 'cube',
  datasets: 'database',
  notebooks: 'notebook',
  keys: 'key',
  tools: 'terminal',
  extensions: 'puzzle',
  mcp: 'server',
  agents: 'bot',
  platforms: 'cloud',
  python: 'package',
  compute: 'cpu',
  servers: 'server',
}

export function Overview() {
  const q = useQuery('overview', () => call('getOverview'))
  const data = q.data
  // Leaving the Overview marks what it showed as seen ("new since you last looked").
  const seenUpTo = useRef(0)
  useEffect(() => {
    if (data?.lastScan) seenUpTo.current = data.changeSeq
  }, [data])
  useEffect(
    () => () => {
      if (seenUpTo.current > 0)
        void call('markOverviewSeen', { upTo: seenUpTo.current }).catch(() => undefined)
    },
    [],
  )
  return (
    <>
      <PageHeader title="Overview" sub="What AI is on this machine and what needs your attention">
        <MenuButton
          label="Export"
          icon="download"
          testId="export-menu"
          items={EXPORT_CHOICES.map((c) => ({
            id: c.format,
            label: c.label,
            hint: c.hint,
            onSelect: () => void exportReport(c.format),
          }))}
        />
      </PageHeader>
      <main className="content" id="main" tabIndex={-1}>
        <div className="page overview">
          {q.status === 'error' && !data && <ErrorState error={q.error} onRetry={q.retry} />}
          {!data && q.status === 'loading' && (
            <div className="card card-body">
              <Skeleton lines={3} />
            </div>
          )}
          {data && (
            <>
              <ScanPanel overview={data} />
              {q.status === 'error' && <ErrorState error={q.error} onRetry={q.retry} />}
              {!data.lastScan ? <FirstRun /> : <Dashboard data={data} />}
            </>
          )}
        </div>
      </main>
    </>
  )
}

function FirstRun() {
  return (
    <div className="card first-run" data-testid="first-run">
      <EmptyState icon="shield" title="What a scan looks at">
        <p>
          A scan looks through your home folder for AI models and model stores, notebooks, AI API
          keys, AI tools and apps, IDE extensions, MCP servers and agent settings, Python AI
          packages, GPUs and local model servers, and judges the risk of each.
        </p>
        <ul className="promise">
          <li>
            <Icon name="check" /> Model files are parsed, never loaded or run.
          </li>
          <li>
            <Icon name="check" /> Keys are kept only as a redacted preview and a fingerprint.
          </li>
          <li>
            <Icon name="check" /> Nothing leaves this machine.
          </li>
        </ul>
      </EmptyState>
    </div>
  )
}

function NewSinceBanner({ n }: { n: NewSince }) {
  const [hidden, setHidden] = useState(false)
  if (hidden) return null
  const parts = [
    n.findingsOpened && plural(n.findingsOpened, 'new finding'),
    n.findingsResolved && `${plural(n.findingsResolved, 'finding')} resolved`,
    n.assetsAdded && `${plural(n.assetsAdded, 'new asset')}`,
    n.assetsGone && `${plural(n.assetsGone, 'asset')} gone`,
  ].filter(Boolean)
  if (!parts.length) return null
  return (
    <section className="new-since" data-testid="new-since" aria-label="New since you last looked">
      <Icon name="clock" />
      <span>
        <b>Since you last looked</b>
        {n.since && (
          <>
            {' '}
            (<RelativeTime iso={n.since} />)
          </>
        )}
        : {parts.join(', ')}.
      </span>
      {n.findingsOpened > 0 && <a href={href('findings')}>Review findings</a>}
      <button
        type="button"
        className="btn btn-ghost btn-small"
        onClick={() => {
          setHidden(true)
          void call('markOverviewSeen', { upTo: n.upTo }).catch(() => undefined)
        }}
      >
        Dismiss
      </button>
    </section>
  )
}

function Dashboard({ data }: { data: OverviewData }) {
  const open = SEVERITY_ORDER.reduce((n, s) => n + data.openBySeverity[s], 0)
  return (
    <>
      {data.newSince && <NewSinceBanner n={data.newSince} />}
      <div className="ov-grid">
        <section className="card" aria-labelledby="attention-h">
          <div className="card-header">
            <h2 id="attention-h">Needs attention</h2>
            <a className="card-link" href={href('findings')}>
              All findings <Icon name="chevron" size={12} />
            </a>
          </div>
          {data.top.length === 0 ? (
            <div className="card-body all-clear-note" data-testid="nothing-urgent">
              <Icon name="check" /> Nothing critical or high is open.
              {open > 0 && (
                <>
                  {' '}
                  <a href={href('findings')}>{plural(open, 'finding')} to review</a> at lower
                  severity.
                </>
              )}
            </div>
          ) : (
            <ul className="attention-list" data-testid="top-findings">
              {data.top.map((f) => (
                <li key={f.id}>
                  <a className="attention-row" href={href('findings', undefined, { sel: f.id })}>
                    <SeverityBadge severity={f.severity} />
                    <span className="attention-main">
                      <span className="attention-title">{f.title}</span>
                      <PathText path={f.path} max={58} className="attention-path" />
                    </span>
                    <span className="attention-when">
                      <RelativeTime iso={f.firstSeenAt} />
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card" aria-labelledby="sev-h">
          <div className="card-header">
            <h2 id="sev-h">Open findings</h2>
            <span className="card-link muted">{formatCount(open)} open</span>
          </div>
          <div className="card-body">
            <SeverityBars counts={data.openBySeverity} />
            <a
              className="accepted-link"
              href={href('findings', undefined, { state: 'accepted' })}
              data-testid="accepted-count"
            >
              {plural(data.accepted, 'accepted risk')}
            </a>
          </div>
        </section>
      </div>
      <h2 className="section-title">Inventory</h2>
      <div className="kind-grid" data-testid="kind-grid">
        {INVENTORY_TABS.map((t) => {
          const n = t.kinds.reduce((s, k: AssetKind) => s + (data.assetsByKind[k] ?? 0), 0)
          return (
            <a
              key={t.id}
              className={`kind-tile${n ? '' : ' zero'}`}
              href={href('inventory', t.id)}
              data-testid={`count-${t.id}`}
            >
              <Icon name={TAB_ICONS[t.id] ?? 'inventory'} />
              <span className="kind-n">{formatCount(n)}</span>
              <span className="kind-label">{t.label}</span>
            </a>
          )
        })}
      </div>
      <div className="ov-grid ov-bottom">
        <section className="card" aria-labelledby="last-h">
          <div className="card-header">
            <h2 id="last-h">Last scan</h2>
          </div>
          <div className="card-body">
            {data.lastScan && (
              <dl className="kv">
                <div className="kv-row">
                  <dt>Finished</dt>
                  <dd>
                    <RelativeTime iso={data.lastScan.finishedAt} />
                  </dd>
                </div>
                <div className="kv-row">
                  <dt>Took</dt>
                  <dd>{formatDuration(data.lastScan.durationMs)}</dd>
                </div>
                <div className="kv-row">
                  <dt>Looked at</dt>
                  <dd>
                    {plural(data.lastScan.stats?.filesSeen ?? 0, 'file')} in{' '}
                    {plural(data.lastScan.stats?.dirsSeen ?? 0, 'folder')}
                  </dd>
                </div>
                <div className="kv-row">
                  <dt>Skipped</dt>
                  <dd>
                    {plural(data.lastScan.stats?.skipped ?? 0, 'path')} (unreadable, excluded or
                    cloud-only)
                  </dd>
                </div>
                <div className="kv-row">
                  <dt>Roots</dt>
                  <dd className="roots">
                    {data.lastScan.roots.map((r) => (
                      <PathText key={r} path={r} max={56} />
                    ))}
                  </dd>
                </div>
              </dl>
            )}
          </div>
        </section>
        <section className="card" aria-labelledby="models-h">
          <div className="card-header">
            <h2 id="models-h">Models on disk</h2>
            <a className="card-link" href={href('inventory', 'models')}>
              Open <Icon name="chevron" size={12} />
            </a>
          </div>
          <div className="card-body model-stats">
            <div>
              <div className="big-n">
                <Bytes n={data.models.bytes} />
              </div>
              <div className="muted">in {plural(data.models.count, 'model file')}</div>
            </div>
            <div>
              <div className={`big-n${data.models.malicious ? ' text-critical' : ''}`}>
                {data.models.malicious}
              </div>
              <div className="muted">
                <a href={href('inventory', 'models', { verdict: 'malicious' })}>malicious</a>
              </div>
            </div>
            <div>
              <div className={`big-n${data.models.suspicious ? ' text-medium' : ''}`}>
                {data.models.suspicious}
              </div>
              <div className="muted">
                <a href={href('inventory', 'models', { verdict: 'suspicious' })}>suspicious</a>
              </div>
            </div>
          </div>
        </section>
      </div>
    </>
  )
}

function SeverityBars({ counts }: { counts: Readonly<Record<Severity, number>> }) {
  const max = Math.max(1, ...SEVERITY_ORDER.map((s) => counts[s]))
  return (
    <ul className="sev-bars" data-testid="severity-bars">
      {SEVERITY_ORDER.map((s) => (
        <li key={s}>
          <a
            href={href('findings', undefined, { sev: s })}
            className="sev-bar-row"
            data-testid={`sev-${s}`}
          >
            <span className={`sev-badge compact sev-${s}`}>
              <span className="sev-dot" aria-hidden="true" />
              {SEVERITY_LABEL[s]}
            </span>
            <span className="sev-track" aria-hidden="true">
              <span
                className={`sev-fill fill-${s}`}
                style={{ width: `${(counts[s] / max) * 100}%` }}
              />
            </span>
            <span className="sev-n">{formatCount(counts[s])}</span>
          </a>
        </li>
      ))}
    </ul>
  )
}
