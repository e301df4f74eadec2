import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { bufferSource } from '../../../src/core/scanners/byte-source'
import { looksLikePickle, walksAsPickle } from '../../../src/core/scanners/pickle/sniff'
import { lineOk } from '../../../src/core/scanners/pickle/sniff-lines'
import { scanModelFile } from '../../../src/core/scanners/scan-file'
import {
  EXOTIC_OPENINGS,
  exoticPickle,
  hdf5UserBlockPickle,
} from '../../fixtures/generators/pickle/polyglots'

const dir = mkdtempSync(join(tmpdir(), 'aiscout-sniff-ops-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const INT = 0x49
const LONG = 0x4c
const FLOAT = 0x46
const UNICODE = 0x56
const PUT = 0x70

/**
 * The sniff must accept every protocol-0 operand CPython's unpicklers read (a stricter check is a
 * way around the scanner: the file becomes `unknown`, or a structured format claims it), and no
 * more than they read, so text is still not taken for a pickle.
 */
describe('protocol-0 operands as CPython reads them', () => {
  it('accepts INT, LONG and FLOAT spellings strtol, PyLong_FromString and float() accept', () => {
    for (const s of ['0x1', ' 1', '010', '\t1_000 ', '-0X1f', '0o17', '0b1', '00', '1\0junk', '\0'])
      expect(lineOk(INT, s), JSON.stringify(s)).toBe(true)
    for (const s of ['0x10L', '-0b101', ' 7 L', '123']) expect(lineOk(LONG, s), s).toBe(true)
    for (const s of ['infinity', 'inf', '-NaN', '.5', '5.', '1_0', ' 2.5 ', '1e-3', '1.5\0x'])
      expect(lineOk(FLOAT, s), JSON.stringify(s)).toBe(true)
    expect(lineOk(UNICODE, '\0a\rb\\u0041\\\\u')).toBe(true)
    expect(lineOk(PUT, ' 7 ')).toBe(true)
  })

  it('rejects what both unpicklers refuse', () => {
    for (const s of ['', ' ', '08', '0x', '1L', '1 2', 'one', '_1', '1__0', '+-1'])
      expect(lineOk(INT, s), JSON.stringify(s)).toBe(false)
    for (const s of ['L', '0xL', '1.5L']) expect(lineOk(LONG, s), s).toBe(false)
    for (const s of ['', '.', 'e5', '1e', 'infinit', 'nanx', '1__0', '_1', '1_', '0x1p3'])
      expect(lineOk(FLOAT, s), JSON.stringify(s)).toBe(false)
    expect(lineOk(UNICODE, 'a\\u00zz')).toBe(false)
    expect(lineOk(UNICODE, '\\U00110000')).toBe(false)
    expect(lineOk(PUT, '-1')).toBe(false)
  })

  it('walks past each exotic opening to the import behind it', () => {
    for (const [name, opening] of Object.entries(EXOTIC_OPENINGS)) {
      expect(walksAsPickle(bufferSource(exoticPickle(opening), 'x')), name).toBe(true)
      expect(looksLikePickle(exoticPickle(opening)), name).toBe(true)
    }
  })

  it('counts a numeric line padded past the read bound as a pickle (fail closed)', () => {
    const b = exoticPickle(`I${' '.repeat((1 << 20) + 100)}1\n0`)
    expect(walksAsPickle(bufferSource(b, 'x'))).toBe(true)
    // A long line that no operand can be is still not a pickle.
    const text = Buffer.from(`I${'word '.repeat(300_000)}\n`, 'latin1')
    expect(walksAsPickle(bufferSource(text, 'x'))).toBe(false)
  })

  it('still does not take text for a pickle', () => {
    for (const t of [
      'I 1 am text\n',
      'Infinity and beyond\n',
      'F nan is not a number\n',
      'L0x\nmore\n',
      'I08\n0cos\nsystem\n',
      'Final report\n',
      'Perhaps\n',
    ])
      expect(looksLikePickle(Buffer.from(t, 'latin1')), t).toBe(false)
  })

  for (const [name, opening] of Object.entries(EXOTIC_OPENINGS)) {
    it(`finds os.system behind ${name} as .pkl and .bin`, async () => {
      const i = Object.keys(EXOTIC_OPENINGS).indexOf(name)
      for (const ext of ['.pkl', '.bin']) {
        const p = join(dir, `evade-${i}${ext}`)
        writeFileSync(p, exoticPickle(opening))
        const r = await scanModelFile(p, { hash: false })
        expect(r.format, `${name} ${ext}`).toBe('pickle')
        expect(r.verdict).toBe('malicious')
        expect(r.findings.some((f) => f.callable === 'os.system')).toBe(true)
      }
    })
  }

  it('a pickle with an exotic opening in the HDF5 user block is not passed as HDF5', async () => {
    for (const ext of ['.pt', '.bin', '.pkl']) {
      const p = join(dir, `userblock${ext}`)
      writeFileSync(p, hdf5UserBlockPickle(exoticPickle('I0x1\n0')))
      const r = await scanModelFile(p, { hash: false })
      expect(r.verdict, ext).toBe('malicious')
      expect(r.findings.some((f) => f.callable === 'os.system')).toBe(true)
    }
  })
})
