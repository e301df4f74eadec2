import { existsSync } from 'node:fs'
import { join, sep } from 'node:path'

/**
 * The native directory reader built from dir-reader.c (scripts/build-native.mjs). Absent where it
 * could not be built (Windows, no C compiler): the walk then reads with readdirSync and a helper
 * Worker, which finds the same entries at a higher CPU cost.
 */
export type DirReaderAddon = Readonly<{
  /** Reads NUL-separated directories on the calling thread; returns their listing (readout.ts). */
  readDirs(paths: string): string
  /** Reads them on libuv's thread pool; `done` gets the listing unless take() got it first. */
  start(paths: string, done: (listing: string | undefined) => void): object
  /** The listing of a finished batch, once; undefined while it is still being read. */
  take(handle: object): string | undefined
}>

/** Where the addon is, relative to the running code: an explicit list, no search. */
const CANDIDATES: readonly (readonly string[])[] = [
  // The bundles: out/cli, out/core, out/main (in a packaged app, from app.asar.unpacked).
  ['..', 'addons', 'dir-reader.node'],
  // Code the Electron build splits into a shared chunk: out/main/chunks.
  ['..', '..', 'addons', 'dir-reader.node'],
  // The sources, as the tests run them: src/core/engine/walker -> out/addons.
  ['..', '..', '..', '..', 'out', 'addons', 'dir-reader.node'],
]

let loaded: { addon: DirReaderAddon | undefined } | undefined

/**
 * The addon if it was built for this platform and loads; undefined otherwise. Setting
 * AISCOUT_JS_WALKER=1 turns it off (a switch for troubleshooting, and for the benchmark's
 * comparison).
 */
export function loadDirReader(): DirReaderAddon | undefined {
  if (loaded) return loaded.addon
  loaded = { addon: undefined }
  if (process.env.AISCOUT_JS_WALKER === '1') return undefined
  for (const parts of CANDIDATES) {
    // Native code cannot be loaded from inside an asar archive.
    const file = join(__dirname, ...parts).replace(`app.asar${sep}`, `app.asar.unpacked${sep}`)
    if (!existsSync(file)) continue
    try {
      const m: { exports: Partial<DirReaderAddon> } = { exports: {} }
      process.dlopen(m, file)
      const a = m.exports
      if (
        typeof a.readDirs === 'function' &&
        typeof a.start === 'function' &&
        typeof a.take === 'function'
      ) {
        loaded.addon = a as DirReaderAddon
        break
      }
    } catch {
      // Built for another platform or architecture: the JavaScript reader does the work.
    }
  }
  return loaded.addon
}
