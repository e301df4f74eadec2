import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import type { ReportFormat } from '../../../src/core/report/index'
import { REPORT_FORMATS, REPORT_WRITERS, writeReport } from '../../../src/core/report/index'
import { fixtureInventory } from '../../fixtures/generators/inventory'
import { OPTS, render } from './helpers'

const fx = fixtureInventory({ secretValue: 'sk-stream-PLANTED-0123456789abcdef' })

/** A slow sink with a tiny buffer: write() returns false almost always, so the writer must wait for 'drain'. */
function slowSink(): { out: Writable; text: () => string; ended: () => boolean } {
  const chunks: Buffer[] = []
  let ended = false
  const out = new Writable({
    highWaterMark: 256,
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk)
      setTimeout(cb, 1)
    },
    final(cb) {
      ended = true
      cb()
    },
  })
  return { out, text: () => Buffer.concat(chunks).toString('utf8'), ended: () => ended }
}

describe('streaming', () => {
  it('the registry lists every format once, in REPORT_FORMATS order', () => {
    expect(REPORT_WRITERS.map((w) => w.format)).toEqual([...REPORT_FORMATS])
  })

  it.each(REPORT_FORMATS)(
    '%s honours backpressure and leaves the stream open',
    async (format: ReportFormat) => {
      const s = slowSink()
      await writeReport(format, fx.inv, s.out, OPTS)
      expect(s.ended()).toBe(false)
      const expected = await render(format, fx.inv)
      if (format === 'cyclonedx') {
        // serialNumber is random per document; everything else is identical.
        const strip = (t: string) => t.replace(/urn:uuid:[0-9a-f-]+/, '')
        expect(strip(s.text())).toBe(strip(expected))
      } else if (format === 'sarif' || format === 'html' || format === 'json' || format === 'csv') {
        expect(s.text()).toBe(expected)
      }
    },
  )

  it('rejects an unknown format', async () => {
    await expect(writeReport('pdf' as ReportFormat, fx.inv, slowSink().out, OPTS)).rejects.toThrow(
      /unknown report format: pdf/,
    )
  })

  it('rejects when the stream fails', async () => {
    const out = new Writable({
      write(_c, _e, cb) {
        cb(new Error('disk full'))
      },
    })
    out.on('error', () => undefined)
    await expect(writeReport('json', fx.inv, out, OPTS)).rejects.toThrow(/disk full/)
  })
})
