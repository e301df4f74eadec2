import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { scan } from '../../../../src/core/engine/scan'
import { isPlainArchive } from '../../../../src/core/scanners/candidate'
import { scanModelFile } from '../../../../src/core/scanners/scan-file'
import { openDb } from '../../../../src/core/storage/db'
import { openInventoryReader } from '../../../../src/core/storage/inventory-reader'
import { write } from '../../../fixtures/generators/fake-home'
import { callPickle, executablePrefix } from '../../../fixtures/generators/pickle/fixtures'
import { buildZip } from '../../../fixtures/generators/pickle/zip-writer'
import { buildGguf } from '../../../fixtures/generators/structured/gguf'

const cleanup: string[] = []
afterEach(() => cleanup.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))
const text = (name: string) => ({ name, data: Buffer.from(`${name}\n`) })
const gguf = buildGguf({
  kv: [{ key: 'general.architecture', type: 'string', value: 'llama' }],
}).bytes

/** Issue 15 item 9: precision outside the home. */
describe('executable archives and archives of data', () => {
  for (const kind of ['ELF', 'PE', 'Mach-O', 'script'] as const) {
    it(`judges a zip behind a ${kind} header as an executable archive, not a polyglot`, async () => {
      const home = mkdtempSync(join(tmpdir(), 'exe-'))
      cleanup.push(home)
      const p = join(home, 'tool')
      write(
        p,
        buildZip([text('__main__.py'), text('lib/util.py')], { prefix: executablePrefix(kind) }),
      )
      const r = await scanModelFile(p, { hash: false })
      expect(r.format).toBe('executable-archive')
      expect(r.verdict).toBe('safe')
      expect(r.findings).toEqual([])
      expect(r.metadata).toMatchObject({ executable: kind, modelMembers: 0 })
      expect(isPlainArchive(r)).toBe(true)
    })
  }

  it('does not judge a zipapp’s own Python as model code (it runs when the program runs)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'exe-'))
    cleanup.push(home)
    const p = join(home, 'pipx-like')
    const main = 'import subprocess, os\nsubprocess.run(["git", "status"])\nos.system("ls")\n'
    write(
      p,
      buildZip([{ name: '__main__.py', data: Buffer.from(main) }], {
        prefix: executablePrefix('script'),
      }),
    )
    const r = await scanModelFile(p, { hash: false })
    expect(r.format).toBe('executable-archive')
    expect(r.findings).toEqual([])
    expect(r.verdict).toBe('safe')
    expect(isPlainArchive(r)).toBe(true)
  })

  it('keeps judging a pickle placed before the zip, whatever it starts with', async () => {
    const home = mkdtempSync(join(tmpdir(), 'exe-'))
    cleanup.push(home)
    // BININT2 'MZ' opens a valid pickle: torch.load would unpickle the prefix.
    const prefix = Buffer.concat([
      Buffer.from('MZ\x00', 'latin1'),
      Buffer.from('0'),
      callPickle('os', 'system', 'id'),
    ])
    const p = join(home, 'model.pt')
    write(p, buildZip([text('a.txt')], { prefix }))
    const r = await scanModelFile(p, { hash: false })
    expect(r.findings.map((f) => f.ruleId)).toContain('zip.polyglot-prefix')
    expect(r.verdict).toBe('malicious')
  })

  it('lists only the executable archives and zips that hold model content in a crawl', async () => {
    const home = mkdtempSync(join(tmpdir(), 'exe-home-'))
    cleanup.push(home)
    const bin = join(home, 'usr', 'bin')
    write(
      join(bin, 'zipapp'),
      buildZip([text('__main__.py')], { prefix: executablePrefix('script') }),
    )
    write(
      join(bin, 'sqlite-like'),
      buildZip([text('data.txt')], { prefix: executablePrefix('ELF') }),
    )
    write(
      join(home, 'usr', 'share', 'public_suffix_list.dat'),
      buildZip([text('aaa'), text('abb')]),
    )
    write(
      join(bin, 'mistral-7b'),
      buildZip([{ name: 'weights.gguf', data: gguf }], { prefix: executablePrefix('PE') }),
    )
    write(
      join(bin, 'dropper'),
      buildZip([{ name: 'payload.pkl', data: callPickle('os', 'system', 'id') }], {
        prefix: executablePrefix('ELF'),
      }),
    )
    const db = openDb(join(home, 'inv.db'))
    await scan(db, {
      home: join(home, 'home-dir-unused'),
      roots: [join(home, 'usr')],
      env: {},
      hash: false,
    })
    const r = openInventoryReader(db)
    const models = [...r.assets()].filter((a) => a.kind === 'model')
    expect(models.map((a) => a.path).sort()).toEqual([
      join(bin, 'dropper'),
      join(bin, 'mistral-7b'),
    ])
    expect(models.find((a) => a.path.endsWith('dropper'))?.verdict).toBe('malicious')
    const findings = [...r.findings()]
    // The one finding outside the dropper: an executable with a model inside (a llamafile) is a
    // program, said at low severity; zipapps and tools with data say nothing.
    expect(
      findings.filter((f) => !f.path.endsWith('dropper')).map((f) => [f.ruleId, f.path]),
    ).toEqual([['archive.executable', join(bin, 'mistral-7b')]])
    db.close()
  })
})
