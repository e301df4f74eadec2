import type { DetailValue } from '../../../../shared/types'
import type { AssetDetail, LinkedAsset } from '../../../../shared/ipc'
import { KIND_LABEL, TAB_OF_KIND } from '../../../../shared/inventory-tabs'
import { SeverityBadge, StateBadge, VerdictBadge } from '../../components/badges'
import {
  Button,
  Bytes,
  CopyButton,
  KeyValues,
  PathText,
  RelativeTime,
} from '../../components/common'
import { DetailPane } from '../../components/DetailPane'
import { Icon } from '../../components/Icon'
import { toast } from '../../components/toast'
import { call, errorMessage } from '../../lib/api'
import { href, navigate } from '../../lib/router'
import { startScan } from '../../lib/store'
import { useQuery } from '../../lib/use-query'
import { rescanMessage } from '../../lib/delta'

const RELATION_LABEL: Readonly<Record<string, [out: string, incoming: string]>> = {
  'uses-secret': ['Uses key', 'Key used by'],
  'contains-secret': ['Contains key', 'Found in'],
  'references-model': ['References model', 'Referenced by'],
  'adapter-of': ['Adapter of base model', 'Base model of adapter'],
  'part-of': ['Part of', 'Contains'],
  'has-file': ['Has file', 'File of'],
  'installed-in': ['Installed in', 'Has package'],
  'same-weights': ['Same weights as', 'Same weights as'],
}

function relationLabel(l: LinkedAsset): string {
  const r = RELATION_LABEL[l.relation]
  return r ? r[l.direction === 'out' ? 0 : 1] : l.relation.replace(/-/g, ' ')
}

/** Details shown as provenance, in this order, when present. */
const PROVENANCE: readonly (readonly [string, string])[] = [
  ['repoId', 'Repository'],
  ['purl', 'Package URL'],
  ['model', 'Ollama model'],
  ['tag', 'Tag'],
  ['digest', 'Manifest digest'],
  ['revisions', 'Revisions'],
  ['refs', 'Refs'],
  ['publisher', 'Publisher'],
  ['storeRoot', 'Store'],
  ['architecture', 'Architecture'],
  ['parameterCount', 'Parameters'],
  ['parameterSize', 'Parameters'],
  ['quantization', 'Quantization'],
  ['provider', 'Provider'],
  ['redacted', 'Preview (redacted)'],
  ['fingerprint', 'Fingerprint'],
  ['line', 'Line'],
  ['client', 'Client'],
  ['transport', 'Transport'],
  ['command', 'Command'],
  ['url', 'URL'],
]
const PROVENANCE_KEYS = new Set(PROVENANCE.map(([k]) => k))
const MONO_KEYS = new Set([
  'purl',
  'digest',
  'fingerprint',
  'redacted',
  'command',
  'url',
  'storeRoot',
])

function detailText(v: DetailValue): string {
  if (v === null) return '—'
  if (typeof v === 'string') return v
  if (typeof v === 'number') return v.toLocaleString('en-US')
  if (typeof v === 'boolean') return v ? 'Yes' : 'No'
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null))
    return v.join(', ') || '—'
  const s = JSON.stringify(v)
  return s.length > 400 ? `${s.slice(0, 400)}…` : s
}

/** An asset beside the list: what it is, where it came from, how it relates, what is wrong. */
export function AssetPane({ id, onClose }: { id: string; onClose(): void }) {
  const q = useQuery(`asset:${id}`, () => call('getAsset', { id }))
  const d = q.data && q.data.asset.id === id ? q.data : undefined
  return (
    <DetailPane
      label="Asset details"
      testId="asset-pane"
      kicker={
        <>
          {d ? KIND_LABEL[d.asset.kind] : 'Asset'}
          {d?.asset.status === 'gone' && <span className="tag tone-neutral">gone</span>}
        </>
      }
      title={d?.asset.name}
      titleTestId="asset-title"
      query={q}
      loaded={d !== undefined}
      errorTestId="asset-error"
      skeletonLines={6}
      onClose={onClose}
    >
      {d && <AssetBody d={d} />}
    </DetailPane>
  )
}

function AssetBody({ d }: { d: AssetDetail }) {
  const a = d.asset
  const isModel = a.kind === 'model'
  const onDisk = a.path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(a.path)
  const prov = PROVENANCE.filter(
    ([k]) => a.details[k] !== undefined && a.details[k] !== null && a.details[k] !== '',
  )
  const rest = Object.entries(a.details).filter(
    ([k, v]) =>
      !PROVENANCE_KEYS.has(k) && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0),
  )
  const open = d.findings.filter((f) => f.state === 'open')
  return (
    <>
      <div className="pane-section">
        <div className="actions">
          {onDisk && (
            <Button
              small
              icon="folder"
              testId="reveal"
              onClick={() =>
                void call('revealInFolder', { assetId: a.id }).catch((e: unknown) =>
                  toast(errorMessage(e), 'error'),
                )
              }
            >
              Show in folder
            </Button>
          )}
          <CopyButton what={{ assetId: a.id }} testId="copy-path" />
          {isModel && onDisk && (
            <a className="btn btn-small" href={href('model', a.id)} data-testid="open-model-report">
              <Icon name="file" /> Model report
            </a>
          )}
          {onDisk && (
            <Button
              small
              icon="scan"
              onClick={() =>
                void startScan([a.path]).then(
                  (o) => toast(rescanMessage(o), o.kind === 'complete' ? 'info' : 'error'),
                  (e: unknown) => toast(errorMessage(e), 'error'),
                )
              }
            >
              Rescan
            </Button>
          )}
        </div>
      </div>
      <div className="pane-section">
        <KeyValues
          rows={[
            ['Location', <PathText key="p" path={a.path} max={52} />],
            a.verdict ? ['Verdict', <VerdictBadge key="v" verdict={a.verdict} />] : null,
            a.format ? ['Format', a.format] : null,
            a.version
              ? [
                  'Version',
                  <span key="ver" className={/^[0-9a-f]{40}$/.test(a.version) ? 'mono' : ''}>
                    {a.version}
                  </span>,
                ]
              : null,
            a.sizeBytes !== undefined ? ['Size', <Bytes key="b" n={a.sizeBytes} />] : null,
            a.sha256
              ? [
                  'SHA-256',
                  <span key="h" className="mono break">
                    {a.sha256}
                  </span>,
                ]
              : null,
            a.source ? ['Found by', a.source] : null,
            ['First seen', <RelativeTime key="fs" iso={a.firstSeenAt} />],
            ['Last seen', <RelativeTime key="ls" iso={d.lastSeenAt} />],
            d.goneSince ? ['Gone since', <RelativeTime key="g" iso={d.goneSince} />] : null,
          ]}
        />
      </div>
      <div className="pane-section" data-testid="asset-findings">
        <h3>Findings {open.length > 0 && <span className="muted">({open.length} open)</span>}</h3>
        {d.findings.length === 0 ? (
          <p className="muted">No findings for this asset.</p>
        ) : (
          <ul className="link-list">
            {d.findings.map((f) => (
              <li key={f.id}>
                <button
                  type="button"
                  className="link-row"
                  onClick={() =>
                    navigate(
                      href('findings', undefined, {
                        sel: f.id,
                        state: f.state === 'open' ? undefined : 'all',
                      }),
                    )
                  }
                >
                  <SeverityBadge severity={f.severity} compact />
                  <span className="link-name">{f.title}</span>
                  {f.state !== 'open' && <StateBadge state={f.state} />}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      {prov.length > 0 && (
        <div className="pane-section">
          <h3>Provenance</h3>
          <KeyValues
            rows={prov.map(([k, label]) => [
              label,
              <span key={k} className={MONO_KEYS.has(k) ? 'mono break' : ''}>
                {detailText(a.details[k]!)}
              </span>,
            ])}
          />
        </div>
      )}
      <div className="pane-section" data-testid="asset-links">
        <h3>Related</h3>
        {d.links.length === 0 ? (
          <p className="muted">Nothing else in the inventory is linked to this.</p>
        ) : (
          <ul className="link-list">
            {d.links.map((l) => (
              <li key={`${l.direction}:${l.relation}:${l.id}`}>
                {l.asset ? (
                  <button
                    type="button"
                    className="link-row"
                    data-testid="linked-asset"
                    onClick={() =>
                      navigate(
                        href('inventory', TAB_OF_KIND[l.asset!.kind], {
                          sel: l.id,
                          ...(l.asset!.status === 'gone' ? { status: 'all' } : {}),
                        }),
                      )
                    }
                  >
                    <span className="link-rel">{relationLabel(l)}</span>
                    <span className="link-name">{l.asset.name}</span>
                    <span className="tag tone-neutral">{KIND_LABEL[l.asset.kind]}</span>
                  </button>
                ) : (
                  <span className="link-row muted">
                    {relationLabel(l)}: not in the inventory any more
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
      {rest.length > 0 && (
        <div className="pane-section">
          <h3>Details</h3>
          <KeyValues
            rows={rest.slice(0, 40).map(([k, v]) => [
              k,
              <span key={k} className="detail-val">
                {detailText(v)}
              </span>,
            ])}
          />
        </div>
      )}
    </>
  )
}
