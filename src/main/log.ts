import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import type { AppError } from '../shared/ipc'

export type AppLog = Readonly<{
  path: string
  error(where: string, detail: string): void
  info(message: string): void
  /** The last errors, newest first (About shows them; diagnostics include them). */
  recent(): readonly AppError[]
}>

const KEEP = 20
/** The log is rotated once past this size (one previous file is kept). */
const MAX_BYTES = 2 * 1024 * 1024

/**
 * The app's log file: one line per event, never a key value or file content (callers pass
 * messages, not data). Writing is best effort: a full disk must not take the app down.
 */
export function createAppLog(path: string, now: () => Date = () => new Date()): AppLog {
  const recent: AppError[] = []
  const write = (line: string): void => {
    try {
      mkdirSync(dirname(path), { recursive: true })
      try {
        if (statSync(path).size > MAX_BYTES) renameSync(path, `${path}.1`)
      } catch {
        // No log yet.
      }
      appendFileSync(path, `${line}\n`, { mode: 0o600 })
    } catch {
      // Logging never throws.
    }
  }
  return {
    path,
    error(where, detail) {
      const e: AppError = { at: now().toISOString(), where, message: oneLine(detail) }
      recent.unshift(e)
      recent.length = Math.min(recent.length, KEEP)
      write(`${e.at} ERROR ${where}: ${e.message}`)
    },
    info(message) {
      write(`${now().toISOString()} INFO ${oneLine(message)}`)
    },
    recent: () => [...recent],
  }
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').slice(0, 500)
}
