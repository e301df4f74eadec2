/**
 * Scheduled full scans: off, daily at a local time, or weekly on a day at a local time. Pure
 * logic over injected clocks and timers, so the rules (missed runs, battery, a scan already
 * running, clock changes) are tested without Electron and without waiting.
 */

import type { Schedule } from '../shared/ipc'
export type { Schedule }

export const SCHEDULE_OFF: Schedule = { kind: 'off' }

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/

/** Whether a schedule is well formed (HH:MM in 24 h, a day 0-6). */
export function isValidSchedule(s: Schedule): boolean {
  switch (s.kind) {
    case 'off':
      return true
    case 'daily':
      return TIME.test(s.at)
    case 'weekly':
      return TIME.test(s.at) && Number.isInteger(s.day) && s.day >= 0 && s.day <= 6
  }
}

const hm = (at: string): [number, number] => {
  const m = TIME.exec(at)
  if (!m) throw new RangeError(`bad time ${at} (HH:MM)`)
  return [Number(m[1]), Number(m[2])]
}

/**
 * The latest scheduled moment at or before `now` (local time; a moment that does not exist on a
 * daylight-saving day moves forward as the Date constructor does), or undefined when off.
 */
export function lastSlot(s: Schedule, now: Date): Date | undefined {
  if (s.kind === 'off') return undefined
  const [h, m] = hm(s.at)
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate(), h, m, 0, 0)
  if (s.kind === 'daily') {
    if (d > now) d.setDate(d.getDate() - 1)
    return d
  }
  let back = (d.getDay() - s.day + 7) % 7
  if (back === 0 && d > now) back = 7
  d.setDate(d.getDate() - back)
  return d
}

/** The next scheduled moment strictly after `now`, or undefined when off. */
export function nextSlot(s: Schedule, now: Date): Date | undefined {
  if (s.kind === 'off') return undefined
  const last = lastSlot(s, now)!
  const next = new Date(last)
  next.setDate(next.getDate() + (s.kind === 'daily' ? 1 : 7))
  return next
}

/**
 * The slot a scan is due for, if any: the latest slot at or before `now` that came after both the
 * last full scan and the moment the schedule was set (turning a schedule on does not start a scan
 * at once for a slot earlier that day), and was not already tried. A laptop asleep at the time
 * scans when it wakes.
 */
export function dueSlot(
  s: Schedule,
  now: Date,
  o: Readonly<{ lastFullScan?: Date; since: Date; lastTried?: Date }>,
): Date | undefined {
  const slot = lastSlot(s, now)
  if (!slot) return undefined
  for (const t of [o.lastFullScan, o.since, o.lastTried]) if (t && t >= slot) return undefined
  return slot
}

/** What happened at a due slot. */
export type ScheduleOutcome =
  | Readonly<{ kind: 'started' }>
  | Readonly<{ kind: 'skipped'; reason: 'on-battery' | 'scan-running' }>

export type SchedulerDeps = Readonly<{
  schedule(): Schedule
  /** When the current schedule was set (saved in settings). */
  since(): Date
  lastFullScan(): Date | undefined
  /** Whether the machine runs on battery now (systeminformation; unknown counts as mains). */
  onBattery(): Promise<boolean>
  scanRunning(): boolean
  /** Starts a full background scan. */
  startScan(): void
  onOutcome?(slot: Date, o: ScheduleOutcome): void
  now?(): Date
  /** Timers (tests inject their own). */
  setTimer?(fn: () => void, ms: number): unknown
  clearTimer?(t: unknown): void
}>

/**
 * Longest sleep between checks: a timer set for hours drifts over a system sleep or a clock change,
 * so the scheduler wakes at least this often to look again (one cheap comparison).
 */
export const MAX_TIMER_MS = 15 * 60_000

export type Scheduler = Readonly<{
  /** Looks now (after wake-up, a settings change) and re-arms the timer. */
  check(): Promise<void>
  stop(): void
}>

export function createScheduler(d: SchedulerDeps): Scheduler {
  const now = d.now ?? (() => new Date())
  const setTimer = d.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms).unref())
  const clearTimer = d.clearTimer ?? ((t: unknown) => clearTimeout(t as NodeJS.Timeout))
  let timer: unknown
  let lastTried: Date | undefined
  let stopped = false
  let checking: Promise<void> | undefined

  const arm = (): void => {
    if (timer !== undefined) clearTimer(timer)
    timer = undefined
    if (stopped) return
    const next = nextSlot(d.schedule(), now())
    if (!next) return
    const ms = Math.max(1000, Math.min(MAX_TIMER_MS, next.getTime() - now().getTime()))
    timer = setTimer(() => void api.check(), ms)
  }

  const look = async (): Promise<void> => {
    const t = now()
    const slot = dueSlot(d.schedule(), t, {
      lastFullScan: d.lastFullScan(),
      since: d.since(),
      lastTried,
    })
    if (slot) {
      lastTried = slot
      let outcome: ScheduleOutcome
      if (d.scanRunning()) outcome = { kind: 'skipped', reason: 'scan-running' }
      else if (await d.onBattery().catch(() => false))
        outcome = { kind: 'skipped', reason: 'on-battery' }
      else {
        d.startScan()
        outcome = { kind: 'started' }
      }
      d.onOutcome?.(slot, outcome)
    }
    arm()
  }

  const api: Scheduler = {
    check() {
      if (stopped) return Promise.resolve()
      checking ??= look().finally(() => {
        checking = undefined
      })
      return checking
    },
    stop() {
      stopped = true
      if (timer !== undefined) clearTimer(timer)
      timer = undefined
    },
  }
  return api
}
