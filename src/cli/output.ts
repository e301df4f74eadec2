import { createWriteStream } from 'node:fs'
import { mkdirSync, openSync } from 'node:fs'
import { dirname } from 'node:path'

/** Opens --out FILE (creating its folder) or wraps stdout; `close` resolves once flushed. */
export function openOutput(file: string | undefined): {
  stream: NodeJS.WritableStream
  close(): Promise<void>
} {
  if (!file) {
    return {
      stream: process.stdout,
      close: () =>
        new Promise((r) =>
          process.stdout.write('') ? r() : process.stdout.once('drain', () => r()),
        ),
    }
  }
  // Open synchronously so an unwritable path is one clear error (exit 2), not a stream crash.
  let fd: number
  try {
    mkdirSync(dirname(file), { recursive: true })
    fd = openSync(file, 'w')
  } catch (e) {
    throw new Error(
      `cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    )
  }
  const s = createWriteStream(file, { fd })
  let failed: Error | undefined
  s.on('error', (e) => {
    failed = e
  })
  return {
    stream: s,
    close: () =>
      new Promise((resolve, reject) => {
        if (failed) return reject(new Error(`cannot write ${file}: ${failed.message}`))
        s.once('error', (e) => reject(new Error(`cannot write ${file}: ${e.message}`)))
        s.end(() => resolve())
      }),
  }
}

const useColor = (): boolean => Boolean(process.stdout.isTTY) && !process.env.NO_COLOR

export function color(code: number, s: string): string {
  return useColor() ? `\x1b[${code}m${s}\x1b[0m` : s
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let v = n / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v.toFixed(v >= 10 ? 0 : 1)} ${units[i]}`
}

/** A one-line progress indicator on stderr, only when stderr is a terminal. */
export function createProgressLine(): { update(text: string): void; done(): void } {
  const tty = Boolean(process.stderr.isTTY)
  let last = 0
  return {
    update(text) {
      if (!tty) return
      const now = Date.now()
      if (now - last < 80) return
      last = now
      const width = (process.stderr.columns ?? 80) - 1
      process.stderr.write(
        `\r${text.length > width ? text.slice(0, width - 1) + '…' : text.padEnd(width)}`,
      )
    },
    done() {
      if (tty) process.stderr.write(`\r${' '.repeat((process.stderr.columns ?? 80) - 1)}\r`)
    },
  }
}
