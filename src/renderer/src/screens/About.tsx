import { PageHeader } from '../components/PageHeader'
import {
  Button,
  Bytes,
  CopyButton,
  ErrorState,
  KeyValues,
  RelativeTime,
  Skeleton,
} from '../components/common'
import { toast } from '../components/toast'
import { call, errorMessage } from '../lib/api'
import { useQuery } from '../lib/use-query'

export function About() {
  const q = useQuery('about', () => call('getAppInfo'))
  const i = q.data
  return (
    <>
      <PageHeader
        title="About AI Scout"
        sub="Versions, where things are, and what went wrong lately"
      >
        <Button
          icon="copy"
          testId="copy-diagnostics"
          onClick={() =>
            void call('getDiagnostics')
              .then((d) => call('copyText', { text: d.text }))
              .then(
                () =>
                  toast(
                    'Diagnostics copied: versions, paths and counts, never keys or file contents',
                  ),
                (e: unknown) => toast(errorMessage(e), 'error'),
              )
          }
        >
          Copy diagnostics
        </Button>
      </PageHeader>
      <main className="content" id="main" tabIndex={-1}>
        <div className="page about">
          {q.status === 'error' && !i && <ErrorState error={q.error} onRetry={q.retry} />}
          {!i && q.status === 'loading' && <Skeleton lines={6} />}
          {i && (
            <>
              <section className="card card-body" data-testid="about-info">
                <KeyValues
                  rows={[
                    ['Version', `${i.name} ${i.version}`],
                    ['Platform', `${i.platform} (${i.arch})`],
                    [
                      'Runtime',
                      [
                        `Node ${i.versions.node}`,
                        i.versions.electron && `Electron ${i.versions.electron}`,
                        i.versions.chrome && `Chromium ${i.versions.chrome}`,
                        i.versions.sqlite && `SQLite ${i.versions.sqlite}`,
                      ]
                        .filter(Boolean)
                        .join(' · '),
                    ],
                    [
                      'Inventory',
                      <span key="db" className="path-box inline">
                        <span className="mono break" data-testid="about-db">
                          {i.dbPath}
                        </span>
                        <CopyButton what={{ text: i.dbPath }} />
                      </span>,
                    ],
                    ['Inventory size', <Bytes key="s" n={i.dbSizeBytes} />],
                    [
                      'Log file',
                      <span key="log" className="path-box inline">
                        <span className="mono break">{i.logPath}</span>
                        <CopyButton what={{ text: i.logPath }} />
                      </span>,
                    ],
                  ]}
                />
              </section>
              <h2 className="section-title">Recent errors</h2>
              <section className="card" data-testid="recent-errors">
                {i.recentErrors.length === 0 ? (
                  <p className="card-body muted">No errors since AI Scout started.</p>
                ) : (
                  <ul className="error-list">
                    {i.recentErrors.map((e, n) => (
                      <li key={n}>
                        <RelativeTime iso={e.at} />
                        <code>{e.where}</code>
                        <span>{e.message}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </section>
              <p className="privacy-note muted">
                AI Scout finds AI assets by reading files statically. It never loads or runs a
                model, never stores a key in clear text, and sends nothing anywhere.
              </p>
            </>
          )}
        </div>
      </main>
    </>
  )
}
