import { useEffect } from 'react'
import type { AppCommand } from '../../shared/ipc'
import { Icon } from './components/Icon'
import type { IconName } from './components/Icon'
import { StatusLine } from './components/StatusLine'
import { Toasts, toast } from './components/toast'
import { call, errorMessage, on } from './lib/api'
import { exportReport } from './lib/export'
import { focusSearch } from './lib/search-focus'
import { href, navigate, useRoute } from './lib/router'
import type { Screen } from './lib/router'
import { startAppState, startScan, useAppState } from './lib/store'
import { setHomeDir } from './components/common'
import { About } from './screens/About'
import { Findings } from './screens/Findings'
import { Inventory } from './screens/Inventory'
import { ModelReportScreen } from './screens/ModelReport'
import { Overview } from './screens/Overview'
import { Settings } from './screens/Settings'

const NAV: readonly { screen: Screen; label: string; icon: IconName; key: string }[] = [
  { screen: 'overview', label: 'Overview', icon: 'overview', key: '1' },
  { screen: 'inventory', label: 'Inventory', icon: 'inventory', key: '2' },
  { screen: 'findings', label: 'Findings', icon: 'findings', key: '3' },
]

function runCommand(c: AppCommand): void {
  switch (c.type) {
    case 'navigate':
      navigate(href(c.to))
      break
    case 'focus-search':
      focusSearch()
      break
    case 'scan-now':
      void startScan().catch((e: unknown) => toast(errorMessage(e), 'error'))
      break
    case 'export':
      void exportReport(c.format)
      break
    case 'open-finding':
      navigate(href('findings', undefined, { sel: c.id }))
      break
  }
}

export function App() {
  const route = useRoute()
  const status = useAppState((s) => s.status)
  useEffect(() => {
    startAppState()
    void call('getSettings').then(
      (v) => setHomeDir(v.home),
      () => undefined,
    )
    const off = on('app:command', runCommand)
    // A notification was clicked: show its finding (several: the Findings screen).
    const offOpen = on('app:open', (r) =>
      r.kind === 'finding'
        ? runCommand({ type: 'open-finding', id: r.id })
        : navigate(href('findings')),
    )
    // The same shortcuts as the native menu, for keyboards in the page (idempotent if both fire).
    const onKey = (e: KeyboardEvent): void => {
      const mod = e.ctrlKey || e.metaKey
      if (mod && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'f') {
        e.preventDefault()
        focusSearch()
      } else if (mod && !e.altKey && ['1', '2', '3', '4'].includes(e.key)) {
        e.preventDefault()
        navigate(
          href((['overview', 'inventory', 'findings', 'settings'] as const)[Number(e.key) - 1]!),
        )
      }
    }
    window.addEventListener('keydown', onKey)
    return () => {
      off()
      offOpen()
      window.removeEventListener('keydown', onKey)
    }
  }, [])
  const urgent = (status?.openBySeverity.critical ?? 0) + (status?.openBySeverity.high ?? 0)
  const worst = status?.openBySeverity.critical
    ? 'critical'
    : status?.openBySeverity.high
      ? 'high'
      : undefined
  const active: Screen = route.screen === 'model' ? 'inventory' : route.screen
  return (
    <div className="app">
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault()
          document.getElementById('main')?.focus()
        }}
      >
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            <Icon name="search" size={14} />
          </span>
          AI Scout
        </div>
        {NAV.map((n) => (
          <a
            key={n.screen}
            className="nav-item"
            href={href(n.screen)}
            aria-current={active === n.screen ? 'page' : undefined}
            data-testid={`nav-${n.screen}`}
            title={`${n.label} (Ctrl+${n.key})`}
          >
            <Icon name={n.icon} />
            {n.label}
            {n.screen === 'findings' && urgent > 0 && (
              <span
                className={`nav-count sev-${worst}`}
                aria-label={`${urgent} critical or high`}
                title={`${urgent} critical or high findings open`}
              >
                {urgent > 999 ? '999+' : urgent}
              </span>
            )}
          </a>
        ))}
        <div className="nav-spacer" />
        <a
          className="nav-item"
          href={href('settings')}
          aria-current={active === 'settings' ? 'page' : undefined}
          data-testid="nav-settings"
        >
          <Icon name="settings" />
          Settings
        </a>
        <a
          className="nav-item"
          href={href('about')}
          aria-current={active === 'about' ? 'page' : undefined}
          data-testid="nav-about"
        >
          <Icon name="about" />
          About
        </a>
      </nav>
      <div className="main">
        {route.screen === 'overview' && <Overview />}
        {route.screen === 'inventory' && <Inventory route={route} />}
        {route.screen === 'findings' && <Findings route={route} />}
        {route.screen === 'model' && <ModelReportScreen assetId={route.sub ?? ''} />}
        {route.screen === 'settings' && <Settings route={route} />}
        {route.screen === 'about' && <About />}
        <StatusLine />
      </div>
      <Toasts />
    </div>
  )
}
