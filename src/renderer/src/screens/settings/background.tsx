import { useEffect, useState } from 'react'
import type { BackgroundChange, Schedule, WatcherStatus } from '../../../../shared/ipc'
import { Button, ErrorState, Skeleton, Toggle } from '../../components/common'
import { toast } from '../../components/toast'
import { call, errorMessage, on } from '../../lib/api'
import { useQuery } from '../../lib/use-query'
import type { PanelProps } from './panels'

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const HOUR = 60 * 60_000

/** What the watcher is doing, in words. */
function watcherText(s: WatcherStatus): string {
  switch (s.state) {
    case 'off':
      return 'Off: nothing is watched. Scan now still works.'
    case 'starting':
      return 'Starting…'
    case 'watching': {
      const n = `Watching ${s.folders.toLocaleString('en-US')} folder${s.folders === 1 ? '' : 's'}`
      const deg = s.degraded.length
        ? `; ${s.degraded.length} too big to watch, rescanned periodically`
        : ''
      return `${n}${deg}${s.scanning ? ` · ${s.scanning === 'full' ? 'full scan' : 'rescan'} running` : ''}.`
    }
    case 'paused':
      return s.pausedUntil
        ? `Paused until ${new Date(s.pausedUntil).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}.`
        : 'Paused until you resume it.'
    case 'failed':
      return `Stopped: ${s.message ?? 'the watcher failed'}.`
  }
}

/**
 * The background section of Settings: the watcher on or off (with pause and resume), quiet mode,
 * scheduled full scans and launch at login. These live in the app's data folder, not in the
 * inventory (they are about this app, not the scan), and go over the background IPC channels.
 */
export function BackgroundPanel(_props: PanelProps) {
  const q = useQuery('background-settings', () => call('getBackgroundSettings'))
  const [status, setStatus] = useState<WatcherStatus>()
  useEffect(() => {
    let live = true
    void call('getWatcherStatus').then(
      (s) => live && setStatus(s),
      () => undefined,
    )
    const off = on('watcher:status', setStatus)
    return () => {
      live = false
      off()
    }
  }, [])
  if (q.status === 'error' && !q.data) return <ErrorState error={q.error} onRetry={q.retry} />
  if (!q.data) return <Skeleton lines={4} />
  const s = q.data
  const update = async (change: BackgroundChange): Promise<void> => {
    try {
      const r = await call('setBackgroundSettings', change)
      if (r.ok) toast('Saved')
      else toast(`Not saved: ${r.message}`, 'error')
    } catch (e) {
      toast(`Not saved: ${errorMessage(e)}`, 'error')
    }
    q.retry()
  }
  const watcherCall = (p: Promise<WatcherStatus>): void =>
    void p.then(setStatus, (e: unknown) => toast(errorMessage(e), 'error'))
  return (
    <>
      <div className="setting-block">
        <Toggle
          label="Watch for changes"
          description="Rescans what changes in the folders AI Scout knows about, at low priority, and tells you about new critical and high findings. Closing the window keeps it running in the tray."
          checked={s.watcher}
          onChange={(v) => void update({ watcher: v })}
          testId="toggle-watcher"
        />
        {status && (
          <div className="row-gap">
            <span className="muted" data-testid="watcher-state" role="status">
              {watcherText(status)}
            </span>
            {status.state === 'watching' && (
              <>
                <Button
                  small
                  testId="watcher-pause-hour"
                  onClick={() => watcherCall(call('pauseWatcher', { until: Date.now() + HOUR }))}
                >
                  Pause for 1 hour
                </Button>
                <Button
                  small
                  testId="watcher-pause"
                  onClick={() => watcherCall(call('pauseWatcher', {}))}
                >
                  Pause until resumed
                </Button>
              </>
            )}
            {status.state === 'paused' && (
              <Button
                small
                testId="watcher-resume"
                onClick={() => watcherCall(call('resumeWatcher'))}
              >
                Resume
              </Button>
            )}
          </div>
        )}
        <Toggle
          label="Quiet mode"
          description="No notifications. New findings still appear here and in the tray. Accepted risks never notify."
          checked={s.quiet}
          onChange={(v) => void update({ quiet: v })}
          testId="toggle-quiet"
        />
      </div>
      <ScheduleBlock
        key={JSON.stringify(s.schedule)}
        schedule={s.schedule}
        save={(schedule) => update({ schedule })}
      />
      <div className="setting-block">
        <Toggle
          label="Start AI Scout at login"
          description="Opens in the tray only, so the watcher and scheduled scans run without a window. Off unless you turn it on."
          checked={s.launchAtLogin}
          onChange={(v) => void update({ launchAtLogin: v })}
          testId="toggle-login"
        />
      </div>
    </>
  )
}

function ScheduleBlock({
  schedule,
  save,
}: {
  schedule: Schedule
  save(s: Schedule): Promise<void>
}) {
  const at = schedule.kind === 'off' ? '09:00' : schedule.at
  const day = schedule.kind === 'weekly' ? schedule.day : 1
  // The typed time starts from the saved one; a saved change remounts this block (its key).
  const [time, setTime] = useState(at)
  const valid = /^([01]\d|2[0-3]):[0-5]\d$/.test(time)
  const make = (kind: Schedule['kind'], t = at, d = day): Schedule =>
    kind === 'off'
      ? { kind: 'off' }
      : kind === 'daily'
        ? { kind: 'daily', at: t }
        : { kind: 'weekly', day: d, at: t }
  return (
    <div className="setting-block">
      <h3>Scheduled full scans</h3>
      <p className="muted">
        A full scan at a set time, at low priority. Skipped on battery and while another full scan
        runs; a missed one runs when the computer is next awake.
      </p>
      <form
        className="row-gap"
        onSubmit={(e) => {
          e.preventDefault()
          if (valid && schedule.kind !== 'off') void save(make(schedule.kind, time))
        }}
      >
        <label className="filter">
          Run
          <select
            value={schedule.kind}
            onChange={(e) => void save(make(e.target.value as Schedule['kind']))}
            data-testid="schedule-kind"
          >
            <option value="off">Never</option>
            <option value="daily">Daily</option>
            <option value="weekly">Weekly</option>
          </select>
        </label>
        {schedule.kind === 'weekly' && (
          <label className="filter">
            on
            <select
              value={day}
              onChange={(e) => void save(make('weekly', at, Number(e.target.value)))}
              data-testid="schedule-day"
            >
              {DAYS.map((d, i) => (
                <option key={d} value={i}>
                  {d}
                </option>
              ))}
            </select>
          </label>
        )}
        {schedule.kind !== 'off' && (
          <>
            <label className="filter">
              at
              <input
                type="time"
                className="input"
                value={time}
                onChange={(e) => setTime(e.target.value)}
                aria-invalid={!valid}
                data-testid="schedule-at"
              />
            </label>
            <Button type="submit" small disabled={!valid || time === at} testId="schedule-save">
              Save time
            </Button>
          </>
        )}
      </form>
    </div>
  )
}
