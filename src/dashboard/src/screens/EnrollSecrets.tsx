import { useState } from 'react'
import type { FormEvent } from 'react'
import type { EnrollSecretInfo } from '../../../shared/dashboard-api'
import { ErrorLine, Loading, PageHead, When } from '../components/common'
import { fleet } from '../lib/api'
import { useLoad } from '../lib/use-load'

/** Enroll secrets (admin): list by prefix, create (the secret is shown once), revoke. */
export function EnrollSecrets() {
  const { data, error, reload } = useLoad(
    async () => (await fleet.get<{ secrets: EnrollSecretInfo[] }>('/enroll-secrets')).secrets,
    'secrets',
  )
  const [team, setTeam] = useState('')
  const [created, setCreated] = useState<{ secret: string; team: string } | null>(null)
  const [actionError, setActionError] = useState<unknown>(null)
  const create = async (e: FormEvent) => {
    e.preventDefault()
    setActionError(null)
    try {
      const r = await fleet.post<{ secret: string; team: string }>(
        '/enroll-secrets',
        team.trim() ? { team: team.trim() } : {},
      )
      setCreated(r)
      setTeam('')
      reload()
    } catch (err) {
      setActionError(err)
    }
  }
  const revoke = async (id: string) => {
    if (!window.confirm('Revoke this enroll secret? Devices already enrolled keep syncing.')) return
    try {
      await fleet.post(`/enroll-secrets/${id}/revoke`)
      reload()
    } catch (err) {
      setActionError(err)
    }
  }
  return (
    <>
      <PageHead
        title="Enroll secrets"
        sub="A laptop joins the fleet with one: aiscout sync --enroll-secret …"
      />
      <form className="filters card" onSubmit={create}>
        <label>
          Team (optional)
          <input
            value={team}
            onChange={(e) => setTeam(e.target.value)}
            placeholder="default"
            maxLength={64}
          />
        </label>
        <button className="primary" type="submit">
          Create secret
        </button>
      </form>
      {created ? (
        <div className="notice" role="status" data-testid="new-secret">
          New secret for team {created.team}, shown only now:{' '}
          <span className="mono">{created.secret}</span>
        </div>
      ) : null}
      <ErrorLine error={error ?? actionError} />
      {!data ? (
        <Loading />
      ) : (
        <div className="table-wrap">
          <table aria-label="Enroll secrets">
            <thead>
              <tr>
                <th>Prefix</th>
                <th>Team</th>
                <th>Created</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.map((s) => (
                <tr key={s.id}>
                  <td className="mono">{s.prefix}…</td>
                  <td>{s.team}</td>
                  <td>
                    <When iso={s.createdAt} />
                  </td>
                  <td>
                    {s.revokedAt ? (
                      <span className="tag">Revoked</span>
                    ) : (
                      <span className="tag ok">Active</span>
                    )}
                  </td>
                  <td>
                    {!s.revokedAt ? (
                      <button className="danger" onClick={() => void revoke(s.id)}>
                        Revoke
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.length === 0 ? <div className="empty">No enroll secrets yet.</div> : null}
        </div>
      )}
    </>
  )
}
