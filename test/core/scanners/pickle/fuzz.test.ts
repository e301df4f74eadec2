/**
 * Mutation fuzz: bit flips, truncations, splices and opcode injections over every fixture.
 * Deterministic seed. The scanner must always return a result (format + findings), never throw,
 * and finish (the suite timeout bounds it).
 */
import { deflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { MODEL_FORMATS } from '../../../../src/core/scanners/types'
import {
  benignObjectPayload,
  callPickle,
  legacyTorch,
  npy,
  numpyArrayPickle,
  protocol0Call,
  sklearnJoblib,
  stackCallPickle,
  stdlibTypesPickle,
  torchStateDictPickle,
  torchZip,
} from '../../../fixtures/generators/pickle/fixtures'
import { buildTar } from '../../../fixtures/generators/pickle/tar-writer'
import { buildZip } from '../../../fixtures/generators/pickle/zip-writer'
import { scanBytes, verdict } from './helpers'

/** mulberry32: small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SEEDS: readonly Buffer[] = [
  torchStateDictPickle(4),
  torchZip(torchStateDictPickle()),
  legacyTorch(),
  numpyArrayPickle(),
  stdlibTypesPickle(),
  sklearnJoblib(),
  npy(),
  npy({ descr: '|O', shape: [2], data: benignObjectPayload() }),
  buildZip([
    { name: 'a.npy', data: npy(), deflate: true },
    { name: 'b/evil.pkl', data: callPickle('os', 'system', 'id'), deflate: true },
  ]),
  buildTar([
    { name: 'sys_info', data: stdlibTypesPickle() },
    { name: 'pickle', data: torchStateDictPickle() },
    { name: 'storages', data: stdlibTypesPickle() },
  ]),
  stackCallPickle('gettext', 'os.system', 'id'),
  protocol0Call('os', 'system', 'id'),
  deflateSync(sklearnJoblib()),
]

const OPCODES = [
  0x28, 0x2e, 0x52, 0x62, 0x63, 0x93, 0x94, 0x95, 0x8e, 0x96, 0x71, 0x68, 0x6a, 0x72, 0x81, 0x92,
  0x65, 0x75,
]

function mutate(src: Buffer, rnd: () => number): Buffer {
  const b = Buffer.from(src)
  const pick = (n: number): number => Math.floor(rnd() * n)
  switch (pick(6)) {
    case 0: {
      const flips = 1 + pick(8)
      for (let i = 0; i < flips; i++) b[pick(b.length)]! ^= 1 << pick(8)
      return b
    }
    case 1:
      return b.subarray(0, pick(b.length))
    case 2: {
      const other = SEEDS[pick(SEEDS.length)]!
      const at = pick(b.length)
      const from = pick(other.length)
      const len = pick(Math.min(256, other.length - from) + 1)
      return Buffer.concat([
        b.subarray(0, at),
        other.subarray(from, from + len),
        b.subarray(at + pick(32)),
      ])
    }
    case 3: {
      const n = 1 + pick(6)
      for (let i = 0; i < n; i++) b[pick(b.length)] = OPCODES[pick(OPCODES.length)]!
      return b
    }
    case 4: {
      // 0xff runs over length fields
      const at = pick(b.length)
      b.fill(0xff, at, Math.min(b.length, at + 1 + pick(8)))
      return b
    }
    default: {
      const at = pick(b.length)
      const len = pick(64)
      return Buffer.concat([b.subarray(0, at + len), b.subarray(at)])
    }
  }
}

describe('fuzz', () => {
  it('3600 mutated fixtures: always a result, never a throw', () => {
    const rnd = prng(0x5eed1234)
    let invalidOrFlagged = 0
    for (let i = 0; i < 3600; i++) {
      const seed = SEEDS[i % SEEDS.length]!
      const input = mutate(seed, rnd)
      let r
      try {
        r = scanBytes(input, i % 3 === 0 ? 'model.pt' : 'x.pkl')
      } catch (e) {
        throw new Error(`case ${i} threw: ${(e as Error).stack}`)
      }
      expect(MODEL_FORMATS).toContain(r.format)
      expect(Array.isArray(r.findings)).toBe(true)
      expect(
        r.findings.some((f) => f.ruleId === 'model.scanner-error'),
        `case ${i}`,
      ).toBe(false)
      if (verdict(r) !== 'safe') invalidOrFlagged++
    }
    // Most mutations damage the structure; a scanner that called everything safe would fail here.
    expect(invalidOrFlagged).toBeGreaterThan(1800)
  })
})
