import { gzipSync } from 'node:zlib'
import type { ErrorBody } from '../../shared/sync-api'

/** What one HTTP exchange with the server came to. */
export type HttpOutcome =
  | Readonly<{ kind: 'ok'; status: number; body: unknown; etag?: string }>
  | Readonly<{ kind: 'not-modified' }>
  | Readonly<{ kind: 'error'; status: number; body?: ErrorBody; retryAfterS?: number }>
  | Readonly<{
      kind: 'network'
      message: string
      /** The connection was never made: the request certainly did not reach the server. */
      neverSent: boolean
    }>

/** Errors that happen before a connection exists: nothing was delivered. */
const CONNECT_ERRORS = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
])

export type RequestOptions = Readonly<{
  method: 'GET' | 'POST'
  token?: string
  /** JSON body: sent gzip-compressed when `gzip` (or when already a gzip Buffer). */
  json?: unknown
  gzipBody?: Buffer
  ifNoneMatch?: string
  timeoutMs?: number
  signal?: AbortSignal
}>

export type Transport = (url: string, opts: RequestOptions) => Promise<HttpOutcome>

function parseRetryAfter(h: string | null): number | undefined {
  if (!h) return undefined
  const n = Number(h)
  if (Number.isFinite(n) && n >= 0) return n
  const at = Date.parse(h)
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - Date.now()) / 1000)) : undefined
}

/** HTTP over the platform's fetch: JSON in and out, bodies gzip-compressed, one timeout. */
export const fetchTransport: Transport = async (url, opts) => {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  if (opts.ifNoneMatch) headers['if-none-match'] = opts.ifNoneMatch
  let body: Buffer | undefined
  if (opts.gzipBody) body = opts.gzipBody
  else if (opts.json !== undefined) body = gzipSync(JSON.stringify(opts.json))
  if (body) {
    headers['content-type'] = 'application/json'
    headers['content-encoding'] = 'gzip'
  }
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 60_000)
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout
  let res: Response
  try {
    // A Buffer is a valid body for Node's fetch; the cast keeps DOM-lib typings (tsconfig.e2e.json,
    // which reaches this module through src/main) from rejecting it.
    res = await fetch(url, {
      method: opts.method,
      headers,
      body: body as unknown as RequestInit['body'],
      signal,
    })
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause
    const code = cause?.code ?? (e as { code?: string }).code
    return {
      kind: 'network',
      message: code
        ? `${code}${cause?.message ? ` (${cause.message})` : ''}`
        : (e as Error).message,
      neverSent: code !== undefined && CONNECT_ERRORS.has(code),
    }
  }
  if (res.status === 304) return { kind: 'not-modified' }
  let parsed: unknown
  const text = await res.text().catch(() => '')
  try {
    parsed = text ? (JSON.parse(text) as unknown) : undefined
  } catch {
    parsed = undefined
  }
  if (res.ok)
    return {
      kind: 'ok',
      status: res.status,
      body: parsed,
      etag: res.headers.get('etag') ?? undefined,
    }
  const eb =
    parsed && typeof parsed === 'object' && 'error' in parsed ? (parsed as ErrorBody) : undefined
  return {
    kind: 'error',
    status: res.status,
    ...(eb ? { body: eb } : {}),
    ...(parseRetryAfter(res.headers.get('retry-after')) !== undefined
      ? { retryAfterS: parseRetryAfter(res.headers.get('retry-after')) }
      : {}),
  }
}

/** The longest Retry-After honoured; a longer one waits this long (the outbox keeps the rest). */
export const MAX_RETRY_AFTER_S = 300

/**
 * Exponential backoff with full jitter (a random wait between 0 and base·2^attempt, capped), so
 * devices that lost the server together do not come back together. A Retry-After from the
 * server is honoured (plus up to 10% jitter).
 */
export function backoffMs(
  attempt: number,
  opts: Readonly<{ baseMs: number; capMs: number; retryAfterS?: number }>,
  random: () => number = Math.random,
): number {
  if (opts.retryAfterS !== undefined) {
    // Bounded: a huge Retry-After would overflow setTimeout (2^31 ms or more fires after 1 ms).
    const ms = Math.min(opts.retryAfterS, MAX_RETRY_AFTER_S) * 1000
    return Math.round(ms + random() * ms * 0.1)
  }
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** attempt)
  return Math.round(random() * ceiling)
}
