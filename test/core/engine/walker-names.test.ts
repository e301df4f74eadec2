import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { isPrunedDir } from '../../../src/core/engine/prune'
import { walk } from '../../../src/core/engine/walker'
import type { SkippedEntry } from '../../../src/core/types'
import { pruneNothing } from './walker-rules'

const base = mkdtempSync(join(tmpdir(), 'aiscout-walk-names-'))
afterAll(() => rmSync(base, { recursive: true, force: true }))

// Names with a byte that is not UTF-8 (0xff): Node decodes it as U+FFFD, so the path built from
// the decoded name names nothing.
const root = join(base, 'home')
const b = (s: string): Buffer => Buffer.from(s)
mkdirSync(Buffer.concat([b(root + '/proj'), Buffer.from([0xff])]), { recursive: true })
writeFileSync(Buffer.concat([b(root + '/proj'), Buffer.from([0xff]), b('/.env')]), 'K=1\n')
writeFileSync(Buffer.concat([b(root + '/bad'), Buffer.from([0xfe]), b('.gguf')]), 'x')
mkdirSync(join(root, 'ok'))
writeFileSync(join(root, 'ok', '.env'), 'K=1\n')
// A name that really holds U+FFFD (valid UTF-8) opens like any other.
writeFileSync(join(root, 'real\uFFFD.gguf'), 'x')

const rules = pruneNothing({ extensions: ['.gguf'], noExtension: true })

describe('walker and names that are not valid UTF-8', () => {
  it.each([
    ['the caller alone', { helpers: 0 }],
    ['a helper alone', { readOnCaller: false, helpers: 1 }],
    ['subtree helpers', { readOnCaller: false, helpers: 1, subtree: rules }],
  ] as const)('skips them as unreadable-name, not vanished, on %s', async (_n, extra) => {
    const files: string[] = []
    const skipped: SkippedEntry[] = []
    await walk([root], {
      skipDir: (_p, name, parent) => isPrunedDir(name, parent),
      onFile: (p) => files.push(p),
      onSkip: (s) => skipped.push(s),
      ...extra,
    })
    expect(files.sort()).toEqual([join(root, 'ok', '.env'), join(root, 'real\uFFFD.gguf')])
    expect(skipped.map((s) => [s.path, s.reason, s.message]).sort()).toEqual([
      [
        join(root, 'bad\uFFFD.gguf'),
        'unreadable-name',
        'The name is not valid UTF-8; AI Scout cannot open it by name',
      ],
      [
        join(root, 'proj\uFFFD'),
        'unreadable-name',
        'The name is not valid UTF-8; AI Scout cannot open it by name',
      ],
    ])
  })
})
