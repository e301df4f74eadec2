import { describe, expect, it } from 'vitest'
import {
  createScheduler,
  dueSlot,
  isValidSchedule,
  lastSlot,
  nextSlot,
} from '../../src/main/schedule'
import type { Schedule, ScheduleOutcome } from '../../src/main/schedule'

// Local times: the rules are about the user's wall clock.
const at = (y: number, mo: number, d: number, h: number, mi = 0): Date =>
  new Date(y, mo - 1, d, h, mi)

describe('schedule slots', () => {
  const daily: Schedule = { kind: 'daily', at: '09:30' }
  // 2026-03-04 is a Wednesday (day 3).
  const weekly: Schedule = { kind: 'weekly', day: 1, at: '22:00' }

  it('finds the last and next daily slot around now', () => {
    expect(lastSlot(daily, at(2026, 3, 4, 10))).toEqual(at(2026, 3, 4, 9, 30))
    expect(lastSlot(daily, at(2026, 3, 4, 9, 29))).toEqual(at(2026, 3, 3, 9, 30))
    expect(lastSlot(daily, at(2026, 3, 4, 9, 30))).toEqual(at(2026, 3, 4, 9, 30))
    expect(nextSlot(daily, at(2026, 3, 4, 9, 30))).toEqual(at(2026, 3, 5, 9, 30))
    expect(nextSlot(daily, at(2026, 12, 31, 23))).toEqual(at(2027, 1, 1, 9, 30))
  })

  it('finds the last and next weekly slot', () => {
    expect(at(2026, 3, 4, 0).getDay()).toBe(3)
    expect(lastSlot(weekly, at(2026, 3, 4, 12))).toEqual(at(2026, 3, 2, 22))
    expect(nextSlot(weekly, at(2026, 3, 4, 12))).toEqual(at(2026, 3, 9, 22))
    // On the day itself, before and after the time.
    expect(lastSlot(weekly, at(2026, 3, 9, 21))).toEqual(at(2026, 3, 2, 22))
    expect(lastSlot(weekly, at(2026, 3, 9, 23))).toEqual(at(2026, 3, 9, 22))
  })

  it('has no slot when off and validates times and days', () => {
    expect(lastSlot({ kind: 'off' }, new Date())).toBeUndefined()
    expect(nextSlot({ kind: 'off' }, new Date())).toBeUndefined()
    expect(isValidSchedule({ kind: 'daily', at: '24:00' })).toBe(false)
    expect(isValidSchedule({ kind: 'daily', at: '7:00' })).toBe(false)
    expect(isValidSchedule({ kind: 'weekly', day: 7, at: '07:00' })).toBe(false)
    expect(isValidSchedule({ kind: 'weekly', day: 0, at: '07:00' })).toBe(true)
  })

  it('is due for a slot missed while asleep, not for one before the schedule was set or already scanned', () => {
    const now = at(2026, 3, 4, 15)
    const since = at(2026, 3, 1, 12)
    expect(dueSlot(daily, now, { since })).toEqual(at(2026, 3, 4, 9, 30))
    expect(dueSlot(daily, now, { since, lastFullScan: at(2026, 3, 4, 9, 45) })).toBeUndefined()
    expect(dueSlot(daily, now, { since: at(2026, 3, 4, 12) })).toBeUndefined()
    expect(dueSlot(daily, now, { since, lastTried: at(2026, 3, 4, 9, 30) })).toBeUndefined()
    expect(dueSlot({ kind: 'off' }, now, { since })).toBeUndefined()
  })
})

describe('scheduler', () => {
  function fake(o: { battery?: boolean; running?: boolean; schedule?: Schedule } = {}) {
    let clock = at(2026, 3, 4, 9, 0)
    const timers: { fn: () => void; at: number }[] = []
    const outcomes: [Date, ScheduleOutcome][] = []
    let started = 0
    // The last full scan was yesterday after its slot.
    let lastFull: Date | undefined = at(2026, 3, 3, 10)
    const s = createScheduler({
      schedule: () => o.schedule ?? { kind: 'daily', at: '09:30' },
      since: () => at(2026, 3, 1, 0),
      lastFullScan: () => lastFull,
      onBattery: async () => o.battery ?? false,
      scanRunning: () => o.running ?? false,
      startScan: () => {
        started++
        lastFull = clock
      },
      onOutcome: (slot, out) => outcomes.push([slot, out]),
      now: () => clock,
      setTimer: (fn, ms) => {
        const t = { fn, at: clock.getTime() + ms }
        timers.push(t)
        return t
      },
      clearTimer: (t) => timers.splice(timers.indexOf(t as (typeof timers)[0]), 1),
    })
    /** Moves the clock to the next timer and fires it. */
    const tick = async (): Promise<boolean> => {
      const t = timers.shift()
      if (!t) return false
      clock = new Date(t.at)
      t.fn()
      await s.check()
      return true
    }
    return {
      s,
      tick,
      outcomes,
      started: () => started,
      timers,
      setClock: (d: Date) => (clock = d),
    }
  }

  it('starts a full scan at the slot and then waits for the next day', async () => {
    const f = fake()
    await f.s.check()
    expect(f.started()).toBe(0)
    // Timers never sleep longer than 15 minutes: two ticks reach 09:30.
    while (f.started() === 0) expect(await f.tick()).toBe(true)
    expect(f.outcomes).toEqual([[at(2026, 3, 4, 9, 30), { kind: 'started' }]])
    for (let i = 0; i < 20; i++) await f.tick()
    expect(f.started()).toBe(1)
    f.s.stop()
    expect(f.timers).toEqual([])
  })

  it('skips a slot on battery, and when a scan is already running', async () => {
    const onBattery = fake({ battery: true })
    onBattery.setClock(at(2026, 3, 4, 10))
    await onBattery.s.check()
    expect(onBattery.outcomes).toEqual([
      [at(2026, 3, 4, 9, 30), { kind: 'skipped', reason: 'on-battery' }],
    ])
    // Not retried at the next check for the same slot.
    await onBattery.s.check()
    expect(onBattery.outcomes).toHaveLength(1)
    expect(onBattery.started()).toBe(0)
    const busy = fake({ running: true })
    busy.setClock(at(2026, 3, 4, 10))
    await busy.s.check()
    expect(busy.outcomes[0]![1]).toEqual({ kind: 'skipped', reason: 'scan-running' })
  })

  it('does nothing when off', async () => {
    const f = fake({ schedule: { kind: 'off' } })
    f.setClock(at(2026, 3, 4, 10))
    await f.s.check()
    expect(f.timers).toEqual([])
    expect(f.outcomes).toEqual([])
  })
})
