import { useState } from 'react'
import type { FindingRow } from '../../../../shared/ipc'
import { SeverityBadge } from '../../components/badges'
import { Button } from '../../components/common'
import { Dialog } from '../../components/Dialog'
import { toast } from '../../components/toast'
import { call, errorMessage } from '../../lib/api'

const EXPIRY: readonly { id: string; label: string; days?: number }[] = [
  { id: 'never', label: 'Until I reopen it' },
  { id: '30', label: '30 days', days: 30 },
  { id: '90', label: '90 days', days: 90 },
  { id: '365', label: '1 year', days: 365 },
  { id: 'date', label: 'Until a date…' },
]

/**
 * Accepting a risk needs a reason a reviewer can read later; the expiry brings the finding back
 * as open on its own. Both are stored with who accepted it and when, and shown in every export.
 */
export function AcceptRiskDialog({
  finding,
  onClose,
  onDone,
}: {
  finding: FindingRow
  onClose(): void
  onDone(): void
}) {
  const [note, setNote] = useState('')
  const [expiry, setExpiry] = useState('90')
  const [date, setDate] = useState('')
  const [error, setError] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)
  const [tomorrow] = useState(() => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10))
  const submit = async (): Promise<void> => {
    if (!note.trim()) {
      setError(
        'Say why the risk is acceptable: the note is kept with the finding and shown in exports.',
      )
      return
    }
    let expiresAt: string | undefined
    const choice = EXPIRY.find((e) => e.id === expiry)
    if (choice?.days) expiresAt = new Date(Date.now() + choice.days * 86_400_000).toISOString()
    else if (expiry === 'date') {
      if (!date) {
        setError('Pick the date the acceptance ends.')
        return
      }
      expiresAt = `${date}T23:59:59.000Z`
    }
    setBusy(true)
    try {
      await call('acceptRisk', {
        findingId: finding.id,
        note: note.trim(),
        ...(expiresAt ? { expiresAt } : {}),
      })
      toast('Risk accepted. The finding left the open counts.')
      onDone()
    } catch (e) {
      setError(errorMessage(e))
      setBusy(false)
    }
  }
  return (
    <Dialog
      title="Accept this risk"
      onClose={onClose}
      testId="accept-dialog"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            kind="primary"
            onClick={() => void submit()}
            disabled={busy}
            testId="accept-confirm"
          >
            Accept risk
          </Button>
        </>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <p className="accept-what">
          <SeverityBadge severity={finding.severity} /> {finding.title}
        </p>
        <div className="field">
          <label className="field-label" htmlFor="accept-note">
            Why is this acceptable? <span className="muted">(required)</span>
          </label>
          <textarea
            id="accept-note"
            autoFocus
            value={note}
            maxLength={2000}
            aria-invalid={error !== undefined && !note.trim()}
            aria-describedby={error ? 'accept-error' : 'accept-hint'}
            data-testid="accept-note"
            onChange={(e) => {
              setNote(e.target.value)
              setError(undefined)
            }}
            placeholder="e.g. Test fixture for our scanner; never loaded outside the sandbox."
          />
          <span id="accept-hint" className="field-hint">
            Kept with the finding, with your name and the date, and shown in every export.
          </span>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="accept-expiry">
            Accept for
          </label>
          <div className="row-gap">
            <select
              id="accept-expiry"
              value={expiry}
              onChange={(e) => setExpiry(e.target.value)}
              data-testid="accept-expiry"
            >
              {EXPIRY.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.label}
                </option>
              ))}
            </select>
            {expiry === 'date' && (
              <input
                className="input"
                type="date"
                aria-label="Acceptance ends on"
                value={date}
                min={tomorrow}
                onChange={(e) => setDate(e.target.value)}
                data-testid="accept-date"
              />
            )}
          </div>
          <span className="field-hint">When it ends, the finding counts as open again.</span>
        </div>
        {error && (
          <p id="accept-error" className="field-error" role="alert" data-testid="accept-error">
            {error}
          </p>
        )}
      </form>
    </Dialog>
  )
}
