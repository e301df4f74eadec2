import type { IpcError, IpcErrorCode } from '../shared/ipc'

/**
 * An error a handler means the user to see: it crosses IPC as `{ code, message }`. Anything else
 * a handler throws is reported as `internal` with a generic message (details go to the log, never
 * a stack trace to the page).
 */
export class IpcFault extends Error {
  constructor(
    readonly code: IpcErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'IpcFault'
  }
}

export const notFound = (what: string): IpcFault => new IpcFault('not-found', what)
export const invalid = (why: string): IpcFault => new IpcFault('invalid-argument', why)
export const busy = (why: string): IpcFault => new IpcFault('busy', why)
export const unavailable = (why: string): IpcFault => new IpcFault('unavailable', why)

/** SQLite's answers that mean "the file is locked or unusable right now", not a bug of ours. */
const SQLITE_BUSY = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED'])
const SQLITE_UNAVAILABLE = new Set([
  'SQLITE_CANTOPEN',
  'SQLITE_NOTADB',
  'SQLITE_CORRUPT',
  'SQLITE_IOERR',
  'SQLITE_READONLY',
  'SQLITE_PERM',
  'SQLITE_FULL',
])

/** Classifies any error into the reply the page gets. */
export function toIpcError(e: unknown): IpcError {
  if (e instanceof IpcFault) return { code: e.code, message: e.message }
  const err = e as { code?: unknown; message?: unknown; name?: unknown }
  const code = typeof err?.code === 'string' ? err.code : ''
  const message = typeof err?.message === 'string' ? err.message : String(e)
  if (SQLITE_BUSY.has(code) || code.startsWith('SQLITE_BUSY'))
    return {
      code: 'busy',
      message:
        'The inventory database is locked by another process (a scan or the aiscout CLI). Try again in a moment.',
    }
  if (SQLITE_UNAVAILABLE.has(code) || [...SQLITE_UNAVAILABLE].some((c) => code.startsWith(c)))
    return {
      code: 'unavailable',
      message: `The inventory database cannot be read (${code}: ${firstLine(message)}). Check that the file exists and is readable; AI Scout did not change it.`,
    }
  return {
    code: 'internal',
    message: 'Something went wrong inside AI Scout. The details are in the log (About).',
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 300)
}
