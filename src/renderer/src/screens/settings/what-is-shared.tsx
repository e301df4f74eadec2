import { useEffect, useState } from 'react'
import type { SharedItem, SyncPreviewView } from '../../../../shared/ipc'
import { KIND_LABEL } from '../../../../shared/inventory-tabs'
import { SEVERITIES } from '../../../../shared/types'
import type { AssetKind } from '../../../../shared/types'
import { SeverityBadge } from '../../components/badges'
import { Button, EmptyState, ErrorState, Skeleton } from '../../components/common'
import { Icon } from '../../components/Icon'
import { ApiError, call } from '../../lib/api'
import { formatBytes, formatCount, plural } from '../../lib/format'
import { useAppState } from '../../lib/store'

const kindLabel = (k: string): string => KIND_LABEL[k as AssetKind] ?? k
const groupLabel = (g: string): string =>
  g === 'findings' ? 'Findings' : g === 'removed' ? 'Removed or resolved' : kindLabel(g)

/** A value exactly as it goes over the wire: strings as they are, anything else as JSON. */
function wire(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v, null, 1)
}

function ItemFields({ item }: { item: SharedItem }) {
  const entries = Object.entries(item.data ?? {})
  return (
    <dl className="kv shared-fields">
      <div className="kv-row">
        <dt>key</dt>
        <dd className="mono">{item.key}</dd>
      </div>
      {entries.map(([k, v]) => (
        <div className="kv-row" key={k}>
          <dt>{k}</dt>
          <dd className="mono pre">{wire(v)}</dd>
        </div>
      ))}
    </dl>
  )
}

/** A short name for an item: its name, its rule and path, or its key. */
function itemTitle(item: SharedItem): string {
  const d = item.data ?? {}
  const name = typeof d.name === 'string' ? d.name : undefined
  const title = typeof d.title === 'string' ? d.title : undefined
  if (item.op !== 'upsert') return `${item.label}: ${item.key}`
  return name ?? title ?? item.key
}

function Summary({ p }: { p: SyncPreviewView }) {
  const assets = Object.values(p.assetsByKind).reduce<number>((a, n) => a + (n ?? 0), 0)
  const findings = Object.values(p.findingsBySeverity).reduce<number>((a, n) => a + (n ?? 0), 0)
  const nothing = p.batches.items === 0
  return (
    <p data-testid="shared-summary">
      {nothing
        ? 'Nothing to send: the server already has everything.'
        : `The next sync sends ${p.snapshot ? 'a full snapshot' : 'the changes'}: ${plural(assets, 'asset')}, ${plural(findings, 'finding')}${
            p.removals.assets + p.removals.findings
              ? `, ${plural(p.removals.assets + p.removals.findings, 'removal')}`
              : ''
          } in ${plural(p.batches.queued + p.batches.planned, 'batch', 'batches')} (${formatBytes(p.batches.bytes)} before compression).`}
    </p>
  )
}

/**
 * Settings → Sync → What is shared: the payload of the next sync, from the same function that
 * `aiscout sync --dry-run` prints (core's previewSync), counted by kind and severity, with a
 * sample of items field by field exactly as they will be sent (paths too).
 */
export function WhatIsShared({ stamp }: { stamp: string }) {
  const [open, setOpen] = useState(false)
  const [state, setState] = useState<
    | { s: 'idle' }
    | { s: 'loading' }
    | { s: 'ready'; p: SyncPreviewView }
    | { s: 'error'; e: unknown }
  >({ s: 'idle' })
  // Each bump of `request` fetches the preview once (the reply of an older one is dropped).
  const [request, setRequest] = useState(0)
  useEffect(() => {
    if (request === 0) return
    let live = true
    call('previewSync', {}).then(
      (p) => live && setState({ s: 'ready', p }),
      (e: unknown) => live && setState({ s: 'error', e }),
    )
    return () => {
      live = false
    }
  }, [request])
  const load = (): void => {
    setState({ s: 'loading' })
    setRequest((n) => n + 1)
  }
  // What changes the payload (a scan, a sync, enrolling) reloads it when open, or drops it.
  const revision = useAppState((st) => st.revision)
  const key = `${stamp}:${revision}`
  const [seen, setSeen] = useState(key)
  if (key !== seen) {
    setSeen(key)
    if (open) load()
    else setState({ s: 'idle' })
  }
  const toggle = (): void => {
    if (!open && state.s !== 'ready') load()
    setOpen(!open)
  }
  return (
    <div className="setting-block" data-testid="what-is-shared">
      <h3>What is shared</h3>
      <p className="muted">
        Exactly what the next sync would send, built by the same code that sends it (and that{' '}
        <code>aiscout sync --dry-run</code> prints). Nothing is sent by looking.
      </p>
      <div className="callout never-sent" data-testid="never-sent">
        <Icon name="shield" />
        <span>
          <b>Never leaves this device:</b> the contents of any file, the value of any key or token
          (only a redacted preview and a fingerprint), and notebook code.
        </span>
      </div>
      <div className="row-gap">
        <Button
          icon={open ? 'down' : 'chevron'}
          onClick={toggle}
          testId="shared-toggle"
          ariaExpanded={open}
          ariaControls="shared-body"
        >
          {open ? 'Hide what is shared' : 'Show what is shared'}
        </Button>
        {open && state.s === 'ready' && (
          <Button small kind="ghost" icon="scan" onClick={load} testId="shared-refresh">
            Refresh
          </Button>
        )}
      </div>
      {open && (
        <div id="shared-body" className="shared-body" aria-live="polite">
          {state.s === 'loading' && <Skeleton lines={4} />}
          {state.s === 'error' &&
            (state.e instanceof ApiError && state.e.code === 'not-found' ? (
              <EmptyState icon="cloud" title="Nothing to share yet">
                Run a scan first: the inventory it builds is what a sync sends.
              </EmptyState>
            ) : (
              <ErrorState error={state.e} onRetry={load} testId="shared-error" />
            ))}
          {state.s === 'ready' && <Preview p={state.p} />}
        </div>
      )}
    </div>
  )
}

function Preview({ p }: { p: SyncPreviewView }) {
  const kinds = Object.entries(p.assetsByKind).sort(([, a], [, b]) => (b ?? 0) - (a ?? 0))
  return (
    <div className="shared-preview" data-testid="shared-preview">
      <Summary p={p} />
      <p className="muted" data-testid="shared-paths">
        {p.uploadPaths === 'home' ? (
          <>
            Paths are sent with your home folder (<span className="mono">{p.home}</span>) written as{' '}
            <span className="mono">~</span>
            {p.enrolled
              ? ', as the server asks.'
              : ': the default until the server says otherwise (it may ask for full paths).'}
          </>
        ) : (
          'Paths are sent in full, as the server asks.'
        )}
      </p>
      {p.heldBack > 0 && (
        <p className="muted" data-testid="shared-held-back">
          {p.heldBack === 1
            ? '1 key waits for the next scan, which fingerprints it with your organisation’s key.'
            : `${plural(p.heldBack, 'key')} wait for the next scan, which fingerprints them with your organisation’s key.`}
        </p>
      )}
      <div className="shared-counts">
        <table className="count-table" data-testid="shared-kinds">
          <caption>Assets by kind</caption>
          <tbody>
            {kinds.length === 0 && (
              <tr>
                <td className="muted">None</td>
              </tr>
            )}
            {kinds.map(([k, n]) => (
              <tr key={k}>
                <th scope="row">{kindLabel(k)}</th>
                <td>{formatCount(n ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table className="count-table" data-testid="shared-severities">
          <caption>Findings by severity</caption>
          <tbody>
            {[...SEVERITIES].reverse().map((s) => (
              <tr key={s}>
                <th scope="row">
                  <SeverityBadge severity={s} />
                </th>
                <td>{formatCount(p.findingsBySeverity[s] ?? 0)}</td>
              </tr>
            ))}
            {p.removals.assets + p.removals.findings > 0 && (
              <tr>
                <th scope="row">Removed or resolved</th>
                <td>{formatCount(p.removals.assets + p.removals.findings)}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <h4 className="section-title">Sample, as sent</h4>
      <div className="shared-samples" data-testid="shared-samples">
        {p.samples.map((g) => (
          <details key={g.group} className="shared-group" data-testid={`shared-group-${g.group}`}>
            <summary>
              <b>{groupLabel(g.group)}</b>{' '}
              <span className="muted">
                {formatCount(g.total)}
                {g.total > g.items.length ? ` · first ${g.items.length} shown` : ''}
              </span>
            </summary>
            {g.items.map((it) => (
              <details key={`${it.op}:${it.key}`} className="shared-item" data-testid="shared-item">
                <summary>
                  {it.severity && <SeverityBadge severity={it.severity} compact />}
                  <span className="shared-item-title">{itemTitle(it)}</span>
                  {it.op === 'upsert' && <span className="muted mono">{it.label}</span>}
                </summary>
                <ItemFields item={it} />
              </details>
            ))}
          </details>
        ))}
      </div>
    </div>
  )
}
