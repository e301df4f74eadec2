import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const MAIN = resolve(__dirname, '../../src/main')
/** Entry points of other threads: they may open the inventory. */
const WORKER_ENTRIES = new Set([
  join(MAIN, 'scan-worker.ts'),
  join(MAIN, 'db', 'worker.ts'),
  join(MAIN, 'sync-worker.ts'),
])

/** The src/main and src/shared modules Electron's main thread loads, from its entry. */
function mainThreadModules(): Map<string, string> {
  const seen = new Map<string, string>()
  const visit = (file: string): void => {
    if (seen.has(file) || WORKER_ENTRIES.has(file)) return
    const text = readFileSync(file, 'utf8')
    seen.set(file, text)
    for (const m of text.matchAll(/^(?:import|export)\s(?!type\b)[^'"]*from\s+'(\.[^']+)'/gm)) {
      const base = resolve(dirname(file), m[1]!)
      if (!base.startsWith(MAIN) && !base.includes(`${join('src', 'shared')}`)) continue
      for (const f of [`${base}.ts`, join(base, 'index.ts')]) {
        try {
          readFileSync(f)
          visit(f)
          break
        } catch {
          // not this spelling
        }
      }
    }
  }
  visit(join(MAIN, 'index.ts'))
  return seen
}

describe("Electron's main thread never touches SQLite (queries and scans run in workers)", () => {
  const mods = mainThreadModules()

  it('reaches the handler table, the router and the worker clients from the entry', () => {
    const names = [...mods.keys()].map((f) => f.slice(MAIN.length + 1))
    for (const n of ['handlers.ts', 'ipc-router.ts', 'db-client.ts', 'scan-runner.ts'])
      expect(names).toContain(n)
    expect(names).not.toContain('scan-worker.ts')
    expect(names).not.toContain(join('db', 'worker.ts'))
  })

  it('opens no database and imports no SQLite driver on the main thread', () => {
    for (const [file, text] of mods) {
      expect(text, file).not.toMatch(/\bopenDb\s*\(|better-sqlite3'|new Database\(/)
      // What main takes from core at run time: pure helpers, never the store.
      for (const m of text.matchAll(/^import\s(?!type\b)\{([^}]*)\}\s+from\s+'(?:\.\.\/)+core'/gm))
        for (const name of m[1]!
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean))
          expect(
            // The sync controller checks a typed URL and, outside Electron, names the 0600 file
            // token store; the sync itself runs in the sync worker. The schedule's power-source
            // check starts core's trusted probe child (no store, no SQLite).
            [
              'defaultDbPath',
              'compileSchema',
              'fileTokenStore',
              'normalizeServerUrl',
              'onBatteryPower',
            ],
            `${file} imports ${name}`,
          ).toContain(name)
    }
  })

  it('starts the workers from their built files beside the main bundle', () => {
    const entry = mods.get(join(MAIN, 'index.ts'))!
    expect(entry).toContain("join(__dirname, 'scan-worker.js')")
    expect(entry).toContain("join(__dirname, 'db-worker.js')")
  })
})
