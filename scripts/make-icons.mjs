// Renders build/icon.svg to build/icon.png (1024x1024) with Debian Chromium, for electron-builder
// (which derives the .icns, .ico and Linux sizes from it). Run after changing the SVG; the PNG is
// committed so packaging needs no browser.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

const root = join(import.meta.dirname, '..')
const svg = readFileSync(join(root, 'build/icon.svg'), 'utf8')
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
})
try {
  const page = await browser.newPage({ viewport: { width: 1024, height: 1024 } })
  await page.setContent(
    `<html><body style="margin:0;background:transparent">${svg.replace('<svg ', '<svg width="1024" height="1024" ')}</body></html>`,
  )
  await page.screenshot({ path: join(root, 'build/icon.png'), omitBackground: true })
} finally {
  await browser.close()
}
