/**
 * Seeded randomness for tests and fixture generators: the same seed gives the same keys and the
 * same fuzz mutants on every run, so a failure can be replayed.
 */

export type Rng = () => number

/** mulberry32: small, seeded, deterministic; values in [0, 1). */
export function makeRng(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export type MutateOptions = Readonly<{
  /** Inputs to splice bytes from (other fixtures of the same suite). */
  donors: readonly Buffer[]
  /** Format-specific byte values to inject (pickle opcodes, ...); without them that mutation is off. */
  tokens?: readonly number[]
}>

/**
 * One structural mutation of `src` (never changed in place): bit flips, truncation, a splice from a
 * donor, a large-value overwrite (length and count fields), a duplicated run, or token injection.
 */
export function mutate(src: Buffer, rnd: Rng, opts: MutateOptions): Buffer {
  const b = Buffer.from(src)
  const pick = (n: number): number => Math.floor(rnd() * n)
  const tokens = opts.tokens ?? []
  switch (pick(tokens.length > 0 ? 6 : 5)) {
    case 0: {
      for (let i = 0, n = 1 + pick(8); i < n; i++) b[pick(b.length)]! ^= 1 << pick(8)
      return b
    }
    case 1:
      return b.subarray(0, pick(b.length))
    case 2: {
      const donor = opts.donors[pick(opts.donors.length)] ?? src
      const at = pick(b.length)
      const from = pick(donor.length)
      const len = pick(Math.min(256, donor.length - from) + 1)
      return Buffer.concat([
        b.subarray(0, at),
        donor.subarray(from, from + len),
        b.subarray(at + pick(64)),
      ])
    }
    case 3: {
      const at = pick(b.length)
      for (let i = 0, n = 1 + pick(8); i < n && at + i < b.length; i++)
        b[at + i] = rnd() < 0.5 ? 0xff : pick(256)
      return b
    }
    case 4: {
      const at = pick(b.length)
      return Buffer.concat([b.subarray(0, at), b.subarray(at, at + pick(64)), b.subarray(at)])
    }
    default: {
      for (let i = 0, n = 1 + pick(6); i < n; i++) b[pick(b.length)] = tokens[pick(tokens.length)]!
      return b
    }
  }
}
