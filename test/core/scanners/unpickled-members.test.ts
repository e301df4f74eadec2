import { describe, expect, it } from 'vitest'
import { benignPickle, zstdRaw } from '../../fixtures/generators/repo/archives'
import { buildSevenZip } from '../../fixtures/generators/repo/seven-zip-writer'
import { exoticPickle, legacyTorchTar } from '../../fixtures/generators/pickle/polyglots'
import { buildTar } from '../../fixtures/generators/pickle/tar-writer'
import { bytesScanner } from '../../helpers/scan-bytes'

const { scan } = bytesScanner('aiscout-unpickled-')

const EVIL = exoticPickle('I0x1\n0')
const NOT_A_PICKLE = Buffer.from('\xde\xad\xbe\xef not a pickle at all', 'latin1')

/**
 * Content a loader unpickles (torch.load's legacy tar members, a `.pkl` that pandas reads from a
 * compressed file, a `.pkl` in any archive) is scanned as a pickle, and when it does not parse it
 * is reported instead of being dropped as an unknown member.
 */
describe('members a loader unpickles', () => {
  it('a legacy torch tar without sys_info is a torch checkpoint: storages is scanned', async () => {
    const r = await scan('storages.pt', legacyTorchTar({ storages: EVIL }))
    expect(r.format).toBe('pytorch-tar')
    expect(r.verdict).toBe('malicious')
    expect(r.findings.find((f) => f.callable === 'os.system')?.member).toBe('storages')
  })

  it('a legacy torch tar without sys_info: the main pickle is scanned', async () => {
    const r = await scan('pickle.pt', legacyTorchTar({ pickle: EVIL }))
    expect(r.format).toBe('pytorch-tar')
    expect(r.verdict).toBe('malicious')
    expect(r.findings.find((f) => f.callable === 'os.system')?.member).toBe('pickle')
  })

  it('a torch tar whose main pickle does not parse is not safe', async () => {
    for (const sysInfo of [undefined, Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e])]) {
      const r = await scan('bad-pickle.pt', legacyTorchTar({ pickle: NOT_A_PICKLE, sysInfo }))
      expect(r.format).toBe('pytorch-tar')
      expect(r.verdict).toBe('invalid')
      expect(r.findings.map((f) => f.ruleId)).toContain('pickle.malformed')
    }
  })

  it('a plain tar member with no extension that walks as a pickle is scanned as one', async () => {
    const r = await scan('bundle.tar', buildTar([{ name: 'model', data: EVIL }]))
    expect(r.verdict).toBe('malicious')
  })

  it('a .pkl member of a tar that does not parse is reported, not dropped', async () => {
    const r = await scan('bundle2.tar', buildTar([{ name: 'weights.pkl', data: NOT_A_PICKLE }]))
    expect(r.verdict).toBe('invalid')
    expect(r.findings.map((f) => f.ruleId)).toContain('pickle.malformed')
  })

  it('a .pkl.zst holding an exotic-opening pickle is malicious (pandas.read_pickle reads it)', async () => {
    const r = await scan('frame.pkl.zst', zstdRaw(EVIL))
    expect(r.format).toBe('zstd')
    expect(r.verdict).toBe('malicious')
  })

  it('a .pkl.zst whose content is no pickle is not safe', async () => {
    const r = await scan('frame2.pkl.zst', zstdRaw(NOT_A_PICKLE))
    expect(r.verdict).toBe('invalid')
    expect(r.findings.map((f) => f.ruleId)).toContain('pickle.malformed')
    // A compressed text file is still no finding.
    const t = await scan('notes.txt.zst', zstdRaw(Buffer.from('just notes\n')))
    expect(t.verdict).toBe('safe')
  })

  it('a .pkl member of a 7z with an exotic opening is malicious', async () => {
    const r = await scan(
      'bundle.7z',
      buildSevenZip([
        { name: 'evil.pkl', data: EVIL },
        { name: 'good.pkl', data: benignPickle() },
      ]),
    )
    expect(r.verdict).toBe('malicious')
    expect(r.findings.find((f) => f.callable === 'os.system')?.member).toBe('evil.pkl')
  })
})
