import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backoffMs, MAX_RETRY_AFTER_S } from '../../src/core/sync/transport'
import { syncDelayMs } from '../../src/main/sync/controller'
import { MAX_INTERVAL_S } from '../../src/shared/sync-api'
import { startTestServer } from './helpers/app'
import type { TestServer } from './helpers/app'
import { stopPg } from './helpers/engines'

afterAll(stopPg)

/** Node's setTimeout fires a delay of 2^31 ms or more after 1 ms. */
const TIMER_LIMIT_MS = 2 ** 31 - 1

describe('sync settings have bounds', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer('sqlite', 'inject')
  })
  afterAll(async () => s.close())

  const put = (settings: Record<string, unknown>) =>
    s.call('/api/fleet/v1/config/settings', {
      method: 'PUT',
      token: s.adminToken,
      body: { settings },
    })

  it('refuses intervals a client timer cannot hold, and accepts the documented range', async () => {
    for (const bad of [
      { syncIntervalS: 2_592_000 },
      { heartbeatIntervalS: 1e20 },
      { syncIntervalS: MAX_INTERVAL_S + 1 },
      { snapshotIntervalH: 100_000 },
      { maxBatchBytes: 2 ** 40 },
    ]) {
      const r = await put(bad)
      expect(r.status, JSON.stringify(bad)).toBe(400)
      expect(r.json()).toMatchObject({ error: 'bad_request' })
    }
    expect((await put({ syncIntervalS: MAX_INTERVAL_S, heartbeatIntervalS: 60 })).status).toBe(200)
  })
})

describe('clients clamp delays taken from the server', () => {
  it('the app schedules within a timer-safe range whatever interval arrives', () => {
    for (const v of [2_592_000, 1e20, Number.POSITIVE_INFINITY, Number.NaN, -5, 0, undefined]) {
      const ms = syncDelayMs(v)
      expect(ms, String(v)).toBeGreaterThanOrEqual(60_000)
      expect(ms, String(v)).toBeLessThanOrEqual(MAX_INTERVAL_S * 1000)
      expect(ms).toBeLessThan(TIMER_LIMIT_MS)
    }
    expect(syncDelayMs(900)).toBe(900_000)
  })

  it('a huge Retry-After is waited for at most MAX_RETRY_AFTER_S', () => {
    const ms = backoffMs(0, { baseMs: 250, capMs: 4000, retryAfterS: 1e12 }, () => 1)
    expect(ms).toBeLessThanOrEqual(MAX_RETRY_AFTER_S * 1100)
    expect(ms).toBeLessThan(TIMER_LIMIT_MS)
  })
})
