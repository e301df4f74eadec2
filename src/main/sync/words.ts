import type { SyncEvent, SyncOutcome } from '../../core'
import type { SyncAttempt, SyncTrigger } from '../../shared/ipc'

const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`

/** What a network failure code means, for people. */
const NETWORK_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'nothing answers at that address',
  ENOTFOUND: 'the server name was not found',
  EAI_AGAIN: 'the server name could not be looked up',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  ECONNRESET: 'the connection was cut off',
  EHOSTUNREACH: 'the network cannot reach the server',
  ENETUNREACH: 'this computer is offline',
  CERT_HAS_EXPIRED: 'the server’s TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server’s TLS certificate is not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'the server’s TLS certificate is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server’s TLS certificate is not trusted',
}

/**
 * The sync client's error text (`ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:9)`, `HTTP 503
 * unavailable`) in plain words; unknown text is kept as it is.
 */
export function plainError(message: string): string {
  const code = /^([A-Z][A-Z0-9_]+)\b/.exec(message)?.[1]
  if (code && NETWORK_WORDS[code]) return `${NETWORK_WORDS[code]} (${code})`
  const http = /^HTTP (\d{3})/.exec(message)
  if (http) {
    const s = Number(http[1])
    if (s === 429) return 'the server is busy and asked to retry later (HTTP 429)'
    if (s >= 500) return `the server had a problem (HTTP ${s})`
    if (s === 401 || s === 403) return `the server refused this device’s token (HTTP ${s})`
    return `the server answered HTTP ${s}`
  }
  return message
}

const sentence = (s: string): string => (s ? s[0]!.toUpperCase() + s.slice(1) : s)

/** One sync's outcome as the app shows and records it. */
export function attemptOf(
  a: Readonly<{
    trigger: SyncTrigger
    at: string
    outcome: SyncOutcome | undefined
    failure?: string
    /** Items still queued after the attempt. */
    pending: number
    intervalS: number
  }>,
): SyncAttempt {
  const base = { at: a.at, trigger: a.trigger }
  const o = a.outcome
  if (a.failure !== undefined || !o)
    return {
      ...base,
      result: 'failed',
      message: `Sync failed: ${a.failure ?? 'the sync stopped without an answer'}. ${plural(a.pending, 'change')} kept for the next sync.`,
    }
  switch (o.kind) {
    case 'enrolled':
      return {
        ...base,
        result: 'enrolled',
        message: `Enrolled as ${o.deviceId}. Nothing has been sent yet: check What is shared, then Sync now (or wait for the first scheduled sync, in ${Math.round(a.intervalS / 60)} min).`,
      }
    case 'synced': {
      const held = o.heldBack
        ? ` ${plural(o.heldBack, 'key fingerprint')} wait for the next scan (it recomputes them with your organisation’s key).`
        : ''
      return {
        ...base,
        result: 'synced',
        message:
          (o.sentItems === 0
            ? 'Up to date: nothing changed since the last sync.'
            : `Sent ${plural(o.sentItems, 'change')}; the server acknowledged everything.`) + held,
        sentItems: o.sentItems,
        ...(o.heldBack ? { heldBack: o.heldBack } : {}),
      }
    }
    case 'unreachable':
      return {
        ...base,
        result: 'unreachable',
        message: `Server unreachable: ${plainError(o.message)}. ${plural(a.pending, 'change')} kept; they are sent when the server is back.`,
      }
    case 'revoked':
      return {
        ...base,
        result: 'revoked',
        message:
          'This device was revoked by the server: nothing more is sent. Ask your admin, then enroll again with a new enroll secret.',
      }
    case 'enroll-needed':
      return {
        ...base,
        result: 'enroll-needed',
        message: 'The server asks this device to enroll again: enter an enroll secret.',
      }
    case 'rejected':
      return { ...base, result: 'rejected', message: `${sentence(o.message)}.` }
    case 'no-inventory':
      return {
        ...base,
        result: 'no-inventory',
        message: 'Nothing to send yet: run a scan first.',
      }
  }
}

/** A sync event for the app log (ids and counts only: the client's events carry nothing more). */
export function describeEvent(e: SyncEvent): string {
  switch (e.type) {
    case 'enrolled':
      return `enrolled as ${e.deviceId} (team ${e.team})${e.reenrolled ? ', again' : ''}`
    case 'queued':
      return `queued ${e.summary.snapshot ? 'a snapshot' : 'changes'}: ${e.summary.assetUpserts} assets, ${e.summary.assetRemovals} removed, ${e.summary.findingUpserts} findings, ${e.summary.findingResolutions} resolved`
    case 'sent':
      return `sent batch ${e.seq} (${e.kind}, ${e.items} items)${e.duplicate ? ' (already received)' : ''}`
    case 'resync':
      return `the server asks for a full snapshot: ${e.reason}`
    case 'retry':
      return `${e.what}: ${plainError(e.reason)}; retrying in ${(e.waitMs / 1000).toFixed(1)} s`
  }
}
