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

/** `1 file`, `3 files`, `1 match`/`2 matches` (pass the plural when it is not `+s`). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${grouped(n)} ${n === 1 ? one : many}`
}

/**
 * `12,345`: thousands separated as en-US writes them. Not toLocaleString: its first call loads
 * ICU's number formatting at the end of every scan (bench/startup-bench.mjs).
 */
export function grouped(n: number): string {
  if (!Number.isInteger(n)) return String(n)
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',')
}

/**
 * Word-wraps `text` to `width` columns: the first line starts after `first` (a label already on
 * the line), later lines are indented by `indent` spaces. Words longer than a line (paths,
 * digests) are never split: they overflow rather than break a copy-paste.
 */
export function wrap(text: string, width: number, indent: number, first = indent): string[] {
  const lines: string[] = []
  let line = ''
  let room = Math.max(20, width - first)
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > room) {
      lines.push(line)
      line = word
      room = Math.max(20, width - indent)
    } else line = line ? `${line} ${word}` : word
  }
  if (line || lines.length === 0) lines.push(line)
  return lines.map((l, i) => (i === 0 ? l : ' '.repeat(indent) + l))
}
