import { useState } from 'react'
import type { FormEvent } from 'react'
import type { PolicyEntry } from '../../../shared/dashboard-api'
import { PACKAGE_RUNNERS, POLICY_TYPE_LABELS, POLICY_TYPES } from '../../../shared/policy'
import type { PolicyType } from '../../../shared/policy'
import { SEVERITY_NAMES } from '../../../shared/sync-api'
import { ErrorLine, Loading, Mono, PageHead, SeverityBadge, When } from '../components/common'
import { fleet } from '../lib/api'
import { useLoad } from '../lib/use-load'
import type { PolicyDraft } from './policy-form'
import { describeRule, draftOf, EMPTY_DRAFT, ITEMS_HINT, ruleOf } from './policy-form'

function ScopeText({ p }: { p: PolicyEntry }) {
  if (p.scope.kind === 'org') return <span>Everyone</span>
  if (p.scope.kind === 'team') return <span>Team {p.scope.team}</span>
  return (
    <span>
      Device <Mono text={p.scope.hostname ?? p.scope.deviceId} max={24} />
    </span>
  )
}

/**
 * Fleet policies: what devices must comply with, evaluated on each device after every scan and
 * sync; violations show as findings titled with the policy's name. Admins create, edit, turn on
 * or off and delete; viewers read.
 */
export function Policies({ canAdmin }: { canAdmin: boolean }) {
  const { data, error, reload } = useLoad(
    async () => (await fleet.get<{ policies: PolicyEntry[] }>('/policies')).policies,
    'policies',
  )
  const [editing, setEditing] = useState<{ id?: string; draft: PolicyDraft } | null>(null)
  const [actionError, setActionError] = useState<unknown>(null)
  const act = async (f: () => Promise<unknown>) => {
    setActionError(null)
    try {
      await f()
      reload()
    } catch (err) {
      setActionError(err)
    }
  }
  const remove = (p: PolicyEntry) => {
    if (
      !window.confirm(
        `Delete the policy "${p.name}"? Its findings clear on each device's next sync.`,
      )
    )
      return
    void act(() => fleet.del(`/policies/${p.id}`))
  }
  return (
    <>
      <PageHead
        title="Policies"
        sub="Pushed to devices in their config, checked on each device, reported back as findings"
        actions={
          canAdmin && !editing ? (
            <button className="primary" onClick={() => setEditing({ draft: EMPTY_DRAFT })}>
              New policy
            </button>
          ) : null
        }
      />
      {editing ? (
        <PolicyForm
          id={editing.id}
          initial={editing.draft}
          onDone={() => {
            setEditing(null)
            reload()
          }}
          onCancel={() => setEditing(null)}
        />
      ) : null}
      <ErrorLine error={error ?? actionError} />
      {!data ? (
        <Loading />
      ) : (
        <div className="table-wrap">
          <table aria-label="Policies">
            <thead>
              <tr>
                <th>Name</th>
                <th>Type</th>
                <th>Checks</th>
                <th>Applies to</th>
                <th>Severity</th>
                <th>Status</th>
                <th>Changed</th>
                {canAdmin ? <th /> : null}
              </tr>
            </thead>
            <tbody>
              {data.map((p) => (
                <tr key={p.id} data-testid={`policy-${p.id}`}>
                  <td>{p.name}</td>
                  <td>{POLICY_TYPE_LABELS[p.rule.type as PolicyType] ?? String(p.rule.type)}</td>
                  <td className="small">{describeRule(p.rule)}</td>
                  <td>
                    <ScopeText p={p} />
                  </td>
                  <td>
                    {p.severity ? (
                      <SeverityBadge severity={p.severity} />
                    ) : (
                      <span className="muted">Rule default</span>
                    )}
                  </td>
                  <td>
                    {p.enabled ? (
                      <span className="tag ok">On</span>
                    ) : (
                      <span className="tag">Off</span>
                    )}
                  </td>
                  <td>
                    <When iso={p.updatedAt} />
                  </td>
                  {canAdmin ? (
                    <td>
                      <div className="row-actions">
                        <button onClick={() => setEditing({ id: p.id, draft: draftOf(p) })}>
                          Edit
                        </button>
                        <button
                          onClick={() =>
                            void act(() =>
                              fleet.post(`/policies/${p.id}/enabled`, { enabled: !p.enabled }),
                            )
                          }
                          aria-label={`${p.enabled ? 'Turn off' : 'Turn on'} ${p.name}`}
                        >
                          {p.enabled ? 'Turn off' : 'Turn on'}
                        </button>
                        <button className="danger" onClick={() => remove(p)}>
                          Delete
                        </button>
                      </div>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
          {data.length === 0 ? (
            <div className="empty">
              No policies yet.{canAdmin ? ' Create one to hold every device to a rule.' : ''}
            </div>
          ) : null}
        </div>
      )}
    </>
  )
}

function PolicyForm({
  id,
  initial,
  onDone,
  onCancel,
}: {
  id?: string
  initial: PolicyDraft
  onDone(): void
  onCancel(): void
}) {
  const [d, setD] = useState<PolicyDraft>(initial)
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const set = <K extends keyof PolicyDraft>(k: K, v: PolicyDraft[K]) => setD({ ...d, [k]: v })
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    setBusy(true)
    const body = {
      name: d.name,
      ...(d.severity ? { severity: d.severity } : {}),
      rule: ruleOf(d),
    }
    try {
      if (id) await fleet.put(`/policies/${id}`, { ...body, enabled: d.enabled })
      else
        await fleet.post('/policies', {
          ...body,
          enabled: d.enabled,
          ...(d.scope === 'team' ? { team: d.scopeValue.trim() } : {}),
          ...(d.scope === 'device' ? { deviceId: d.scopeValue.trim() } : {}),
        })
      onDone()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  const hint = ITEMS_HINT[d.type]
  return (
    <form
      className="card policy-form"
      onSubmit={submit}
      aria-label={id ? 'Edit policy' : 'New policy'}
    >
      <h2>{id ? `Edit “${initial.name}”` : 'New policy'}</h2>
      <div className="filters">
        <label>
          Name
          <input
            aria-label="Name"
            value={d.name}
            onChange={(e) => set('name', e.target.value)}
            maxLength={256}
            required
            autoFocus
          />
        </label>
        <label>
          Type
          <select
            aria-label="Type"
            value={d.type}
            onChange={(e) => set('type', e.target.value as PolicyType)}
            disabled={Boolean(id)}
          >
            {POLICY_TYPES.map((t) => (
              <option key={t} value={t}>
                {POLICY_TYPE_LABELS[t]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Severity
          <select
            aria-label="Severity"
            value={d.severity}
            onChange={(e) => set('severity', e.target.value)}
          >
            <option value="">Rule default</option>
            {[...SEVERITY_NAMES].reverse().map((s) => (
              <option key={s} value={s}>
                {s[0]!.toUpperCase() + s.slice(1)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Applies to
          <select
            aria-label="Applies to"
            value={d.scope}
            onChange={(e) => set('scope', e.target.value as PolicyDraft['scope'])}
            disabled={Boolean(id)}
          >
            <option value="org">Every device</option>
            <option value="team">A team</option>
            <option value="device">One device</option>
          </select>
        </label>
        {d.scope !== 'org' ? (
          <label>
            {d.scope === 'team' ? 'Team name' : 'Device id'}
            <input
              aria-label={d.scope === 'team' ? 'Team name' : 'Device id'}
              value={d.scopeValue}
              onChange={(e) => set('scopeValue', e.target.value)}
              disabled={Boolean(id)}
              placeholder={d.scope === 'team' ? 'default' : 'dev_…'}
            />
          </label>
        ) : null}
      </div>
      <div className="filters">
        {d.type === 'model-format' || d.type === 'model-source' ? (
          <label>
            Mode
            <select
              aria-label="Mode"
              value={d.mode}
              onChange={(e) => set('mode', e.target.value as PolicyDraft['mode'])}
            >
              <option value="block">Block these</option>
              <option value="allow">Allow only these</option>
            </select>
          </label>
        ) : null}
        {hint ? (
          <label className="grow">
            {hint.label}
            <input
              aria-label={hint.label}
              value={d.items}
              onChange={(e) => set('items', e.target.value)}
              placeholder={hint.placeholder}
            />
          </label>
        ) : null}
        {d.type === 'scan-settings' ? (
          <>
            <label className="check">
              <input
                type="checkbox"
                checked={d.hashing}
                onChange={(e) => set('hashing', e.target.checked)}
              />
              Model hashing on
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={d.watcher}
                onChange={(e) => set('watcher', e.target.checked)}
              />
              Background watcher on
            </label>
          </>
        ) : null}
        {d.type === 'unpinned-package' ? (
          <fieldset className="check-group">
            <legend>Runners (none ticked: all)</legend>
            {PACKAGE_RUNNERS.map((r) => (
              <label key={r} className="check">
                <input
                  type="checkbox"
                  checked={d.runners.includes(r)}
                  onChange={(e) =>
                    set(
                      'runners',
                      e.target.checked ? [...d.runners, r] : d.runners.filter((x) => x !== r),
                    )
                  }
                />
                {r}
              </label>
            ))}
          </fieldset>
        ) : null}
        {d.type === 'key-file-mode' ? (
          <label>
            Most permissive mode (octal)
            <input
              aria-label="Most permissive mode (octal)"
              value={d.maxMode}
              onChange={(e) => set('maxMode', e.target.value)}
              inputMode="numeric"
              maxLength={4}
            />
          </label>
        ) : null}
        <label className="check">
          <input
            type="checkbox"
            checked={d.enabled}
            onChange={(e) => set('enabled', e.target.checked)}
          />
          On
        </label>
      </div>
      <ErrorLine error={error} />
      <div className="form-actions">
        <button className="primary" type="submit" disabled={busy}>
          {id ? 'Save policy' : 'Create policy'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
