import { describe, expect, it } from 'vitest'
import { bufferSource } from '../../../src/core/scanners/byte-source'
import { scanSource, withSeverity } from '../../../src/core/scanners/scan-source'
import { verdictOf } from '../../../src/core/scanners/verdict'
import { PickleWriter } from '../../fixtures/generators/pickle/pickle-writer'

function verdict(bytes: Buffer, name = 'x.bin') {
  const r = scanSource(bufferSource(bytes, name), { path: `/tmp/${name}` })
  const findings = r.findings.map(withSeverity)
  return {
    format: r.format,
    verdict: verdictOf(
      findings.map((f) => f.severity),
      r.invalid !== undefined,
    ),
    findings,
  }
}

describe('scanner bypasses found in review', () => {
  it('a malicious pickle carrying the HDF5 signature at byte 512 is parsed as a pickle, not passed as HDF5', () => {
    const evil = new PickleWriter().proto(2).callGlobal('posix', 'system', 'id').stop().bytes()
    const file = Buffer.alloc(700)
    evil.copy(file, 0)
    Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]).copy(file, 512)
    const r = verdict(file)
    expect(r.format).toBe('pickle')
    expect(r.verdict).toBe('malicious')
  })

  it('a dangerous call after 2,000 distinct unknown imports still makes the file malicious', () => {
    const w = new PickleWriter().proto(2)
    for (let i = 0; i < 2000; i++) w.global('mylib', `C${i}`).op(0x30) // GLOBAL then POP
    const bytes = w.callGlobal('posix', 'system', 'id').stop().bytes()
    const r = verdict(bytes)
    expect(r.verdict).toBe('malicious')
    expect(r.findings.some((f) => f.severity === 'critical' && f.callable === 'posix.system')).toBe(
      true,
    )
  })

  it('pathlib filesystem methods reached through an allowed class are critical, the class alone is not', () => {
    const write = new PickleWriter()
      .proto(2)
      .callGlobal('pathlib', 'Path.write_text', 'x')
      .stop()
      .bytes()
    expect(verdict(write).verdict).toBe('malicious')
    const path = new PickleWriter()
      .proto(2)
      .callGlobal('pathlib', 'PosixPath', '/tmp/x')
      .stop()
      .bytes()
    expect(verdict(path).verdict).toBe('safe')
  })
})
