import fg from 'fast-glob'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import picomatch from 'picomatch'
import { afterAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { sqliteNativeBinding } from '../../src/main/native'

const ROOT = resolve(__dirname, '../..')
const config = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as {
  directories: { buildResources: string }
  files: string[]
  asarUnpack?: string[]
  extraResources: { from: string; to: string; filter: string[] }[]
  npmRebuild: boolean
  linux: { target: string[]; icon: string }
  mac: { target: string[]; icon: string; entitlements: string; entitlementsInherit: string }
  win: { target: string[]; icon: string }
}
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  main: string
  scripts: Record<string, string>
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}
const abi = readFileSync(join(ROOT, 'node_modules/electron/abi_version'), 'utf8').trim()
const tmp = mkdtempSync(join(tmpdir(), 'aiscout-pkg-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** What electron-builder's `files` keeps: a positive pattern matches and no negated one does. */
function packed(path: string): boolean {
  const pos = config.files.filter((p) => !p.startsWith('!'))
  const neg = config.files.filter((p) => p.startsWith('!')).map((p) => p.slice(1))
  return (
    pos.some((p) => picomatch(p, { dot: true })(path)) &&
    !neg.some((p) => picomatch(p, { dot: true })(path))
  )
}

describe('electron-builder config (checked here; packaging runs only on developer machines)', () => {
  it('targets AppImage and deb, dmg and nsis, with native modules not rebuilt against Node', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    expect(config.mac.target).toEqual(['dmg'])
    expect(config.win.target).toEqual(['nsis'])
    expect(config.npmRebuild).toBe(false)
  })

  it('every file pattern matches what `npm run build` wrote, and the app entry points are packed', () => {
    for (const p of config.files.filter((x) => !x.startsWith('!') && !x.includes('node_modules')))
      expect(fg.sync(p, { cwd: ROOT, dot: true }).length, p).toBeGreaterThan(0)
    for (const f of [
      pkg.main.replace(/^\.\//, ''),
      'out/main/scan-worker.js',
      'out/main/db-worker.js',
      'out/preload/index.js',
      'out/renderer/index.html',
      'out/main/analysis-worker.js',
      'package.json',
    ]) {
      expect(existsSync(join(ROOT, f)), `${f} exists after npm run build`).toBe(true)
      expect(packed(f), `${f} is packed`).toBe(true)
    }
    for (const f of fg.sync('out/renderer/assets/*', { cwd: ROOT })) expect(packed(f), f).toBe(true)
    // The Node-ABI build of better-sqlite3 stays out; the CLI bundle too.
    expect(packed('node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(false)
    expect(packed('out/cli/aiscout.js')).toBe(false)
  })

  it('hands the scan worker the analysis worker beside it, and packs no native code into the asar', () => {
    // Model files are analysed in worker threads started from out/main/analysis-worker.js; Electron
    // (since 18) loads worker_threads scripts from inside app.asar, so nothing needs unpacking.
    expect(readFileSync(join(ROOT, 'out/main/scan-worker.js'), 'utf8')).toContain(
      'analysis-worker.js',
    )
    expect(config.asarUnpack).toBeUndefined()
    // A .node file cannot load from inside an asar archive: the only one the app uses (SQLite)
    // comes from extraResources.
    expect(fg.sync('out/**/*.node', { cwd: ROOT }).filter((f) => packed(f))).toEqual([])
  })

  it('ships the Electron-ABI better-sqlite3 where the app looks for it', () => {
    const [res] = config.extraResources
    expect(res!.from).toBe(`native/electron-abi${abi}`)
    expect(res!.to).toBe(`native/electron-abi${abi}`)
    // scripts/electron-native.mjs writes there (it needs Electron's headers: developer machines).
    expect(readFileSync(join(ROOT, 'scripts/electron-native.mjs'), 'utf8')).toContain(
      "'native', `electron-abi${abi}`",
    )
    const resources = join(tmp, 'resources')
    const binding = join(resources, res!.to, 'better_sqlite3.node')
    mkdirSync(join(resources, res!.to), { recursive: true })
    writeFileSync(binding, '')
    expect(sqliteNativeBinding(resources, { electron: '45.5.0', modules: abi })).toBe(binding)
    expect(sqliteNativeBinding(resources, { modules: abi })).toBeUndefined()
  })

  it('has its icon and macOS entitlements, and electron-builder never runs in CI', () => {
    const icon = readFileSync(join(ROOT, config.linux.icon))
    expect(icon.subarray(1, 4).toString()).toBe('PNG')
    expect(icon.readUInt32BE(16)).toBeGreaterThanOrEqual(512)
    expect(icon.readUInt32BE(20)).toBeGreaterThanOrEqual(512)
    for (const f of [config.mac.entitlements, config.mac.entitlementsInherit])
      expect(readFileSync(join(ROOT, f), 'utf8')).toContain('com.apple.security.cs.allow-jit')
    expect(
      pkg.dependencies['electron-builder'] ?? pkg.devDependencies['electron-builder'],
    ).toBeUndefined()
    expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).not.toMatch(
      /electron-builder|npm run package/,
    )
    expect(pkg.scripts.test).not.toMatch(/package|electron-builder/)
    expect(pkg.scripts.package).toMatch(/electron-native\.mjs.*npm run build.*electron-builder/)
    expect(() => createRequire(__filename).resolve('electron-builder')).toThrow()
  })
})
