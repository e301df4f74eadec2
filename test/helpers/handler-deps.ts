import { mkdtempSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { HandlerDeps } from '../../src/main/handlers'
import { createAppLog } from '../../src/main/log'

const OUT = join(resolve(__dirname, '../..'), 'out/main')

/** The handler table with the real workers and a real SQLite file; OS integrations recorded. */
export function testDeps(dir: string, home: string, over: Partial<HandlerDeps> = {}) {
  const events: [string, unknown][] = []
  const os = {
    revealed: [] as string[],
    opened: [] as string[],
    copied: [] as string[],
    saveTo: [] as string[],
  }
  const deps: HandlerDeps = {
    dbPath: join(dir, 'inventory.db'),
    home,
    user: 'tester',
    hostname: 'test-host',
    scanWorkerPath: join(OUT, 'scan-worker.js'),
    dbWorkerPath: join(OUT, 'db-worker.js'),
    app: {
      version: '0.1.0',
      platform: 'linux',
      arch: 'x64',
      versions: { node: process.versions.node },
    },
    log: createAppLog(join(dir, 'logs', 'aiscout.log')),
    emit: (c, p) => events.push([c, p]),
    os: {
      revealInFolder: (p) => os.revealed.push(p),
      openExternal: async (u) => void os.opened.push(u),
      copyText: (t) => os.copied.push(t),
      pickFolder: async () => join(dir, 'picked'),
      pickSavePath: async (req) => {
        const p = join(dir, 'exports', req.defaultPath.split('/').pop()!)
        os.saveTo.push(p)
        return p
      },
      printToPdf: async () => {
        throw new Error('no Chromium in this test')
      },
    },
    scratchDir: () => mkdtempSync(join(dir, 'scratch-')),
    defaultExportDir: join(dir, 'exports'),
    ...over,
  }
  return { deps, events, os }
}
