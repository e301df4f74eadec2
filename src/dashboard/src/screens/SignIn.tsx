import { useState } from 'react'
import type { FormEvent } from 'react'
import type { SessionInfo } from '../../../shared/dashboard-api'
import { ApiError, session, setCsrfToken } from '../lib/api'

export function SignIn({ onSignedIn }: { onSignedIn: (s: SessionInfo) => void }) {
  const [user, setUser] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError('')
    try {
      const s = await session.login(user, password)
      setCsrfToken(s.csrfToken)
      onSignedIn(s)
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 429
          ? 'Too many attempts. Wait a minute and try again.'
          : err instanceof ApiError && err.status === 401
            ? 'Wrong user name or password.'
            : err instanceof Error
              ? err.message
              : String(err),
      )
      // A refused sign-in may have rotated nothing, but a stale CSRF token is refetched anyway.
      session.info().then(
        (s) => setCsrfToken(s.csrfToken),
        () => {},
      )
    } finally {
      setBusy(false)
    }
  }
  return (
    <main className="signin">
      <form className="card" onSubmit={submit} aria-labelledby="signin-title">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          AI Scout fleet
        </div>
        <h1 id="signin-title">Sign in</h1>
        {error ? (
          <div className="error" role="alert" data-testid="signin-error">
            {error}
          </div>
        ) : null}
        <label>
          User name
          <input
            name="user"
            autoComplete="username"
            value={user}
            onChange={(e) => setUser(e.target.value)}
            required
            autoFocus
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <button className="primary" type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">
          Accounts are created on the server with{' '}
          <span className="mono">aiscout server admin create</span>.
        </p>
      </form>
    </main>
  )
}
