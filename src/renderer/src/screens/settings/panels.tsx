import { useState } from 'react'
import type { SettingsUpdate, SettingsView } from '../../../../shared/ipc'
import { Button, CopyButton, PathText, Toggle } from '../../components/common'
import { Dialog } from '../../components/Dialog'
import { Icon } from '../../components/Icon'
import type { IconName } from '../../components/Icon'
import { toast } from '../../components/toast'
import { call, errorMessage } from '../../lib/api'
import { bumpRevision } from '../../lib/store'
import { BackgroundPanel } from './background'
import { SyncPanel } from './sync'

export type PanelProps = Readonly<{ view: SettingsView; save(u: SettingsUpdate): Promise<void> }>

/**
 * The Settings screen's sections, in order. A section another part of the app owns (the
 * watcher's schedule, sync's server) is one entry here, backed by its own section in
 * src/shared/settings.ts.
 */
export type SettingsPanel = Readonly<{
  id: string
  label: string
  icon: IconName
  description: string
  Panel(props: PanelProps): React.ReactNode
}>

export const SETTINGS_PANELS: readonly SettingsPanel[] = [
  {
    id: 'scanning',
    label: 'Scanning',
    icon: 'scan',
    description:
      'What a scan looks at. The command-line scanner uses the same settings when --db points at this inventory.',
    Panel: ScanningPanel,
  },
  {
    id: 'probes',
    label: 'Privacy & probes',
    icon: 'eye',
    description:
      'Extra checks that read or run more than the default scan. Each is off until you allow it.',
    Panel: ProbesPanel,
  },
  {
    id: 'background',
    label: 'Background',
    icon: 'clock',
    description:
      'What AI Scout does while you work: the watcher, notifications, scheduled scans and starting at login. Kept in the app, for this user.',
    Panel: BackgroundPanel,
  },
  {
    id: 'sync',
    label: 'Sync',
    icon: 'cloud',
    description:
      'Report this device’s inventory to your organisation’s AI Scout server, and see exactly what is shared before it is sent.',
    Panel: SyncPanel,
  },
  {
    id: 'storage',
    label: 'Storage',
    icon: 'database',
    description: 'Where the inventory lives on this machine.',
    Panel: StoragePanel,
  },
  {
    id: 'danger',
    label: 'Danger zone',
    icon: 'trash',
    description: 'Actions that cannot be undone.',
    Panel: DangerPanel,
  },
]

function ScanningPanel({ view, save }: PanelProps) {
  const s = view.settings.scan
  const [glob, setGlob] = useState('')
  const missing = new Set(view.missingRoots)
  const update = (patch: Partial<typeof s>): Promise<void> =>
    save({ section: 'scan', value: { ...s, ...patch } })
  return (
    <>
      <div className="setting-block">
        <h3>Folders to scan</h3>
        <p className="muted">
          Your home folder (<PathText path={view.home} max={40} />) is always scanned. Add other
          folders: project drives, model stores on external disks.
        </p>
        <ul className="setting-list" data-testid="roots-list">
          {s.roots.length === 0 && <li className="muted">No extra folders.</li>}
          {s.roots.map((r) => (
            <li key={r} className={missing.has(r) ? 'missing' : ''}>
              <Icon name="folder" />
              <PathText path={r} max={70} />
              {missing.has(r) && (
                <span className="tag tone-medium" data-testid="root-missing">
                  not found
                </span>
              )}
              <Button
                small
                kind="ghost"
                icon="close"
                ariaLabel={`Remove ${r}`}
                onClick={() => void update({ roots: s.roots.filter((x) => x !== r) })}
              />
            </li>
          ))}
        </ul>
        <Button
          small
          icon="plus"
          testId="add-root"
          onClick={() =>
            void call('pickFolder', { title: 'Choose a folder to scan' }).then(
              (p) => {
                if (p && !s.roots.includes(p)) void update({ roots: [...s.roots, p] })
              },
              (e: unknown) => toast(errorMessage(e), 'error'),
            )
          }
        >
          Add folder…
        </Button>
      </div>
      <div className="setting-block">
        <h3>Skip</h3>
        <p className="muted">
          Glob patterns. With a slash they match the whole path (<code>**/Downloads/**</code>),
          without one the name (<code>*.tmp</code>).
        </p>
        <ul className="setting-list" data-testid="exclude-list">
          {s.exclude.length === 0 && (
            <li className="muted">
              Nothing skipped beyond the built-in rules (caches, node_modules, VCS folders).
            </li>
          )}
          {s.exclude.map((g) => (
            <li key={g}>
              <code>{g}</code>
              <Button
                small
                kind="ghost"
                icon="close"
                ariaLabel={`Remove ${g}`}
                onClick={() => void update({ exclude: s.exclude.filter((x) => x !== g) })}
              />
            </li>
          ))}
        </ul>
        <form
          className="row-gap"
          onSubmit={(e) => {
            e.preventDefault()
            const g = glob.trim()
            if (!g || s.exclude.includes(g)) return
            void update({ exclude: [...s.exclude, g] }).then(() => setGlob(''))
          }}
        >
          <input
            className="input grow"
            aria-label="Pattern to skip"
            placeholder="e.g. **/scratch/** or *.tmp"
            value={glob}
            maxLength={1024}
            onChange={(e) => setGlob(e.target.value)}
            data-testid="exclude-input"
          />
          <Button type="submit" small icon="plus" testId="exclude-add" disabled={!glob.trim()}>
            Add
          </Button>
        </form>
      </div>
      <div className="setting-block">
        <Toggle
          label="Compute SHA-256 of model files"
          description="Lets you find the same weights anywhere and check them against their source. Unchanged files are never read twice."
          checked={s.hash}
          onChange={(v) => void update({ hash: v })}
          testId="toggle-hash"
        />
        <Toggle
          label="Verify digests of store blobs"
          description="Rehash Hugging Face and Ollama blobs whose name is their digest, to catch tampered weights. Reads every blob in full."
          checked={s.verifyDigests}
          onChange={(v) => void update({ verifyDigests: v })}
          testId="toggle-verify"
        />
      </div>
    </>
  )
}

/** The discovery probes a user can turn off, in the order the panel shows them. */
const PROBE_TOGGLES: readonly Readonly<{
  key: 'runVersions' | 'identifyServers' | 'scanSource' | 'scanEnv'
  label: string
  description: string
  testId: string
}>[] = [
  {
    key: 'runVersions',
    label: 'Ask tools for their version',
    description:
      'Runs `tool --version` (no input, with a time limit) for AI tools whose version cannot be read from their files. Off: nothing on the machine is executed.',
    testId: 'toggle-versions',
  },
  {
    key: 'identifyServers',
    label: 'Identify local model servers',
    description:
      'Sends one request to 127.0.0.1 to tell which model server listens on a port. Off: discovery sends no traffic.',
    testId: 'toggle-servers',
  },
  {
    key: 'scanSource',
    label: 'Read source files for keys',
    description:
      'Also reads .py, .js, .ts and other source files for hard-coded AI keys. Config files, .env files, shell histories and notebooks are always read.',
    testId: 'toggle-source',
  },
  {
    key: 'scanEnv',
    label: "Check this app's environment for keys",
    description:
      'Looks for AI keys in the environment variables AI Scout runs with. Keys are only ever kept redacted, with a fingerprint.',
    testId: 'toggle-env',
  },
]

function ProbesPanel({ view, save }: PanelProps) {
  const p = view.settings.probes
  return (
    <div className="setting-block">
      {PROBE_TOGGLES.map((t) => (
        <Toggle
          key={t.key}
          label={t.label}
          description={t.description}
          checked={p[t.key]}
          onChange={(v) => void save({ section: 'probes', value: { ...p, [t.key]: v } })}
          testId={t.testId}
        />
      ))}
    </div>
  )
}

function StoragePanel({ view }: PanelProps) {
  return (
    <div className="setting-block">
      <h3>Inventory database</h3>
      <p className="muted">
        One SQLite file holds the inventory, your settings and accepted risks. Keys are stored only
        as a redacted preview and a fingerprint. Point the CLI at it with{' '}
        <code>aiscout scan --db</code>.
      </p>
      <div className="path-box" data-testid="db-path">
        <span className="mono break">{view.dbPath}</span>
        <CopyButton what={{ text: view.dbPath }} />
      </div>
    </div>
  )
}

function DangerPanel(_props: PanelProps) {
  const [open, setOpen] = useState(false)
  const [typed, setTyped] = useState('')
  const phrase = 'clear inventory'
  return (
    <div className="setting-block danger">
      <h3>Clear the inventory</h3>
      <p className="muted">
        Removes every asset, finding and past scan, and the caches of file hashes. Settings and
        accepted risks stay. The next scan starts from nothing and reads every file again.
      </p>
      <Button kind="danger" icon="trash" onClick={() => setOpen(true)} testId="clear-open">
        Clear inventory…
      </Button>
      {open && (
        <Dialog
          title="Clear the inventory?"
          onClose={() => setOpen(false)}
          testId="clear-dialog"
          footer={
            <>
              <Button onClick={() => setOpen(false)}>Cancel</Button>
              <Button
                kind="danger"
                disabled={typed !== phrase}
                testId="clear-confirm"
                onClick={() =>
                  void call('clearInventory', { confirm: phrase }).then(
                    () => {
                      setOpen(false)
                      toast('The inventory was cleared')
                      bumpRevision()
                    },
                    (e: unknown) => toast(errorMessage(e), 'error'),
                  )
                }
              >
                Clear inventory
              </Button>
            </>
          }
        >
          <p>
            This cannot be undone. Type <b>{phrase}</b> to confirm.
          </p>
          <input
            className="input wide"
            aria-label={`Type ${phrase} to confirm`}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            data-testid="clear-phrase"
            autoFocus
          />
        </Dialog>
      )}
    </div>
  )
}
