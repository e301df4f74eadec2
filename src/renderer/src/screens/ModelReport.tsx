import type { ModelReport } from '../../../shared/ipc'
import { PageHeader } from '../components/PageHeader'
import { SEVERITY_ORDER, SeverityBadge, VerdictBadge } from '../components/badges'
import {
  Button,
  Bytes,
  CopyButton,
  EmptyState,
  ErrorState,
  HomeText,
  KeyValues,
  PathText,
  Skeleton,
} from '../components/common'
import { Icon } from '../components/Icon'
import { call } from '../lib/api'
import { exactTime, formatDuration } from '../lib/format'
import { href } from '../lib/router'
import { useQuery } from '../lib/use-query'
import { TAB_OF_KIND } from '../../../shared/inventory-tabs'

const VERDICT_TEXT: Readonly<Record<string, string>> = {
  malicious: 'This file would run code or give an attacker control when loaded. Do not load it.',
  suspicious: 'Something in this file needs a look before you trust it.',
  invalid:
    'This file could not be fully parsed: it may be truncated, corrupt or not what its name says.',
  safe: 'Nothing dangerous was found by the static scan.',
}

/**
 * Everything the static scanners know about one model file, as `aiscout scan-model` reports it:
 * format, verdict, each finding with its evidence, the callables named, the chat template's
 * verdict, and the metadata. Printable (the page's print styles drop the app chrome).
 */
export function ModelReportScreen({ assetId }: { assetId: string }) {
  const q = useQuery(`model:${assetId}`, () => call('getModelReport', { assetId }))
  const r = q.data && q.data.asset.id === assetId ? q.data : undefined
  return (
    <>
      <PageHeader title="Model report" sub={r ? r.asset.name : 'Static scan of one model file'}>
        <a
          className="btn"
          href={href('inventory', r ? TAB_OF_KIND[r.asset.kind] : 'models', { sel: assetId })}
        >
          <Icon name="chevron" className="flip" /> Inventory
        </a>
        <Button icon="print" onClick={() => window.print()} disabled={!r} testId="print-report">
          Print
        </Button>
      </PageHeader>
      <main className="content" id="main" tabIndex={-1}>
        <div className="page report" data-testid="model-report">
          {q.status === 'error' && !r && <ErrorState error={q.error} onRetry={q.retry} />}
          {!r && q.status === 'loading' && (
            <div className="card card-body">
              <p className="muted">Scanning the file statically (it is never loaded or run)…</p>
              <Skeleton lines={5} />
            </div>
          )}
          {r && <ReportBody r={r} />}
        </div>
      </main>
    </>
  )
}

function ReportBody({ r }: { r: ModelReport }) {
  const s = r.scan
  if (!s.ok)
    return (
      <div className="card">
        <EmptyState icon="alert" title="The file could not be scanned">
          {s.message}
        </EmptyState>
      </div>
    )
  const findings = [...s.findings].sort(
    (a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity),
  )
  const meta = Object.entries(s.metadata)
  return (
    <>
      <section className={`card report-summary verdict-${s.verdict}`} data-testid="report-summary">
        <div className="report-verdict">
          <VerdictBadge verdict={s.verdict} />
          <p>{VERDICT_TEXT[s.verdict]}</p>
        </div>
        <KeyValues
          rows={[
            ['File', <PathText key="p" path={r.asset.path} max={90} />],
            ['Format', s.format],
            s.sizeBytes !== undefined ? ['Size', <Bytes key="b" n={s.sizeBytes} />] : null,
            s.sha256
              ? [
                  'SHA-256',
                  <span key="h" className="mono break">
                    {s.sha256}
                  </span>,
                ]
              : null,
            r.asset.source ? ['Found by', r.asset.source] : null,
            typeof r.asset.details.repoId === 'string'
              ? ['Repository', String(r.asset.details.repoId)]
              : null,
            r.asset.version
              ? [
                  'Revision',
                  <span key="v" className="mono">
                    {r.asset.version}
                  </span>,
                ]
              : null,
            [
              'Scanned',
              `${exactTime(s.scannedAt)} in ${formatDuration(s.durationMs)}, statically: nothing was loaded or run`,
            ],
          ]}
        />
        <div className="actions no-print">
          <CopyButton what={{ assetId: r.asset.id }} />
        </div>
      </section>

      <h2 className="section-title">Findings ({findings.length})</h2>
      {findings.length === 0 ? (
        <div className="card card-body muted">
          No findings: the scanners saw nothing they flag in this file.
        </div>
      ) : (
        <div className="report-findings">
          {findings.map((f, i) => (
            <article
              key={`${f.ruleId}:${i}`}
              className={`card report-finding edge-${f.severity}`}
              data-testid="report-finding"
            >
              <header>
                <SeverityBadge severity={f.severity} />
                <h3>{f.title}</h3>
                <code className="muted">{f.ruleId}</code>
              </header>
              <p>
                <HomeText text={f.message} />
              </p>
              {(f.member || f.offset !== undefined || f.callable || f.file) && (
                <div className="evidence">
                  <KeyValues
                    rows={[
                      f.file
                        ? [
                            'File',
                            <span key="f" className="mono break">
                              {f.file}
                              {f.line !== undefined ? `:${f.line}` : ''}
                            </span>,
                          ]
                        : null,
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
                    ]}
                  />
                </div>
              )}
              {f.why && (
                <p className="callout">
                  <b>Why it matters.</b> {f.why}
                </p>
              )}
              {f.fix && (
                <p className="callout fix">
                  <b>How to fix.</b> {f.fix}
                </p>
              )}
            </article>
          ))}
        </div>
      )}

      <div className="report-grid">
        <section className="card">
          <div className="card-header">
            <h2>Callables and imports named</h2>
          </div>
          <div className="card-body">
            {s.callables.length ? (
              <ul className="code-list" data-testid="report-callables">
                {s.callables.map((c) => (
                  <li key={c}>
                    <code>{c}</code>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">None outside what the scanners allow for this format.</p>
            )}
          </div>
        </section>
        <section className="card">
          <div className="card-header">
            <h2>Chat template</h2>
          </div>
          <div className="card-body" data-testid="report-template">
            {s.chatTemplate ? (
              s.chatTemplate.verdict === 'unsafe' ? (
                <p>
                  <span className="tag tone-critical">Unsafe</span> The template reaches Python
                  internals or loads code ({s.chatTemplate.findings} finding
                  {s.chatTemplate.findings === 1 ? '' : 's'} above).
                </p>
              ) : (
                <p>
                  <span className="tag tone-ok">Safe</span> The template was analysed and does
                  nothing beyond formatting messages.
                </p>
              )
            ) : (
              <p className="muted">This file carries no chat template.</p>
            )}
          </div>
        </section>
      </div>

      <h2 className="section-title">Metadata</h2>
      <section className="card card-body">
        {meta.length ? (
          <KeyValues
            rows={meta.map(([k, v]) => [
              k,
              <span key={k} className="detail-val">
                {Array.isArray(v) ? v.join(', ') : String(v)}
              </span>,
            ])}
          />
        ) : (
          <p className="muted">The format stores no metadata the scanners read.</p>
        )}
      </section>
    </>
  )
}
