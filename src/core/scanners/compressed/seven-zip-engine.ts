import { createRequire } from 'node:module'

/**
 * 7-Zip compiled to WebAssembly (the `7z-wasm` package, 7-Zip 24.09): the one decoder that reads
 * every 7z coder (LZMA, LZMA2, PPMd, BZip2, Deflate, BCJ/BCJ2/ARM filters) without a native build.
 * It runs in the WebAssembly sandbox on an in-memory file system; the archive is copied in, files
 * are extracted into memory and read back, and nothing touches the real disk.
 *
 * The module initialises asynchronously, while the scanners are synchronous: a 7z scanner that
 * finds the engine not loaded records a miss (`decoderMisses`), and `scanModelFile` loads the
 * engine and scans the file again. Files without a 7z inside never pay for loading it.
 */

type ExitStatus = { status?: number }
type SevenZipModule = {
  FS: {
    writeFile(path: string, data: Uint8Array): void
    readFile(path: string): Uint8Array
    readdir(path: string): string[]
    mkdir(path: string): void
    rmdir(path: string): void
    unlink(path: string): void
    stat(path: string): { mode: number; size: number }
    isDir(mode: number): boolean
    isFile(mode: number): boolean
  }
  HEAPU8?: Uint8Array
  callMain(args: string[]): void
}
type Factory = (opts: Record<string, unknown>) => Promise<SevenZipModule>

let engine: SevenZipModule | undefined
let loading: Promise<boolean> | undefined
let failed: string | undefined
let misses = 0
const out: string[] = []
const err: string[] = []

/** Heap size past which the instance is dropped after use (WebAssembly memory never shrinks). */
const HEAP_RECYCLE_BYTES = 256 * 1024 * 1024

/** Number of times a 7z scanner ran without the engine (the caller then loads it and rescans). */
export function decoderMisses(): number {
  return misses
}

export function noteDecoderMiss(): void {
  misses++
}

/** Why the engine could not be loaded, when it could not. */
export function engineFailure(): string | undefined {
  return failed
}

export function engineReady(): boolean {
  return engine !== undefined
}

/** Loads the WebAssembly module once; resolves false (with `engineFailure`) when it cannot. */
export function loadSevenZip(): Promise<boolean> {
  if (engine) return Promise.resolve(true)
  loading ??= (async () => {
    try {
      const factory = createRequire(__filename)('7z-wasm') as Factory
      engine = await factory({
        print: (s: string) => out.push(s),
        printErr: (s: string) => err.push(s),
        noInitialRun: true,
        // A request for a password (encrypted archive without -p) must never block on stdin.
        stdin: () => null,
      })
      failed = undefined
      return true
    } catch (e) {
      failed = (e as Error).message ?? String(e)
      return false
    } finally {
      loading = undefined
    }
  })()
  return loading
}

export type SevenZipRun = Readonly<{ code: number; stdout: string[]; stderr: string[] }>

/** Runs one 7-Zip command inside the module; an abort drops the instance (it cannot be reused). */
export function runSevenZip(args: readonly string[]): SevenZipRun {
  if (!engine) return { code: -1, stdout: [], stderr: ['7-Zip engine not loaded'] }
  out.length = 0
  err.length = 0
  let code = 0
  try {
    engine.callMain([...args])
  } catch (e) {
    const status = (e as ExitStatus).status
    if (typeof status === 'number') code = status
    else {
      // RuntimeError / abort: the instance is dead.
      engine = undefined
      return { code: -2, stdout: [...out], stderr: [...err, (e as Error).message ?? String(e)] }
    }
  }
  return { code, stdout: [...out], stderr: [...err] }
}

export function sevenZipFs(): SevenZipModule['FS'] | undefined {
  return engine?.FS
}

/** Frees a grown instance after a large archive; the next scan loads a fresh one. */
export function recycleIfLarge(): void {
  const heap = engine?.HEAPU8?.byteLength ?? 0
  if (heap > HEAP_RECYCLE_BYTES) engine = undefined
}
