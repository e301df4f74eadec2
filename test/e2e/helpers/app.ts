import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { createHandlers } from '../../../src/main/handlers'
import type { AppHandlers, HandlerDeps } from '../../../src/main/handlers'
import { createIpcRouter } from '../../../src/main/ipc-router'
import type { IpcHandlers } from '../../../src/shared/ipc'
import { createAppLog } from '../../../src/main/log'
import { eventEmitter, installApiShim } from '../../helpers/api-shim'

export const ROOT = resolve(__dirname, '../../..')
export const RENDERER = join(ROOT, 'out/renderer')
const OUT_MAIN = join(ROOT, 'out/main')
export const SCREENS = join(ROOT, 'test-results', 'screens')
/** Screens the README shows: copied into docs/screenshots when UPDATE_SCREENSHOTS=1. */
export const DOCS_SHOTS = join(ROOT, 'docs', 'screenshots')

export type Recorder = {
  /** Every IPC reply and event payload, serialised. */
  payloads: string[]
  revealed: string[]
  copied: string[]
  opened: string[]
  exports: string[]
}

export type OpenApp = Readonly<{
  page: Page
  app: AppHandlers
  rec: Recorder
  errors: string[]
  /** Restarts the handler table (main process) and reloads the page over it. */
  restart(): Promise<void>
  close(): Promise<void>
}>

/**
 * The desktop app in Chromium: the built renderer served over loopback, `window.api` over the real
 * handler table and router (the same code Electron main registers), backed by the real workers,
 * core and a real SQLite file. OS integrations (dialogs, shell, clipboard) are recorded; PDF
 * printing uses Chromium's own printer, as Electron's printToPDF does.
 */
export async function openApp(
  browser: Browser,
  url: string,
  opts: Readonly<{
    dbPath: string
    home: string
    env?: Readonly<Record<string, string>>
    exportDir?: string
    deps?: Partial<HandlerDeps>
    /** Channels another part of main answers (the background controller), over the table. */
    extra?: Partial<IpcHandlers>
    /** Every reply waits this long first (a slow machine: loading states stay on screen). */
    replyDelayMs?: number
  }>,
): Promise<OpenApp> {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-app-'))
  const exportDir = opts.exportDir ?? join(dir, 'exports')
  mkdirSync(exportDir, { recursive: true })
  const rec: Recorder = { payloads: [], revealed: [], copied: [], opened: [], exports: [] }
  const errors: string[] = []
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  page.on('pageerror', (e) => errors.push(e.message))
  let current: Page | undefined = page
  const deps: HandlerDeps = {
    dbPath: opts.dbPath,
    home: opts.home,
    user: 'tester',
    hostname: 'test-laptop',
    scanWorkerPath: join(OUT_MAIN, 'scan-worker.js'),
    dbWorkerPath: join(OUT_MAIN, 'db-worker.js'),
    app: {
      version: '0.1.0',
      platform: 'linux',
      arch: 'x64',
      versions: { node: process.versions.node },
    },
    log: createAppLog(join(dir, 'logs', 'aiscout.log')),
    emit: eventEmitter(
      () => current,
      (c, p) => rec.payloads.push(`${c} ${JSON.stringify(p)}`),
    ),
    os: {
      revealInFolder: (p) => void rec.revealed.push(p),
      openExternal: async (u) => void rec.opened.push(u),
      copyText: (t) => void rec.copied.push(t),
      pickFolder: async () => join(opts.home, 'projects'),
      pickSavePath: async (req) => {
        const p = join(exportDir, req.defaultPath.split(/[\\/]/).pop()!)
        rec.exports.push(p)
        return p
      },
      async printToPdf(htmlPath, pdfPath) {
        const printer = await browser.newPage()
        try {
          await printer.goto(pathToFileURL(htmlPath).href)
          await printer.pdf({ path: pdfPath, format: 'A4', printBackground: true })
        } finally {
          await printer.close()
        }
      },
    },
    scratchDir: () => mkdtempSync(join(dir, 'scratch-')),
    defaultExportDir: exportDir,
    ...opts.deps,
  }
  let app = createHandlers(deps)
  let router = createIpcRouter({ ...app.handlers, ...opts.extra })
  const delay = opts.replyDelayMs ?? 0
  const invoke: typeof router.invoke = async (c, a) => {
    const reply = await router.invoke(c, a)
    if (delay > 0) await new Promise((r) => setTimeout(r, delay))
    return reply
  }
  await installApiShim(page, { invoke }, (channel, _args, reply) =>
    rec.payloads.push(`${channel} ${JSON.stringify(reply)}`),
  )
  await page.goto(url)
  return {
    page,
    get app() {
      return app
    },
    rec,
    errors,
    async restart() {
      await app.close()
      app = createHandlers(deps)
      router = createIpcRouter({ ...app.handlers, ...opts.extra })
      await page.reload()
    },
    async close() {
      current = undefined
      await page.close()
      await app.close()
    },
  }
}

/** Saves the page at 1280x800 in the current theme; README shots also go to docs/ on request. */
export async function shoot(
  page: Page,
  name: string,
  opts: { docs?: boolean } = {},
): Promise<void> {
  mkdirSync(SCREENS, { recursive: true })
  // Toasts come and go with timing; screenshots show the screen itself.
  await page.evaluate(() =>
    document.querySelector<HTMLElement>('.toasts')?.style.setProperty('visibility', 'hidden'),
  )
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' })
    // Let layout settle after the theme switch.
    await page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
    )
    const file = join(SCREENS, `${name}-${scheme}.png`)
    await page.screenshot({ path: file })
    if (opts.docs && process.env.UPDATE_SCREENSHOTS === '1') {
      mkdirSync(DOCS_SHOTS, { recursive: true })
      copyFileSync(file, join(DOCS_SHOTS, `${name}-${scheme}.png`))
    }
  }
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' })
  await page.evaluate(() =>
    document.querySelector<HTMLElement>('.toasts')?.style.removeProperty('visibility'),
  )
}
