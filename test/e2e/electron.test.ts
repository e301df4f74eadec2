import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { _electron } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { API_CHANNELS, API_EVENTS } from '../../src/shared/ipc'

const ROOT = resolve(__dirname, '../..')

/**
 * Finds an Electron binary without `require('electron')` (Electron 45 starts a download on
 * require). The binary cannot be downloaded on machines without internet access: there this
 * suite is skipped with that reason, and the renderer is covered in Chromium instead.
 */
function electronBinary(): { path?: string; why: string } {
  if (process.env.ELECTRON_PATH && existsSync(process.env.ELECTRON_PATH))
    return { path: process.env.ELECTRON_PATH, why: '' }
  try {
    const dir = dirname(createRequire(__filename).resolve('electron/package.json'))
    const rel = readFileSync(join(dir, 'path.txt'), 'utf8').trim()
    const bin = join(dir, 'dist', rel)
    if (existsSync(bin)) return { path: bin, why: '' }
    return {
      why: `no Electron binary at ${bin} (it is downloaded on first use, which needs internet access)`,
    }
  } catch {
    return {
      why: 'electron/path.txt is missing: the Electron binary was never downloaded on this machine',
    }
  }
}

const electron = electronBinary()
if (!electron.path) console.warn(`skipping real-Electron test: ${electron.why}`)

describe.skipIf(!electron.path)(
  `desktop app in real Electron${electron.path ? '' : ` (skipped: ${electron.why})`}`,
  () => {
    it('opens a sandboxed window that shows the summary and exposes only window.api', async () => {
      const app = await _electron.launch({
        executablePath: electron.path!,
        args: [ROOT, '--no-sandbox'],
      })
      const win = await app.firstWindow()
      await win.getByTestId('scan-now').waitFor()
      expect(await win.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
        'undefined',
      )
      expect(
        await win.evaluate(() =>
          Object.keys((globalThis as unknown as { api: object }).api).sort(),
        ),
      ).toEqual([...Object.keys(API_CHANNELS), ...Object.keys(API_EVENTS)].sort())
      mkdirSync(join(ROOT, 'test-results'), { recursive: true })
      await win.screenshot({ path: join(ROOT, 'test-results/electron.png') })
      await app.close()
    })
  },
)
