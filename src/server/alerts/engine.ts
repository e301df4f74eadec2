import { randomUUID } from 'node:crypto'
import { acceptanceAt } from '../storage/acceptance'
import { dashboardDb } from '../storage/dashboard-schema'
import { FINDING_RISK_COLUMNS } from '../storage/fleet-accepted'
import { newId, nowIso } from '../storage/ids'
import type { Storage } from '../storage/open'
import type { AlertsConfig } from './config'
import type { AlertBatch, AlertFinding, Notifier } from './notifier'

/**
 * Alerts on transitions only: a finding at or above the minimum severity (or any fleet-policy
 * violation) that became open since
 * the last pass (new, or back after it resolved), on a device that is not revoked, and not
 * accepted (by an admin on the server or by the laptop's user). Each is notified once: a row in
 * alert_notified holds it until it resolves. The new findings of a pass are grouped by rule, one
 * message per rule and notifier; each delivery is retried on 5xx, 429 and timeouts and logged.
 */
export type AlertEngineOptions = Readonly<{
  attemptTimeoutMs?: number
  /** Attempts per delivery (the first included). */
  attempts?: number
  retryBaseMs?: number
  /** Rows written this recently are left for the next pass (a transaction still committing). */
  settleMs?: number
  now?: () => Date
}>

/** Findings of fleet policies (src/core/policy): alerted below the minimum severity too. */
const POLICY_RULE_PREFIX = 'policy.'

const RANK: Readonly<Record<string, number>> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 }
const PAGE = 5000

export type TickResult = Readonly<{ batches: number; findings: number; deliveries: number }>

export class AlertEngine {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<TickResult> | undefined
  private readonly opts: Required<AlertEngineOptions>

  constructor(
    private readonly storage: Storage,
    private readonly config: AlertsConfig,
    opts: AlertEngineOptions = {},
  ) {
    this.opts = {
      attemptTimeoutMs: opts.attemptTimeoutMs ?? 10_000,
      attempts: opts.attempts ?? 5,
      retryBaseMs: opts.retryBaseMs ?? 1000,
      settleMs: opts.settleMs ?? 2000,
      now: opts.now ?? (() => new Date()),
    }
  }

  get notifiers(): readonly Notifier[] {
    return this.config.notifiers
  }

  /** Starts from now: findings already on the server when alerting is first enabled are not sent. */
  async start(): Promise<void> {
    if (!this.config.enabled) return
    await this.cursor()
    this.timer = setInterval(() => void this.tick().catch(() => {}), this.config.windowS * 1000)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    await this.running?.catch(() => {})
  }

  private async cursor(): Promise<string> {
    const db = dashboardDb(this.storage)
    const row = await db
      .selectFrom('alert_state')
      .select('value')
      .where('key', '=', 'cursor')
      .executeTakeFirst()
    if (row) return row.value
    const at = nowIso(this.opts.now())
    await db.insertInto('alert_state').values({ key: 'cursor', value: at }).execute()
    return at
  }

  /** One pass (the timer runs one per window; tests call it directly). Never two at once. */
  tick(): Promise<TickResult> {
    if (!this.config.enabled) return Promise.resolve({ batches: 0, findings: 0, deliveries: 0 })
    this.running ??= this.pass().finally(() => {
      this.running = undefined
    })
    return this.running
  }

  private async pass(): Promise<TickResult> {
    const db = dashboardDb(this.storage)
    const from = await this.cursor()
    const upTo = nowIso(new Date(this.opts.now().getTime() - this.opts.settleMs))
    if (upTo <= from) return { batches: 0, findings: 0, deliveries: 0 }
    const rows = await db
      .selectFrom('device_findings as f')
      .innerJoin('devices as d', 'd.id', 'f.device_id')
      .leftJoin('device_assets as a', (j) =>
        j.onRef('a.device_id', '=', 'f.device_id').onRef('a.asset_key', '=', 'f.asset_key'),
      )
      .leftJoin('config_items as r', (j) =>
        j
          .on('r.scope', '=', 'device')
          .onRef('r.scope_id', '=', 'f.device_id')
          .on('r.kind', '=', 'accepted-risk')
          .onRef('r.item_key', '=', 'f.finding_key'),
      )
      .leftJoin('alert_notified as n', (j) =>
        j.onRef('n.device_id', '=', 'f.device_id').onRef('n.finding_key', '=', 'f.finding_key'),
      )
      .select([
        ...FINDING_RISK_COLUMNS,
        'f.first_seen_at',
        'f.updated_at',
        'd.hostname',
        'd.revoked_at',
        'a.fingerprint',
        'a.path as asset_path',
        'r.value as risk',
        'n.notified_at',
      ])
      .where('f.updated_at', '>', from)
      .where('f.updated_at', '<=', upTo)
      .orderBy('f.updated_at')
      .limit(PAGE)
      .execute()
    // A full page ends the pass at its last row; the rest comes next pass.
    const last = rows.length === PAGE ? rows[rows.length - 1]!.updated_at : upTo
    const now = this.opts.now()
    const resolved = rows.filter((r) => r.status !== 'open' && r.notified_at !== null)
    const fresh: (AlertFinding & { rank: number })[] = []
    for (const r of rows) {
      if (r.status !== 'open' || r.notified_at !== null || r.revoked_at !== null) continue
      const rank = RANK[r.severity] ?? 0
      // A policy violation is an alert whatever its severity: the admin asked to be told.
      if (rank < (RANK[this.config.minSeverity] ?? 3) && !r.rule_id.startsWith(POLICY_RULE_PREFIX))
        continue
      const data = parse(r.data)
      // Accepted on the server by an admin or on the laptop by its user: no alert.
      if (acceptanceAt(r.risk, data, now).source !== null) continue
      fresh.push({
        rank,
        deviceId: r.device_id,
        hostname: r.hostname,
        findingKey: r.finding_key,
        ruleId: r.rule_id,
        severity: r.severity,
        title: str(data.title) ?? r.rule_id,
        path: str(data.path) ?? r.asset_path ?? '',
        evidence: evidence(data),
        fingerprint: r.fingerprint,
        firstSeenAt: r.first_seen_at,
      })
    }
    // Mark first, then send: a crash between the two loses an alert rather than repeating one
    // forever; the delivery log shows what went out.
    await db.transaction().execute(async (trx) => {
      for (const r of resolved) {
        await trx
          .deleteFrom('alert_notified')
          .where('device_id', '=', r.device_id)
          .where('finding_key', '=', r.finding_key)
          .execute()
      }
      for (const f of fresh) {
        await trx
          .insertInto('alert_notified')
          .values({ device_id: f.deviceId, finding_key: f.findingKey, notified_at: nowIso(now) })
          .onConflict((oc) => oc.columns(['device_id', 'finding_key']).doNothing())
          .execute()
      }
      await trx
        .updateTable('alert_state')
        .set({ value: last })
        .where('key', '=', 'cursor')
        .execute()
    })
    const byRule = new Map<string, (AlertFinding & { rank: number })[]>()
    for (const f of fresh) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f])
    let deliveries = 0
    const sends: Promise<void>[] = []
    for (const [ruleId, list] of byRule) {
      const worst = list.reduce((a, b) => (b.rank > a.rank ? b : a))
      const batch: AlertBatch = {
        id: `msg_${randomUUID().replace(/-/g, '')}`,
        type: 'finding.created',
        ruleId,
        severity: worst.severity,
        createdAt: nowIso(now),
        findings: list.map(({ rank: _rank, ...f }) => f),
        dashboardUrl: this.config.dashboardUrl,
      }
      for (const n of this.config.notifiers) {
        deliveries++
        sends.push(this.deliver(n, batch))
      }
    }
    await Promise.all(sends)
    return { batches: byRule.size, findings: fresh.length, deliveries }
  }

  private async deliver(n: Notifier, batch: AlertBatch): Promise<void> {
    const db = dashboardDb(this.storage)
    const id = newId('dlv')
    await db
      .insertInto('alert_deliveries')
      .values({
        id,
        created_at: nowIso(this.opts.now()),
        notifier: n.name,
        rule_id: batch.ruleId,
        findings: batch.findings.length,
        status: 'pending',
        attempts: 0,
        http_status: null,
        error: null,
        finished_at: null,
      })
      .execute()
    let attempts = 0
    let httpStatus: number | null = null
    let error: string | null = null
    let ok = false
    while (attempts < this.opts.attempts && !ok) {
      if (attempts > 0) await sleep(this.opts.retryBaseMs * 2 ** (attempts - 1))
      attempts++
      const req = n.request(batch, this.opts.now())
      try {
        const res = await fetch(req.url, {
          method: 'POST',
          headers: req.headers,
          body: req.body,
          redirect: 'error',
          signal: AbortSignal.timeout(this.opts.attemptTimeoutMs),
        })
        httpStatus = res.status
        await res.arrayBuffer().catch(() => undefined)
        if (res.ok) {
          ok = true
          error = null
        } else {
          error = `HTTP ${res.status}`
          // Other client errors will not get better by retrying (a wrong URL, a bad secret).
          if (res.status < 500 && res.status !== 408 && res.status !== 429) break
        }
      } catch (e) {
        httpStatus = null
        const err = e as Error
        error =
          err.name === 'TimeoutError'
            ? `no answer within ${this.opts.attemptTimeoutMs} ms`
            : 'connection failed'
      }
    }
    await db
      .updateTable('alert_deliveries')
      .set({
        status: ok ? 'delivered' : 'failed',
        attempts,
        http_status: httpStatus,
        error,
        finished_at: nowIso(this.opts.now()),
      })
      .where('id', '=', id)
      .execute()
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

function parse(s: string): Record<string, unknown> {
  try {
    const v = JSON.parse(s) as unknown
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined
}

function evidence(data: Record<string, unknown>): string {
  const parts: string[] = []
  if (typeof data.callable === 'string') parts.push(data.callable)
  if (typeof data.member === 'string') parts.push(`member ${data.member}`)
  if (typeof data.line === 'number') parts.push(`line ${data.line}`)
  return parts.join(', ')
}

/** The delivery log, newest first. */
export async function listDeliveries(storage: Storage, limit = 200) {
  const rows = await dashboardDb(storage)
    .selectFrom('alert_deliveries')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(limit, 1), 500))
    .execute()
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    notifier: r.notifier,
    ruleId: r.rule_id,
    findings: r.findings,
    status: r.status as 'pending' | 'delivered' | 'failed',
    attempts: r.attempts,
    httpStatus: r.http_status,
    error: r.error,
    finishedAt: r.finished_at,
  }))
}
