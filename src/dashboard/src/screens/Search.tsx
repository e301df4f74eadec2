import { useState } from 'react'
import type { FormEvent } from 'react'
import type { SearchSection } from '../../../shared/dashboard-api'
import { ErrorLine, Loading, Mono, PageHead, When } from '../components/common'
import { fleet, qs } from '../lib/api'
import { KIND_LABEL } from '../lib/format'
import type { Route } from '../lib/router'
import { href, navigate } from '../lib/router'
import { useLoad } from '../lib/use-load'

const SECTION_LABEL: Readonly<Record<SearchSection['by'], string>> = {
  sha256: 'Model file with this SHA-256',
  fingerprint: 'AI key with this fingerprint',
  'model-name': 'Models by name',
  tool: 'Tools, apps, extensions and model servers',
  'mcp-command': 'MCP servers by command',
  'mcp-url': 'MCP servers by URL',
  package: 'Packages',
}

/**
 * One box for the whole fleet: a model's SHA-256 or a key's fingerprint (64 hex), a model, tool,
 * MCP server or package name. Results are grouped by device; each asset links to the device.
 */
export function Search({ route }: { route: Route }) {
  const q = route.query.get('q') ?? ''
  // The box starts from the query in the address (a shared link, Back); typing edits a draft.
  const [draft, setDraft] = useState<{ q: string; text: string }>({ q, text: q })
  const text = draft.q === q ? draft.text : q
  const setText = (t: string) => setDraft({ q, text: t })
  const { data, error, loading } = useLoad(
    async () =>
      q ? (await fleet.get<{ sections: SearchSection[] }>(`/search${qs({ q })}`)).sections : null,
    q,
  )
  const submit = (e: FormEvent) => {
    e.preventDefault()
    navigate('/search', { q: text.trim() })
  }
  return (
    <>
      <PageHead title="Fleet search" />
      <form className="search-box" role="search" onSubmit={submit}>
        <input
          aria-label="Search the fleet"
          placeholder="SHA-256 of a model, key fingerprint, model, tool, MCP server or package name"
          value={text}
          onChange={(e) => setText(e.target.value)}
          autoFocus
        />
        <button className="primary" type="submit">
          Search
        </button>
      </form>
      <ErrorLine error={error} />
      {!q ? (
        <div className="card muted">
          Paste a model's SHA-256 to see every laptop that holds the same weights, or a key
          fingerprint (from a laptop's findings) to see where one leaked key is. Names match models
          by substring and tools and packages exactly; MCP servers match on their command or URL.
        </div>
      ) : loading ? (
        <Loading />
      ) : data && data.length === 0 ? (
        <div className="card empty" data-testid="no-results">
          Nothing in the fleet matches <span className="mono">{q}</span>.
        </div>
      ) : (
        data?.map((s) => (
          <section key={s.by} className="card" data-testid={`section-${s.by}`}>
            <h2>
              {SECTION_LABEL[s.by]}: {s.devices.length} device{s.devices.length === 1 ? '' : 's'}
              {s.truncated ? ' (first 500 matches)' : ''}
            </h2>
            <table className="holders">
              <tbody>
                {s.devices.map((h) => (
                  <tr key={h.device.id} data-testid="holder">
                    <td className="holder-device">
                      <a href={href(`/devices/${h.device.id}`)}>{h.device.hostname}</a>
                      {h.device.revokedAt ? <span className="tag danger">Revoked</span> : null}
                      <div className="muted small">
                        seen <When iso={h.device.lastSeenAt} />
                      </div>
                    </td>
                    <td>
                      {h.assets.map((a) => (
                        <div key={a.key}>
                          <a href={href(`/devices/${h.device.id}`, { asset: a.key })}>
                            {a.name ?? KIND_LABEL[a.kind] ?? a.kind}
                          </a>{' '}
                          <Mono text={a.path} max={60} />
                          {a.openFindings ? (
                            <span className="tag danger">
                              {a.openFindings} open finding{a.openFindings === 1 ? '' : 's'}
                            </span>
                          ) : null}
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))
      )}
    </>
  )
}
