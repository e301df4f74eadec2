/**
 * Mutation fuzz: bit flips, truncations, splices and opcode injections over every fixture.
 * Deterministic seed. The scanner must always return a result (format + findings), never throw,
 * and finish (the suite timeout bounds it).
 */
import { deflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { MODEL_FORMATS } from '../../../../src/core/scanners/registry'
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
import { makeRng, mutate } from '../../../helpers/prng'
import { scanBytes, verdict } from './helpers'

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

/** Pickle opcodes that build or call objects: injected to reach the unusual paths. */
const OPCODES = [
  0x28, 0x2e, 0x52, 0x62, 0x63, 0x93, 0x94, 0x95, 0x8e, 0x96, 0x71, 0x68, 0x6a, 0x72, 0x81, 0x92,
  0x65, 0x75,
]

describe('fuzz', () => {
  it('3600 mutated fixtures: always a result, never a throw', () => {
    const rnd = makeRng(0x5eed1234)
    let invalidOrFlagged = 0
    for (let i = 0; i < 3600; i++) {
      const seed = SEEDS[i % SEEDS.length]!
      const input = mutate(seed, rnd, { donors: SEEDS, tokens: OPCODES })
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
