import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import semver from 'semver'
import { describe, expect, it } from 'vitest'

const ROOT = join(__dirname, '..', '..')
const require = createRequire(join(ROOT, 'package.json'))

type Manifest = { version: string; engines?: { node?: string } }
const read = (file: string): Manifest => JSON.parse(readFileSync(file, 'utf8')) as Manifest

/**
 * The app runs on the Node that Electron bundles and the CLI, tests and server on the system Node:
 * one `engines` range must admit both, or `npm ci` would refuse the app's own runtime.
 */
describe('the engines field', () => {
  const ours = read(join(ROOT, 'package.json')).engines?.node ?? ''
  const electron = read(require.resolve('electron/package.json'))
  const electronNode = electron.engines?.node ?? ''

  it('is a valid range that admits the Node running this suite', () => {
    expect(semver.validRange(ours)).not.toBeNull()
    expect(semver.satisfies(process.versions.node, ours)).toBe(true)
  })

  it('agrees with the installed Electron: the oldest Node Electron accepts satisfies ours', () => {
    expect(semver.validRange(electronNode), `electron ${electron.version}`).not.toBeNull()
    const oldest = semver.minVersion(electronNode)
    expect(oldest).not.toBeNull()
    expect(semver.satisfies(oldest!, ours), `${oldest!.version} in ${ours}`).toBe(true)
    expect(semver.intersects(ours, electronNode)).toBe(true)
  })

  it('is what the README states', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    expect(readme).toContain(`Needs Node \`${ours}\``)
    expect(readme).toContain(`\`>= ${semver.minVersion(electronNode)!.version}\``)
  })
})
