import { useEffect, useState } from 'react'
import type { SyncAttempt, SyncView } from '../../../../shared/ipc'
import {
  Button,
  CopyButton,
  ErrorState,
  KeyValues,
  RelativeTime,
  Skeleton,
} from '../../components/common'
import { Dialog } from '../../components/Dialog'
import { Icon } from '../../components/Icon'
import { toast } from '../../components/toast'
import { call, errorMessage, on } from '../../lib/api'
import { plural } from '../../lib/format'
import { useQuery } from '../../lib/use-query'
import type { PanelProps } from './panels'
import { WhatIsShared } from './what-is-shared'

/** The tone of an attempt's message. */
const TONE: Readonly<Record<SyncAttempt['result'], 'ok' | 'warn' | 'error'>> = {
  synced: 'ok',
  enrolled: 'ok',
  unreachable: 'warn',
  'no-inventory': 'warn',
  'enroll-needed': 'warn',
  revoked: 'error',
  rejected: 'error',
  failed: 'error',
}

function AttemptNote({ attempt }: { attempt: SyncAttempt }) {
  const tone = TONE[attempt.result]
  return (
    <div
      className={`callout sync-result ${tone === 'ok' ? 'fix' : tone === 'warn' ? 'warn' : 'bad'}`}
      role="status"
      data-testid="sync-result"
      data-result={attempt.result}
    >
      <Icon name={tone === 'ok' ? 'check' : 'alert'} />
      <span>{attempt.message}</span>
    </div>
  )
}

/**
 * Settings → Sync: the central server this device reports to. Enroll with the URL and an enroll
 * secret from the security team, see where the device stands (last sync, what waits in the
 * outbox), sync now, disconnect, and see exactly what is shared before it is sent. The device
 * token stays in main (the OS keychain); none of this ever sees it.
 */
export function SyncPanel(_props: PanelProps) {
  const q = useQuery('sync-status', () => call('getSyncStatus'))
  const [live, setLive] = useState<SyncView>()
  const [busy, setBusy] = useState(false)
  useEffect(() => on('sync:status', setLive), [])
  if (q.status === 'error' && !q.data) return <ErrorState error={q.error} onRetry={q.retry} />
  const v = live ?? q.data
  if (!v) return <Skeleton lines={5} />

  const syncNow = async (): Promise<void> => {
    setBusy(true)
    try {
      // The reply's view carries this attempt as its last one.
      const r = await call('syncNow')
      setLive(r.view)
    } catch (e) {
      toast(errorMessage(e), 'error')
    } finally {
      setBusy(false)
    }
  }
  const shown = v.lastAttempt
  const running = busy || v.running
  return (
    <>
      {v.tokenStorageProblem && (
        <div className="callout warn" role="alert" data-testid="sync-storage-problem">
          {v.tokenStorageProblem}
        </div>
      )}
      {v.enrolled ? (
        <div className="setting-block" data-testid="sync-enrolled">
          <h3>Enrolled</h3>
          <KeyValues
            rows={[
              [
                'Server',
                <span className="row-gap" key="s">
                  <span className="mono break" data-testid="sync-server">
                    {v.server}
                  </span>
                  {v.server && <CopyButton what={{ text: v.server }} label="Copy" />}
                </span>,
              ],
              [
                'Device',
                <span className="mono" data-testid="sync-device">
                  {v.deviceId}
                </span>,
              ],
              ['Team', v.team ?? '—'],
              ['Enrolled', <RelativeTime iso={v.enrolledAt} />],
              [
                'Last sync',
                <span data-testid="sync-last">
                  {v.lastSyncAt ? <RelativeTime iso={v.lastSyncAt} /> : 'Never'}
                </span>,
              ],
              [
                'Pending changes',
                <span data-testid="sync-pending" data-items={v.pending.items}>
                  {v.pending.items === 0
                    ? 'None: the server has everything'
                    : `${plural(v.pending.items, 'change')} in ${plural(v.pending.batches, 'batch', 'batches')}, kept until the server acknowledges them`}
                </span>,
              ],
              [
                'Schedule',
                <span key="n">
                  Every {Math.round((v.syncIntervalS ?? 900) / 60)} min
                  {v.syncIntervalS === undefined
                    ? ' (the default until the server sends its settings)'
                    : ' (the server’s setting)'}
                  , and shortly after a scan finds changes
                  {v.nextSyncAt && (
                    <>
                      {' · next '}
                      <RelativeTime iso={v.nextSyncAt} />
                    </>
                  )}
                </span>,
              ],
              // The last attempt's note says it already; a problem from elsewhere (the CLI) shows here.
              v.lastError !== undefined &&
                !shown && [
                  'Last problem',
                  <span className="text-bad" data-testid="sync-last-error">
                    {v.lastError}
                  </span>,
                ],
            ]}
          />
          {shown && <AttemptNote attempt={shown} />}
          <div className="row-gap">
            <Button
              kind="primary"
              icon="scan"
              onClick={() => void syncNow()}
              disabled={running}
              testId="sync-now"
            >
              {running ? 'Syncing…' : 'Sync now'}
            </Button>
            <DisconnectButton disabled={running} onDone={setLive} />
          </div>
        </div>
      ) : (
        <EnrollForm view={v} onDone={(r) => setLive(r.view)} />
      )}
      <WhatIsShared stamp={`${v.enrolled}:${v.lastAttempt?.at ?? ''}:${v.pending.items}`} />
    </>
  )
}

/** What is wrong with a typed server URL, in words (main checks it again). */
function urlProblem(u: string): string | undefined {
  let parsed: URL
  try {
    parsed = new URL(u)
  } catch {
    return 'Enter the server’s full address, starting with https:// (for example https://aiscout.example.com).'
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return `AI Scout servers are reached over https:// (or http:// on a trusted network), not ${parsed.protocol.replace(':', '')}.`
  if (parsed.username || parsed.password)
    return 'Leave the user name and password out of the address: the enroll secret is all the server needs.'
  return undefined
}

function EnrollForm({
  view,
  onDone,
}: {
  view: SyncView
  onDone(r: { attempt: SyncAttempt; view: SyncView }): void
}) {
  const [url, setUrl] = useState(view.server ?? '')
  const [secret, setSecret] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const [attempt, setAttempt] = useState<SyncAttempt | undefined>(
    view.revoked || view.lastAttempt?.result !== 'synced' ? view.lastAttempt : undefined,
  )
  const submit = async (): Promise<void> => {
    const why = urlProblem(url.trim())
    if (why) {
      setError(why)
      return
    }
    setBusy(true)
    setError(undefined)
    try {
      const r = await call('enrollSync', { serverUrl: url.trim(), enrollSecret: secret.trim() })
      setSecret('')
      setAttempt(r.attempt)
      onDone(r)
      if (r.attempt.result === 'enrolled') toast('Enrolled')
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="setting-block" data-testid="sync-enroll">
      <h3>{view.revoked ? 'Enroll again' : 'Not enrolled'}</h3>
      <p className="muted">
        {view.revoked
          ? 'The server revoked this device, so nothing is sent. Ask your security team for a new enroll secret.'
          : 'This device keeps its inventory to itself. To report to your organisation’s AI Scout server, enter its address and the enroll secret your security team gave you. You can check below what would be shared first.'}
      </p>
      <form
        className="sync-form"
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <label className="field">
          <span className="field-label">Server URL</span>
          <input
            className="input"
            type="url"
            inputMode="url"
            placeholder="https://aiscout.example.com"
            value={url}
            maxLength={2048}
            onChange={(e) => setUrl(e.target.value)}
            data-testid="sync-url"
            autoComplete="url"
            spellCheck={false}
          />
        </label>
        <label className="field">
          <span className="field-label">Enroll secret</span>
          <input
            className="input"
            type="password"
            value={secret}
            maxLength={256}
            onChange={(e) => setSecret(e.target.value)}
            data-testid="sync-secret"
            autoComplete="off"
            spellCheck={false}
          />
          <span className="field-hint">
            Used once to get this device its own token, which the OS keychain keeps. The secret is
            not stored.
          </span>
        </label>
        {error && (
          <div className="field-error" role="alert" data-testid="sync-enroll-error">
            {error}
          </div>
        )}
        <div>
          <Button
            type="submit"
            kind="primary"
            icon="link"
            disabled={busy || !url.trim() || secret.trim().length < 8}
            testId="sync-enroll-submit"
          >
            {busy ? 'Enrolling…' : 'Enroll'}
          </Button>
        </div>
      </form>
      {attempt && <AttemptNote attempt={attempt} />}
    </div>
  )
}

function DisconnectButton({ disabled, onDone }: { disabled: boolean; onDone(v: SyncView): void }) {
  const [open, setOpen] = useState(false)
  return (
    <>
      <Button
        kind="ghost"
        icon="close"
        onClick={() => setOpen(true)}
        disabled={disabled}
        testId="sync-disconnect"
      >
        Disconnect…
      </Button>
      {open && (
        <Dialog
          title="Disconnect from the server?"
          onClose={() => setOpen(false)}
          testId="sync-disconnect-dialog"
          footer={
            <>
              <Button onClick={() => setOpen(false)}>Cancel</Button>
              <Button
                kind="danger"
                testId="sync-disconnect-confirm"
                onClick={() =>
                  void call('disconnectSync', { confirm: 'disconnect' }).then(
                    (v) => {
                      setOpen(false)
                      toast('Disconnected')
                      onDone(v)
                    },
                    (e: unknown) => toast(errorMessage(e), 'error'),
                  )
                }
              >
                Disconnect
              </Button>
            </>
          }
        >
          <p>
            This device forgets its token and stops syncing. Changes not yet sent are dropped. The
            server keeps what it received until an admin removes the device. To sync again you need
            a new enroll secret.
          </p>
        </Dialog>
      )}
    </>
  )
}
