import {
  chmodSync,
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs'

/**
 * Where the device token lives. The CLI keeps it in a file only its user can read (0600); the
 * desktop app supplies a store backed by Electron safeStorage.
 */
export type TokenStore = Readonly<{
  read(): string | undefined
  write(token: string): void
  clear(): void
}>

/** A 0600 file, replaced atomically (write a temporary file, fsync, rename). */
export function fileTokenStore(path: string): TokenStore {
  return {
    read() {
      try {
        const t = readFileSync(path, 'utf8').trim()
        return t === '' ? undefined : t
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw e
      }
    },
    write(token) {
      const tmp = `${path}.${process.pid}.tmp`
      const fd = openSync(tmp, 'w', 0o600)
      try {
        writeSync(fd, `${token}\n`)
        fsyncSync(fd)
      } finally {
        closeSync(fd)
      }
      // The mode given to open is filtered by the umask; make sure.
      chmodSync(tmp, 0o600)
      renameSync(tmp, path)
    },
    clear() {
      rmSync(path, { force: true })
    },
  }
}
