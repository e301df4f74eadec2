import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
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

  it('runs on this Node: the engines range admits the running major.minor', () => {
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number]
    const ranges = json('package.json')
      .engines!.node!.split('||')
      .map((r) => r.trim())
    const ok = ranges.some((r) => {
      const m = /^(\^|>=)(\d+)\.(\d+)\.\d+$/.exec(r)
      if (!m) throw new Error(`engines range not understood by this test: ${r}`)
      const [, op, M, m2] = m
      const [rM, rm] = [Number(M), Number(m2)]
      return op === '^' ? major === rM && minor >= rm : major > rM || (major === rM && minor >= rm)
    })
    expect(ok).toBe(true)
  })

  it('says .ci/run installs Debian packages as root, and names every package it installs', () => {
    const ci = read('.ci/run')
    expect(ci).toMatch(/apt-get install/)
    expect(setup).toMatch(/as root/)
    for (const [, pkg] of ci.matchAll(/need_apt\+=\(([\w-]+)\)/g)) expect(setup).toContain(pkg)
  })
})
