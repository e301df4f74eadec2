import { useEffect, useState } from 'react'
import type { SessionInfo } from '../../shared/dashboard-api'
import { Loading } from './components/common'
import { session, setCsrfToken, whenSignedOut } from './lib/api'
import { useRoute } from './lib/router'
import { THEMES, useTheme } from './lib/theme'
import type { Theme } from './lib/theme'
import { Alerts } from './screens/Alerts'
import { Audit } from './screens/Audit'
import { DeviceDetail } from './screens/DeviceDetail'
import { Devices } from './screens/Devices'
import { EnrollSecrets } from './screens/EnrollSecrets'
import { Findings } from './screens/Findings'
import { Overview } from './screens/Overview'
import { Policies } from './screens/Policies'
import { Search } from './screens/Search'
import { SignIn } from './screens/SignIn'

const NAV = [
  { path: 'overview', label: 'Overview' },
  { path: 'devices', label: 'Devices' },
  { path: 'findings', label: 'Findings' },
  { path: 'search', label: 'Fleet search' },
  { path: 'policies', label: 'Policies' },
  { path: 'secrets', label: 'Enroll secrets', admin: true },
  { path: 'alerts', label: 'Alerts', admin: true },
  { path: 'audit', label: 'Audit log', admin: true },
] as const

export function App() {
  const [info, setInfo] = useState<SessionInfo | null>(null)
  const [theme, setTheme] = useTheme()
  const route = useRoute()
  useEffect(() => {
    const refresh = () =>
      session.info().then(
        (s) => {
          setCsrfToken(s.csrfToken)
          setInfo(s)
        },
        () => setInfo({ user: null, csrfToken: '' }),
      )
    whenSignedOut(() => void refresh())
    void refresh()
  }, [])
  if (!info) return <Loading />
  if (!info.user) return <SignIn onSignedIn={setInfo} />
  const user = info.user
  const canAdmin = user.role === 'admin'
  const [top, id] = route.path
  const signOut = async () => {
    await session.logout().catch(() => {})
    const s = await session.info()
    setCsrfToken(s.csrfToken)
    setInfo(s)
  }
  let screen
  switch (top) {
    case 'devices':
      screen = id ? (
        <DeviceDetail key={id} id={id} route={route} canAdmin={canAdmin} />
      ) : (
        <Devices />
      )
      break
    case 'findings':
      screen = <Findings route={route} canAdmin={canAdmin} />
      break
    case 'search':
      screen = <Search route={route} />
      break
    case 'policies':
      screen = <Policies canAdmin={canAdmin} />
      break
    case 'secrets':
      screen = canAdmin ? <EnrollSecrets /> : <Denied />
      break
    case 'alerts':
      screen = canAdmin ? <Alerts /> : <Denied />
      break
    case 'audit':
      screen = canAdmin ? <Audit /> : <Denied />
      break
    default:
      screen = <Overview />
  }
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          AI Scout fleet
        </div>
        {NAV.filter((n) => canAdmin || !('admin' in n)).map((n) => (
          <a
            key={n.path}
            className="nav-link"
            href={`#/${n.path}`}
            aria-current={(top ?? 'overview') === n.path ? 'page' : undefined}
          >
            {n.label}
          </a>
        ))}
        <div className="sidebar-foot">
          <span data-testid="whoami">
            {user.name} <span className="tag">{user.role}</span>
          </span>
          <label>
            Theme
            <select value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
              {THEMES.map((t) => (
                <option key={t} value={t}>
                  {t[0]!.toUpperCase() + t.slice(1)}
                </option>
              ))}
            </select>
          </label>
          <button onClick={() => void signOut()}>Sign out</button>
        </div>
      </nav>
      <main className="main">{screen}</main>
    </div>
  )
}

function Denied() {
  return <div className="error">This page needs the admin role.</div>
}
