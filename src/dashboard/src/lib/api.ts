import { CSRF_HEADER, DASHBOARD_API_PREFIX } from '../../../shared/dashboard-api'
import type { SessionInfo } from '../../../shared/dashboard-api'
import { FLEET_API_PREFIX } from '../../../shared/sync-api'

/** An error answer of the server, with its code and message (never a stack trace). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

let csrfToken = ''
let onSignedOut: () => void = () => {}

export function setCsrfToken(t: string): void {
  csrfToken = t
}
export function whenSignedOut(f: () => void): void {
  onSignedOut = f
}

async function request<T>(url: string, method: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (method !== 'GET') headers[CSRF_HEADER] = csrfToken
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  let json: unknown = undefined
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    // a proxy's HTML error page: reported below by status
  }
  if (!res.ok) {
    const e = (json ?? {}) as { error?: string; message?: string }
    if (res.status === 401 && !url.endsWith('/login')) onSignedOut()
    throw new ApiError(
      res.status,
      e.error ?? 'error',
      e.message ?? `the server answered ${res.status}`,
    )
  }
  return json as T
}

export const fleet = {
  get: <T>(path: string) => request<T>(`${FLEET_API_PREFIX}${path}`, 'GET'),
  post: <T>(path: string, body?: unknown) => request<T>(`${FLEET_API_PREFIX}${path}`, 'POST', body),
  put: <T>(path: string, body: unknown) => request<T>(`${FLEET_API_PREFIX}${path}`, 'PUT', body),
  del: <T>(path: string) => request<T>(`${FLEET_API_PREFIX}${path}`, 'DELETE'),
}

export const session = {
  info: () => request<SessionInfo>(`${DASHBOARD_API_PREFIX}/session`, 'GET'),
  login: (user: string, password: string) =>
    request<SessionInfo>(`${DASHBOARD_API_PREFIX}/login`, 'POST', { user, password }),
  logout: () => request<unknown>(`${DASHBOARD_API_PREFIX}/logout`, 'POST', {}),
}

export function qs(params: Readonly<Record<string, string | number | undefined | null>>): string {
  const u = new URLSearchParams()
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') u.set(k, String(v))
  const s = u.toString()
  return s ? `?${s}` : ''
}
