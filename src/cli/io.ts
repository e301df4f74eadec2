import { homedir } from 'node:os'
import { resolve } from 'node:path'

/** The process's streams, environment and places, passed in so tests run the CLI in-process. */
export type Io = Readonly<{
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  env: NodeJS.ProcessEnv
  cwd: string
  home: string
}>

export function defaultIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    home: homedir(),
  }
}

export function resolvePath(io: Io, p: string): string {
  return resolve(io.cwd, p)
}
