import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { createBackground } from '../../../src/main/background'
import type { Background, BackgroundDeps } from '../../../src/main/background'
import { createWatcherHost, forkLink } from '../../../src/main/watcher-host'
import { launchChromium, serveDir } from '../../helpers/chromium'
import { makeDemoHome } from '../../helpers/demo-home'
import type { DemoHome } from '../../helpers/demo-home'
import { openApp, ROOT } from './app'
import type { OpenApp } from './app'

/** What a browser suite's tests share; filled in before its first test. */
export type RendererSuite = {
  browser: Browser
  /** The built renderer, served on loopback. */
  url: string
  /** A folder of the suite's own, removed after its tests. */
  readonly tmp: string
}

export type DemoAppSuite = RendererSuite & {
  /** The inventory the app opens: `tmp/inv.db`. */
  readonly dbPath: string
  demo: DemoHome
  /** The app open on the demo home, for every test of the suite. */
  app: OpenApp
}

type Served = { close(): Promise<void> }

/** The watcher process as the app's build makes it. */
export const WATCHER_PROCESS = 'out/main/watcher-process.js'
const WATCHER = join(ROOT, WATCHER_PROCESS)

/**
 * Chromium and the built renderer for the tests of the describe it is called in: started before
 * them (a missing build output fails the suite with what to run, never skips it) and closed after,
 * with the suite's temporary folder. `needs`: other build outputs the suite uses, from the root.
 */
export function rendererSuite(prefix: string, needs: readonly string[] = []): RendererSuite {
  const s = { tmp: mkdtempSync(join(tmpdir(), prefix)) } as RendererSuite
  let served: Served | undefined
  beforeAll(async () => {
    served = await start(s, needs)
  })
  afterAll(async () => {
    await stop(s, served)
  })
  return s
}

/**
 * rendererSuite with the demo home (demo-home.ts) and the app open on it, its inventory at
 * `tmp/inv.db`: `prepare` runs before the app opens, `options` adds to openApp's, and `scan`
 * runs a first scan through Scan now before the tests. Closed in order after the tests: the app,
 * then the browser and the server, then the folders.
 */
export function demoAppSuite(
  prefix: string,
  setup: Readonly<{
    prepare?(demo: DemoHome, tmp: string): void
    options?(tmp: string): Partial<Parameters<typeof openApp>[2]>
    scan?: boolean
    /** For the set-up, first scan included (a slow reply delay makes it longer). */
    timeoutMs?: number
  }> = {},
): DemoAppSuite {
  const tmp = mkdtempSync(join(tmpdir(), prefix))
  const s = { tmp, dbPath: join(tmp, 'inv.db') } as DemoAppSuite
  let served: Served | undefined
  beforeAll(async () => {
    served = await start(s, [])
    s.demo = makeDemoHome()
    setup.prepare?.(s.demo, s.tmp)
    s.app = await openApp(s.browser, s.url, {
      dbPath: s.dbPath,
      home: s.demo.home,
      ...setup.options?.(s.tmp),
    })
    if (setup.scan) {
      await s.app.page.getByTestId('scan-now').click()
      await s.app.page
        .getByTestId('scan-outcome')
        .getByText('Scan complete')
        .waitFor({ timeout: setup.timeoutMs ?? 90_000 })
    }
  }, setup.timeoutMs)
  afterAll(async () => {
    await s.app?.close()
    await stop(s, served)
    s.demo?.remove()
  })
  return s
}

async function start(s: RendererSuite, needs: readonly string[]): Promise<Served> {
  const missing = ['out/renderer/index.html', ...needs].filter((p) => !existsSync(join(ROOT, p)))
  if (missing.length > 0)
    throw new Error(`${missing.join(' and ')} missing: run \`npm run build\` first`)
  s.browser = await launchChromium()
  const served = await serveDir(join(ROOT, 'out/renderer'))
  s.url = served.url
  return served
}

async function stop(s: RendererSuite, served: Served | undefined): Promise<void> {
  await s.browser?.close()
  await served?.close()
  rmSync(s.tmp, { recursive: true, force: true })
}

/**
 * The background controller as Electron main wires it, over the real watcher process
 * (out/main/watcher-process.js); the OS integrations it is not given do nothing.
 */
export function watcherBackground(
  deps: Pick<BackgroundDeps, 'baseConfig' | 'settings' | 'scanNow' | 'emit'> &
    Partial<BackgroundDeps>,
): Background {
  const host = createWatcherHost({
    spawn: () => forkLink(WATCHER),
    onMessage: (m) => bg.onWatcherMessage(m),
  })
  const bg: Background = createBackground({
    host,
    saveSettings: () => undefined,
    applyLaunchAtLogin: () => undefined,
    lastFullScan: () => undefined,
    onBattery: async () => false,
    showTray: () => undefined,
    notify: () => undefined,
    log: () => undefined,
    openWindow: () => undefined,
    quit: () => undefined,
    ...deps,
  })
  return bg
}
