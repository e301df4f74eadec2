import type { SettingsUpdate } from '../../../shared/ipc'
import { PageHeader } from '../components/PageHeader'
import { ErrorState, Skeleton } from '../components/common'
import { Icon } from '../components/Icon'
import { toast } from '../components/toast'
import { call, errorMessage } from '../lib/api'
import { href } from '../lib/router'
import type { Route } from '../lib/router'
import { useQuery } from '../lib/use-query'
import { SETTINGS_PANELS } from './settings/panels'

export function Settings({ route }: { route: Route }) {
  const panel = SETTINGS_PANELS.find((p) => p.id === route.sub) ?? SETTINGS_PANELS[0]!
  const q = useQuery('settings', () => call('getSettings'))
  const save = async (u: SettingsUpdate): Promise<void> => {
    try {
      await call('updateSettings', u)
      toast('Saved')
      q.retry()
    } catch (e) {
      toast(`Not saved: ${errorMessage(e)}`, 'error')
      throw e
    }
  }
  return (
    <>
      <PageHeader title="Settings" sub="Saved in the inventory database on this machine" />
      <main className="content" id="main" tabIndex={-1}>
        <div className="page settings">
          <nav className="settings-nav" aria-label="Settings sections">
            {SETTINGS_PANELS.map((p) => (
              <a
                key={p.id}
                href={href('settings', p.id)}
                className="nav-item"
                aria-current={p.id === panel.id ? 'page' : undefined}
                data-testid={`settings-${p.id}`}
              >
                <Icon name={p.icon} />
                {p.label}
              </a>
            ))}
          </nav>
          <section
            className="settings-panel card"
            aria-labelledby="panel-h"
            data-testid={`panel-${panel.id}`}
          >
            <div className="card-header column">
              <h2 id="panel-h">{panel.label}</h2>
              <p className="muted">{panel.description}</p>
            </div>
            <div className="card-body">
              {q.status === 'error' && !q.data && <ErrorState error={q.error} onRetry={q.retry} />}
              {!q.data && q.status === 'loading' && <Skeleton lines={4} />}
              {q.data && <panel.Panel view={q.data} save={(u) => save(u).catch(() => undefined)} />}
            </div>
          </section>
        </div>
      </main>
    </>
  )
}
