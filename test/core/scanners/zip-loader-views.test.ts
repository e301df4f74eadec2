import { describe, expect, it } from 'vitest'
import {
  callPickle,
  executablePrefix,
  torchStateDictPickle,
  torchZip,
} from '../../fixtures/generators/pickle/fixtures'
import { buildZip } from '../../fixtures/generators/pickle/zip-writer'
import { buildGguf } from '../../fixtures/generators/structured/gguf'
import {
  twoDirectoryTorchZip,
  twoEndRecordTorchZip,
} from '../../fixtures/generators/pickle/zip-views'
import { bytesScanner } from '../../helpers/scan-bytes'

const { scan } = bytesScanner('aiscout-zip-views-')

const EVIL = callPickle('os', 'system', 'id')
const HARMLESS = torchStateDictPickle(1)
const anomalies = (r: Awaited<ReturnType<typeof scan>>) =>
  r.findings.filter((f) => f.ruleId === 'zip.header-anomaly').map((f) => f.message)

/**
 * Members are scanned as each loader resolves them: PyTorch finds records through miniz, which
 * compares names case-insensitively and reads the central directory at the offset the end record
 * states; Python's zipfile locates it from the end record's position instead.
 */
describe('zip members as each loader resolves them', () => {
  it('a data.PKL in an archive folder named data is the pickle torch.load reads', async () => {
    const r = await scan(
      'case.pt',
      buildZip([
        { name: 'data/data.PKL', data: EVIL },
        { name: 'data/version', data: Buffer.from('3\n') },
        { name: 'data/decoy.pkl', data: HARMLESS },
        { name: 'data/byteorder', data: Buffer.from('little') },
      ]),
    )
    expect(r.format).toBe('pytorch-zip')
    expect(r.verdict).toBe('malicious')
    expect(r.findings.find((f) => f.callable === 'os.system')?.member).toBe('data/data.PKL')
  })

  it('an upper-case DATA.PKL alone still makes the archive a torch checkpoint', async () => {
    const r = await scan(
      'upper.pt',
      buildZip([
        { name: 'archive/DATA.PKL', data: HARMLESS },
        { name: 'archive/data/0', data: Buffer.alloc(16) },
        { name: 'archive/version', data: Buffer.from('3\n') },
      ]),
    )
    expect(r.format).toBe('pytorch-zip')
    expect(r.verdict).toBe('safe')
  })

  it('members whose names differ only in case are all scanned and reported', async () => {
    const r = await scan(
      'collide.pt',
      buildZip([
        { name: 'archive/data.pkl', data: HARMLESS },
        { name: 'archive/Data.pkl', data: EVIL },
        { name: 'archive/version', data: Buffer.from('3\n') },
      ]),
    )
    expect(r.verdict).toBe('malicious')
    expect(anomalies(r).some((m) => m.includes('"archive/Data.pkl"'))).toBe(true)
  })

  it('tensor payloads of an ordinary checkpoint are still not read or reported', async () => {
    const r = await scan('plain.pt', torchZip(HARMLESS))
    expect(r.verdict).toBe('safe')
    expect(r.findings).toEqual([])
  })

  it('a second directory at the recorded offset (what miniz reads) is scanned', async () => {
    const r = await scan('two-dirs.pt', twoDirectoryTorchZip(HARMLESS, EVIL))
    expect(r.format).toBe('pytorch-zip')
    expect(r.verdict).toBe('malicious')
    expect(anomalies(r).some((m) => m.includes('another central directory'))).toBe(true)
  })

  it('the directory zipfile reads is scanned when the recorded one is the decoy', async () => {
    const r = await scan('two-dirs-b.pt', twoDirectoryTorchZip(EVIL, HARMLESS))
    expect(r.verdict).toBe('malicious')
  })

  it('an end record hidden in another end record comment: both directories are scanned', async () => {
    const r = await scan('two-eocd.pt', twoEndRecordTorchZip(HARMLESS, EVIL))
    expect(r.verdict).toBe('malicious')
    expect(anomalies(r).some((m) => m.includes('end record at offset'))).toBe(true)
  })

  it('a prefix that shifts every offset (self-extractor) adds no directory view', async () => {
    const zip = buildZip([{ name: 'model/weights.pkl', data: HARMLESS }])
    const r = await scan('sfx.bin', Buffer.concat([executablePrefix('ELF', 4096), zip]))
    expect(r.findings.map((f) => f.ruleId)).toEqual(['archive.executable'])
  })

  it('a stored zip as the last member adds no view of its own', async () => {
    const inner = buildZip([{ name: 'a.pkl', data: HARMLESS }])
    const r = await scan('outer.zip', buildZip([{ name: 'inner.zip', data: inner }]))
    expect(anomalies(r)).toEqual([])
    expect(r.verdict).toBe('safe')
  })

  it('a GGUF with a zip appended, named .keras, is also scanned as the zip Keras opens', async () => {
    const gguf = buildGguf({
      version: 3,
      kv: [{ key: 'general.architecture', type: 'string', value: 'llama' }],
      tensors: [],
    }).bytes
    const bytes = Buffer.concat([gguf, buildZip([{ name: 'payload.pkl', data: EVIL }])])
    const r = await scan('model.keras', bytes)
    expect(r.format).toBe('gguf')
    expect(r.verdict).toBe('malicious')
    expect(r.findings.map((f) => f.ruleId)).toContain('zip.polyglot-prefix')
    // llama.cpp reads a .gguf as GGUF only: no zip loader opens the same bytes under that name.
    const g = await scan('model.gguf', bytes)
    expect(g.findings.map((f) => f.ruleId)).not.toContain('zip.polyglot-prefix')
  })
})
