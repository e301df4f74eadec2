import { useState } from 'react'
import type { FindingDetail } from '../../../../shared/ipc'
import { KIND_LABEL, TAB_OF_KIND } from '../../../../shared/inventory-tabs'
import { SeverityBadge, StateBadge } from '../../components/badges'
import {
  Button,
  CopyButton,
  HomeText,
  KeyValues,
  PathText,
  RelativeTime,
} from '../../components/common'
import { DetailPane } from '../../components/DetailPane'
import { Icon } from '../../components/Icon'
import { toast } from '../../components/toast'
import { call, errorMessage } from '../../lib/api'
import { exactTime } from '../../lib/format'
import { href, navigate } from '../../lib/router'
import { bumpRevision, startScan } from '../../lib/store'
import { useQuery } from '../../lib/use-query'
import { rescanMessage } from '../../lib/delta'
import { AcceptRiskDialog } from './AcceptRiskDialog'

function advisoryUrl(id: string): string | undefined {
  if (/^CVE-\d{4}-\d+$/i.test(id)) return `https://nvd.nist.gov/vuln/detail/${id.toUpperCase()}`
  if (/^GHSA(-[0-9a-z]{4}){3}$/i.test(id)) return `https://github.com/advisories/${id}`
  return undefined
}

/** Evidence first, then why it matters, then how to fix, then what you can do about it. */
export function FindingPane({ id, onClose }: { id: string; onClose(): void }) {
  const q = useQuery(`finding:${id}`, () => call('getFinding', { id }))
  const d = q.data && q.data.finding.id === id ? q.data : undefined
  const [accepting, setAccepting] = useState(false)
  return (
    <DetailPane
      label="Finding details"
      testId="finding-pane"
      kicker={
        d && (
          <>
            <SeverityBadge severity={d.finding.severity} />
            <code>{d.finding.ruleId}</code>
            {d.finding.state !== 'open' && <StateBadge state={d.finding.state} />}
          </>
        )
      }
      title={d?.finding.title}
      titleTestId="finding-title"
      query={q}
      loaded={d !== undefined}
      errorTestId="finding-error"
      skeletonLines={8}
      onClose={onClose}
      after={
        accepting &&
        d && (
          <AcceptRiskDialog
            finding={d.finding}
            onClose={() => setAccepting(false)}
            onDone={() => {
              setAccepting(false)
              bumpRevision()
            }}
          />
        )
      }
    >
      {d && <FindingBody d={d} onAccept={() => setAccepting(true)} />}
    </DetailPane>
  )
}

function FindingBody({ d, onAccept }: { d: FindingDetail; onAccept(): void }) {
  // Accepted by the security team on the server: the laptop cannot reopen it (the next config
  // would bring it back), so the pane says who to ask instead of offering Reopen.
  const managed = d.acceptance?.source === 'server' && !d.acceptance.expired
  const f = d.finding
  const a = d.asset
  const isKey = a?.kind === 'secret'
  const onDisk = f.path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(f.path)
  const allRefs = [...d.rule.cwe.map((c) => `CWE-${c}`), ...d.rule.advisories]
  const [moreRefs, setMoreRefs] = useState(false)
  const refs = moreRefs ? allRefs : allRefs.slice(0, 6)
  return (
    <>
      <section className="pane-section" aria-labelledby="ev-h">
        <h3 id="ev-h">What was seen</h3>
        <p className="finding-message" data-testid="finding-message">
          <HomeText text={f.message} />
        </p>
        <div className="evidence" data-testid="evidence">
          <KeyValues
            rows={[
              ['File', <PathText key="p" path={f.path} max={46} />],
              f.line !== undefined ? ['Line', String(f.line)] : null,
              f.member
                ? [
                    'Archive member',
                    <span key="m" className="mono break">
                      {f.member}
                    </span>,
                  ]
                : null,
              f.offset !== undefined
                ? [
                    'Byte offset',
                    <span key="o" className="mono">
                      {f.offset.toLocaleString('en-US')} (0x{f.offset.toString(16)})
                    </span>,
                  ]
                : null,
              f.callable ? ['Callable', <code key="c">{f.callable}</code>] : null,
              isKey && a?.facts.provider ? ['Provider', String(a.facts.provider)] : null,
              isKey && a?.facts.redacted
                ? [
                    'Key (redacted)',
                    <span key="r" className="mono" data-testid="key-preview">
                      {String(a.facts.redacted)}
                    </span>,
                  ]
                : null,
              isKey && a?.facts.fingerprint
                ? [
                    'Fingerprint',
                    <span
                      key="fp"
                      className="mono break"
                      title="HMAC-SHA-256 under this installation's secret: the same key always has the same fingerprint here"
                    >
                      {String(a.facts.fingerprint)}
                    </span>,
                  ]
                : null,
              ['First seen', <RelativeTime key="t" iso={f.firstSeenAt} />],
            ]}
          />
        </div>
      </section>
      <section className="pane-section" aria-labelledby="why-h">
        <h3 id="why-h">Why it matters</h3>
        <p className="callout" data-testid="finding-why">
          {d.rule.why}
        </p>
        {refs.length > 0 && (
          <div className="refs">
            {refs.map((r) => {
              const url =
                advisoryUrl(r) ??
                (r.startsWith('CWE-')
                  ? `https://cwe.mitre.org/data/definitions/${r.slice(4)}.html`
                  : undefined)
              return url ? (
                <button
                  key={r}
                  type="button"
                  className="ref-link"
                  onClick={() =>
                    void call('openExternal', url).catch((e: unknown) =>
                      toast(errorMessage(e), 'error'),
                    )
                  }
                >
                  {r} <Icon name="external" size={11} />
                </button>
              ) : (
                <span key={r} className="ref-link">
                  {r}
                </span>
              )
            })}
            {allRefs.length > refs.length && (
              <button type="button" className="ref-link" onClick={() => setMoreRefs(true)}>
                {allRefs.length - refs.length} more
              </button>
            )}
          </div>
        )}
      </section>
      <section className="pane-section" aria-labelledby="fix-h">
        <h3 id="fix-h">How to fix</h3>
        <p className="callout fix" data-testid="finding-fix">
          {d.rule.fix}
        </p>
      </section>
      {d.acceptance && (
        <section className="pane-section" aria-labelledby="acc-h" data-testid="acceptance">
          <h3 id="acc-h">
            {d.acceptance.expired
              ? 'Acceptance expired'
              : d.acceptance.source === 'server'
                ? 'Accepted by your security team'
                : 'Risk accepted'}
          </h3>
          <div className={`callout${d.acceptance.expired ? ' warn' : ''}`}>
            <p className="acc-note">“{d.acceptance.note}”</p>
            <p className="muted">
              {d.acceptance.source === 'server' ? 'security team: ' : ''}
              {d.acceptance.acceptedBy},{' '}
              <span title={exactTime(d.acceptance.acceptedAt)}>
                {exactTime(d.acceptance.acceptedAt)}
              </span>
              {d.acceptance.expiresAt
                ? d.acceptance.expired
                  ? ` · expired ${exactTime(d.acceptance.expiresAt)}: the finding counts as open again`
                  : ` · until ${exactTime(d.acceptance.expiresAt)}`
                : d.acceptance.source === 'server'
                  ? ' · no expiry'
                  : ' · until reopened'}
            </p>
            {d.acceptance.source === 'server' && !d.acceptance.expired && (
              <p className="muted" data-testid="server-accepted">
                Set on the AI Scout server: to reopen it, ask your security team.
              </p>
            )}
          </div>
        </section>
      )}
      {a && (
        <section className="pane-section" aria-labelledby="asset-h">
          <h3 id="asset-h">Asset</h3>
          <button
            type="button"
            className="link-row"
            data-testid="finding-asset"
            onClick={() => navigate(href('inventory', TAB_OF_KIND[a.kind], { sel: a.id }))}
          >
            <span className="link-rel">{KIND_LABEL[a.kind]}</span>
            <span className="link-name">{a.name}</span>
            <Icon name="chevron" size={12} />
          </button>
        </section>
      )}
      <section className="pane-section" aria-label="Actions">
        <div className="actions">
          {managed ? null : f.state === 'accepted' || (d.acceptance && !d.acceptance.expired) ? (
            <Button
              icon="undo"
              small
              testId="reopen"
              onClick={() =>
                void call('reopenRisk', { findingId: f.id }).then(
                  () => {
                    toast('Reopened: the finding counts as open again')
                    bumpRevision()
                  },
                  (e: unknown) => toast(errorMessage(e), 'error'),
                )
              }
            >
              Reopen
            </Button>
          ) : (
            f.state === 'open' && (
              <Button icon="check" small testId="accept-risk" onClick={onAccept}>
                Accept risk…
              </Button>
            )
          )}
          {onDisk && (
            <Button
              small
              icon="folder"
              testId="reveal"
              onClick={() =>
                void call('revealInFolder', { findingId: f.id }).catch((e: unknown) =>
                  toast(errorMessage(e), 'error'),
                )
              }
            >
              Show in folder
            </Button>
          )}
          <CopyButton what={{ findingId: f.id }} testId="copy-path" />
          {onDisk && (
            <Button
              small
              icon="scan"
              testId="rescan-file"
              onClick={() =>
                void startScan([f.path]).then(
                  (o) => toast(rescanMessage(o), o.kind === 'complete' ? 'info' : 'error'),
                  (e: unknown) => toast(errorMessage(e), 'error'),
                )
              }
            >
              Rescan file
            </Button>
          )}
          {a?.kind === 'model' && onDisk && (
            <a className="btn btn-small" href={href('model', a.id)}>
              <Icon name="file" /> Model report
            </a>
          )}
        </div>
      </section>
    </>
  )
}
