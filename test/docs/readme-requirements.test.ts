import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import semver from 'semver'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(__dirname, '../..')
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8')
const json = (p: string) => JSON.parse(read(p)) as { engines?: { node?: string } }

/** Issue 15 item 16: the README says which Node is needed and that .ci/run needs root. */
describe('README requirements', () => {
  const readme = read('README.md')
  const setup = readme.slice(0, readme.indexOf('## The `aiscout` CLI'))

  it('names the Node range of the engines field and the one the installed Electron declares', () => {
    const ours = json('package.json').engines?.node
    const electron = json('node_modules/electron/package.json').engines?.node
    expect(ours).toBeTruthy()
    expect(electron).toBeTruthy()
    expect(setup).toContain(`\`${ours}\``)
    expect(setup).toContain(`\`${electron}\``)
  })

  it('admits the running Node and agrees with the installed Electron', () => {
    const ours = json('package.json').engines!.node!
    const electron = json('node_modules/electron/package.json').engines!.node!
    expect(semver.validRange(ours)).not.toBeNull()
    expect(semver.satisfies(process.versions.node, ours)).toBe(true)
    // The app runs on the Node Electron bundles: the oldest one Electron accepts must satisfy ours.
    const oldest = semver.minVersion(electron)
    expect(oldest).not.toBeNull()
    expect(semver.satisfies(oldest!, ours), `${oldest!.version} in ${ours}`).toBe(true)
  })

  it('says .ci/run installs Debian packages as root, and names every package it installs', () => {
    const ci = read('.ci/run')
    expect(ci).toMatch(/apt-get install/)
    expect(setup).toMatch(/as root/)
    for (const [, pkg] of ci.matchAll(/need_apt\+=\(([\w-]+)\)/g)) expect(setup).toContain(pkg)
  })
})
