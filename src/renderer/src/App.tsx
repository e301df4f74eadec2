import { useCallback, useEffect, useState } from 'react'
import type { InventorySummary, ScanOutcome } from '../../shared/ipc'
import type { ScanProgress } from '../../shared/types'

const KIND_LABELS: Record<string, string> = {
  model: 'Models',
  dataset: 'Datasets',
  notebook: 'Notebooks',
  secret: 'API keys',
  tool: 'AI tools',
  app: 'AI apps',
  'ide-extension': 'IDE extensions',
  'mcp-server': 'MCP servers',
  'agent-config': 'Agent configs',
  'ai-platform': 'AI platforms',
  'python-environment': 'Python envs',
  package: 'AI packages',
  compute: 'Compute',
  'model-server': 'Model servers',
}
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const

export function App() {
  const [summary, setSummary] = useState<InventorySummary | undefined>()
  const [progress, setProgress] = useState<ScanProgress | undefined>()
  const [scanning, setScanning] = useState(false)
  const [message, setMessage] = useState<string | undefined>()

  useEffect(() => {
    void window.api.getSummary().then(setSummary)
    const offProgress = window.api.onScanProgress(setProgress)
    // The background watcher or a scheduled scan changed the inventory: show it without a reload.
    const offChanged = window.api.onInventoryChanged(() => {
      void window.api.getSummary().then(setSummary)
    })
    return () => {
      offProgress()
      offChanged()
    }
  }, [])

  const scanNow = useCallback(async () => {
    setScanning(true)
    setMessage(undefined)
    const outcome: ScanOutcome = await window.api.startScan()
    setScanning(false)
    setProgress(undefined)
    switch (outcome.kind) {
      case 'complete':
        setSummary(outcome.summary)
        setMessage('Scan complete')
        break
      case 'interrupted':
        setMessage('Scan cancelled; the previous inventory was kept')
        break
      case 'failed':
        setMessage(`Scan failed: ${outcome.message}`)
        break
    }
  }, [])

  return (
    <main>
      <header>
        <h1>AI Scout</h1>
        <button data-testid="scan-now" disabled={scanning} onClick={() => void scanNow()}>
          {scanning ? 'Scanning…' : 'Scan now'}
        </button>
      </header>
      {message && (
        <p className="message" data-testid="message">
          {message}
        </p>
      )}
      {scanning && progress && (
        <p className="progress" data-testid="progress">
          {progress.phase}: {progress.filesSeen} files, {progress.assets} assets,{' '}
          {progress.findings} findings
        </p>
      )}
      {summary === undefined ? (
        <p>Loading…</p>
      ) : !summary.hasScan ? (
        <p data-testid="no-scan">
          No scan yet. Press “Scan now” to inventory the AI assets on this machine.
        </p>
      ) : (
        <section data-testid="summary">
          <p className="meta">
            Last scan <span data-testid="scan-time">{summary.finishedAt}</span> —{' '}
            <span data-testid="total-assets">{summary.totalAssets}</span> assets,{' '}
            <span data-testid="total-findings">{summary.totalFindings}</span> findings
          </p>
          <div className="grid">
            {Object.entries(summary.assets).map(([kind, n]) => (
              <div className="card" key={kind} data-testid={`count-${kind}`}>
                <div className="n">{n}</div>
                <div className="label">{KIND_LABELS[kind] ?? kind}</div>
              </div>
            ))}
          </div>
          <h2>Findings</h2>
          <div className="sev">
            {SEVERITIES.map((s) => (
              <span key={s} className={`pill ${s}`} data-testid={`sev-${s}`}>
                {s} {summary.findings[s] ?? 0}
              </span>
            ))}
          </div>
        </section>
      )}
    </main>
  )
}
