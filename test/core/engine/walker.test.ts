import type { Dirent } from 'node:fs'
import { mkdirSync, mkdtempSync, readdir, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import {
  AI_CACHE_NAMES,
  CACHE_PARENT_NAMES,
  isPrunedDir,
  PRUNED_DIR_NAMES,
  PRUNED_PAIRS,
  pruneRule,
} from '../../../src/core/engine/prune'
import { normaliseRoots } from '../../../src/core/engine/roots'
import type { ReaddirFn, SubtreeRules } from '../../../src/core/engine/walker'
import { readListing, walk } from '../../../src/core/engine/walker'
import type { SkippedEntry } from '../../../src/core/types'

const base = mkdtempSync(join(tmpdir(), 'aiscout-walk-'))
afterAll(() => {
  // Long-path trees cannot be removed with absolute paths; rm -rf descends relatively.
  execFileSync('rm', ['-rf', base])
})

function collect(roots: string[], extra: Partial<Parameters<typeof walk>[1]> = {}) {
  const files: string[] = []
  const skipped: SkippedEntry[] = []
  return walk(roots, {
    skipDir: (_p, name, parent) => isPrunedDir(name, parent),
    onFile: (p) => files.push(p),
    onSkip: (s) => skipped.push(s),
    ...extra,
  }).then(() => ({ files: files.sort(), skipped }))
}

describe('walker reading real directories', () => {
  it('does not follow directory symlinks, so a symlink loop terminates', async () => {
    const d = join(base, 'loop')
    mkdirSync(join(d, 'a', 'b'), { recursive: true })
    writeFileSync(join(d, 'a', 'b', 'f.gguf'), 'x')
    symlinkSync(join(d, 'a'), join(d, 'a', 'b', 'back'))
    symlinkSync('self', join(d, 'self'))
    const { files, skipped } = await collect([d])
    expect(files).toEqual([join(d, 'a', 'b', 'f.gguf')])
    expect(skipped).toEqual([])
  })

  it('prunes node_modules, .git and non-AI caches but keeps AI caches', async () => {
    const d = join(base, 'prune')
    for (const p of [
      'node_modules/x/m.pkl',
      '.git/objects/ab/cd',
      '.cache/pip/wheel.whl',
      '.cache/huggingface/hub/m.bin',
      'proj/model.pt',
    ]) {
      mkdirSync(join(d, p, '..'), { recursive: true })
      writeFileSync(join(d, p), 'x')
    }
    const { files } = await collect([d])
    expect(files).toEqual([join(d, '.cache/huggingface/hub/m.bin'), join(d, 'proj/model.pt')])
  })

  it('lists odd names (spaces, newlines, non-ASCII) and big folders exactly as readdirSync does', async () => {
    const d = join(base, 'names')
    mkdirSync(join(d, 'sub dir'), { recursive: true })
    const odd = ['a b.gguf', 'line\nbreak.pt', 'ünïcødé-模型.safetensors', '.hidden', '-dash']
    for (const n of odd) writeFileSync(join(d, 'sub dir', n), 'x')
    // A big folder: 4,000 names of 40 bytes.
    mkdirSync(join(d, 'many'))
    for (let i = 0; i < 4000; i++) writeFileSync(join(d, 'many', `f${i}`.padEnd(40, '_')), '')
    const { files, skipped } = await collect([d])
    const want = [
      ...odd.map((n) => join(d, 'sub dir', n)),
      ...Array.from({ length: 4000 }, (_, i) => join(d, 'many', `f${i}`.padEnd(40, '_'))),
    ].sort()
    expect(files).toEqual(want)
    expect(skipped).toEqual([])
  })

  it('records a missing root and a root that is a file', async () => {
    const file = join(base, 'a-file')
    writeFileSync(file, 'x')
    const { skipped } = await collect([join(base, 'missing'), file])
    expect(skipped.map((s) => [s.path, s.reason, s.code]).sort()).toEqual(
      [
        [join(base, 'missing'), 'vanished', 'ENOENT'],
        [file, 'not-a-directory', 'ENOTDIR'],
      ].sort(),
    )
  })

  it('walks long paths below the limit and, without an alias handler, records a subtree beyond PATH_MAX (4096) as skipped', async () => {
    const d = join(base, 'deep')
    mkdirSync(d, { recursive: true })
    // Build with relative cd steps: absolute paths over 4096 bytes cannot be created directly.
    const seg = 'd'.repeat(200)
    execFileSync('bash', [
      '-c',
      `cd "${d}" && for i in $(seq 1 24); do mkdir ${seg} && cd ${seg}; done && echo x > deep.gguf`,
    ])
    execFileSync('bash', [
      '-c',
      `cd "${d}" && mkdir -p ${seg}/${seg}/${seg} && echo x > ${seg}/${seg}/${seg}/ok.gguf`,
    ])
    const { files, skipped } = await collect([d])
    expect(files).toContain(join(d, seg, seg, seg, 'ok.gguf'))
    expect(skipped.some((s) => s.reason === 'path-too-long' && s.code === 'ENAMETOOLONG')).toBe(
      true,
    )
    expect(skipped.every((s) => s.path.length > 4000)).toBe(true)
  })
})

describe('walker', () => {
  it('records an unreadable directory (injected EACCES) as skipped and walks on', async () => {
    const d = join(base, 'denied')
    mkdirSync(join(d, 'secret'), { recursive: true })
    mkdirSync(join(d, 'open'), { recursive: true })
    writeFileSync(join(d, 'open', 'ok.onnx'), 'x')
    writeFileSync(join(d, 'secret', 'hidden.onnx'), 'x')
    const failing: ReaddirFn = (p, cb) => {
      if (p.endsWith('secret')) {
        const e = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })
        cb(e, [])
      } else readdir(p, { withFileTypes: true }, cb)
    }
    const { files, skipped } = await collect([d], { readdir: failing })
    expect(files).toEqual([join(d, 'open', 'ok.onnx')])
    expect(skipped).toEqual([
      expect.objectContaining({
        path: join(d, 'secret'),
        reason: 'permission-denied',
        code: 'EACCES',
      }),
    ])
  })

  it('explains EPERM on macOS as privacy protection (Full Disk Access), once per folder', async () => {
    const d = join(base, 'tcc')
    mkdirSync(join(d, 'Library', 'Mail'), { recursive: true })
    const failing: ReaddirFn = (p, cb) => {
      if (p.endsWith('Mail')) cb(Object.assign(new Error('EPERM'), { code: 'EPERM' }), [])
      else readdir(p, { withFileTypes: true }, cb)
    }
    const { skipped } = await collect([d], { readdir: failing, platform: 'darwin' })
    expect(skipped).toHaveLength(1)
    expect(skipped[0]!.reason).toBe('privacy-protected')
    expect(skipped[0]!.message).toMatch(/Full Disk Access/)
  })

  it('records a directory that vanished between listing and reading', async () => {
    const d = join(base, 'race')
    mkdirSync(d, { recursive: true })
    const racing: ReaddirFn = (p, cb) =>
      readdir(p, { withFileTypes: true }, (err, entries) => {
        if (p === d && !err) {
          const ghost = {
            name: 'gone',
            isDirectory: () => true,
            isFile: () => false,
          } as unknown as Dirent
          cb(null, [...entries, ghost])
        } else cb(err, entries)
      })
    const { skipped } = await collect([d], { readdir: racing })
    expect(skipped).toEqual([
      expect.objectContaining({ path: join(d, 'gone'), reason: 'vanished', code: 'ENOENT' }),
    ])
  })
})

describe('walker readers', () => {
  // 1,200 directories: enough for the caller to yield and start its helper.
  const big = join(base, 'big')
  const expected: string[] = []
  for (let i = 0; i < 40; i++) {
    for (let j = 0; j < 30; j++) {
      const dir = join(big, `p${i}`, `src${j}`)
      mkdirSync(dir, { recursive: true })
      writeFileSync(join(dir, 'w.safetensors'), 'x')
      expected.push(join(dir, 'w.safetensors'))
    }
  }
  mkdirSync(join(big, 'p0', 'node_modules', 'x'), { recursive: true })
  writeFileSync(join(big, 'p0', 'node_modules', 'x', 'skip.pt'), 'x')
  expected.sort()

  it.each([
    ['the caller and a helper (default)', {}],
    ['the caller and a helper from the first directory', { helpers: 1 }],
    ['the caller alone', { helpers: 0 }],
    ['a helper alone', { readOnCaller: false }],
    ['three helpers', { readOnCaller: false, helpers: 3 }],
  ] as const)('finds every file exactly once reading on %s', async (_name, extra) => {
    let dirs = 0
    const { files, skipped } = await collect([big], { ...extra, onDir: () => dirs++ })
    expect(files).toEqual(expected)
    expect(new Set(files).size).toBe(files.length)
    expect(dirs).toBe(1 + 40 + 40 * 30) // the root, p*, p*/src*; p0/node_modules is pruned
    expect(skipped).toEqual([])
  })

  it.each([
    [
      'exits',
      `require('node:worker_threads').workerData.port.on('message', () => process.exit(3))`,
    ],
    [
      'throws',
      `require('node:worker_threads').workerData.port.on('message', () => { throw new Error('boom') })`,
    ],
  ])('loses no folder when a helper thread %s mid-batch', async (_how, source) => {
    for (const extra of [{ helpers: 1 }, { readOnCaller: false }]) {
      const { files, skipped } = await collect([big], { ...extra, helperSource: source })
      expect(files).toEqual(expected)
      expect(skipped).toEqual([])
    }
  })

  /** Subtree mode with the crawl's pruning rules as data; only `.safetensors` files wanted. */
  function subtreeRules() {
    const counts = { files: 0, dirs: 0, pruned: {} as Record<string, number> }
    const rules: SubtreeRules = {
      prunedNames: [...PRUNED_DIR_NAMES],
      cacheParents: [...CACHE_PARENT_NAMES],
      keptCacheNames: [...AI_CACHE_NAMES],
      prunedPairs: PRUNED_PAIRS,
      claimedDirs: [join(big, 'p1')],
      files: {
        names: [],
        lowerNames: [],
        extensions: ['.safetensors'],
        lowerPrefixes: [],
        noExtension: false,
      },
      counted(files, dirs, pruned) {
        counts.files += files
        counts.dirs += dirs
        for (const [k, n] of Object.entries(pruned)) counts.pruned[k] = (counts.pruned[k] ?? 0) + n
      },
    }
    return { rules, counts }
  }
  const notClaimed = expected.filter((f) => !f.startsWith(join(big, 'p1') + '/'))

  it.each([
    ['one helper', { helpers: 1 }],
    ['two helpers', { helpers: 2 }],
    ['helpers only', { readOnCaller: false, helpers: 3 }],
  ] as const)(
    'walks whole subtrees on %s with the same skips, files and counts',
    async (_name, extra) => {
      const { rules, counts } = subtreeRules()
      let callerDirs = 0
      const { files, skipped } = await collect([big], {
        ...extra,
        subtree: rules,
        // The caller reads until a helper is up, with the same rules (and counts what it skips).
        skipDir: (p, name, parent) => {
          const rule = pruneRule(name, parent) ?? (p === join(big, 'p1') ? 'claimed' : undefined)
          if (rule !== undefined) rules.counted(0, 0, { [rule]: 1 })
          return rule !== undefined
        },
        onDir: () => callerDirs++,
      })
      expect(files).toEqual(notClaimed)
      expect(skipped).toEqual([])
      // Every folder once, by the caller or a helper; p1 and its 30 folders are claimed.
      expect(callerDirs + counts.dirs).toBe(1 + 39 + 39 * 30)
      expect(counts.pruned).toEqual({ node_modules: 1, claimed: 1 })
      // Only wanted files here (p0/node_modules/x/skip.pt is in a pruned folder); the crawl's
      // test counts unwanted ones (crawl-subtree.test.ts).
      expect(counts.files).toBe(0)
    },
  )

  it('drops what subtree helpers report under a folder claimed after they started', async () => {
    const { rules } = subtreeRules()
    const late = join(big, 'p2')
    const { files } = await collect([big], {
      readOnCaller: false,
      helpers: 2,
      subtree: { ...rules, claimedSince: (p) => p === late || p.startsWith(`${late}/`) },
    })
    expect(files).toEqual(notClaimed.filter((f) => !f.startsWith(`${late}/`)))
  })

  it.each([
    [
      'exits',
      `require('node:worker_threads').workerData.port.on('message', () => process.exit(3))`,
    ],
    [
      'answers what it never writes',
      `const { port } = require('node:worker_threads').workerData
       port.on('message', () => port.postMessage('F/etc/passwd\0Pnowhere'))`,
    ],
  ])('loses and repeats no file when a subtree helper %s', async (_how, source) => {
    const { rules } = subtreeRules()
    const { files, skipped } = await collect([big], {
      helpers: 1,
      subtree: rules,
      helperSource: source,
      skipDir: (p, name, parent) => isPrunedDir(name, parent) || p === join(big, 'p1'),
    })
    expect(files).toEqual(notClaimed)
    expect(skipped).toEqual([])
  })

  it('records a missing root and a root that is a file on a helper', async () => {
    const file = join(base, 'b-file')
    writeFileSync(file, 'x')
    const { skipped } = await collect([join(base, 'missing'), file], { readOnCaller: false })
    expect(skipped.map((s) => [s.path, s.reason, s.code]).sort()).toEqual(
      [
        [join(base, 'missing'), 'vanished', 'ENOENT'],
        [file, 'not-a-directory', 'ENOTDIR'],
      ].sort(),
    )
  })

  it('refuses a root holding a NUL (it would shift a batch onto other folders)', async () => {
    const bad = `${join(big, 'p1')}\0${join(big, 'p2')}`
    const { files, skipped } = await collect([bad, join(big, 'p3')], {})
    expect(files).toEqual(expected.filter((f) => f.startsWith(join(big, 'p3') + '/')))
    expect(skipped).toEqual([
      expect.objectContaining({ path: bad, reason: 'error', code: 'ERR_INVALID_ARG_VALUE' }),
    ])
  })

  it('joins paths with the host separator whatever platform the scan models', async () => {
    const { files } = await collect([big], { platform: 'win32' })
    expect(files).toEqual(expected)
  })

  it('stops reading when the signal aborts', async () => {
    const ac = new AbortController()
    let n = 0
    const { files } = await collect([big], {
      signal: ac.signal,
      onDir: () => {
        if (++n === 50) ac.abort()
      },
    })
    expect(files.length).toBeLessThan(expected.length)
  })
})

describe('readListing', () => {
  it('maps errno numbers and names, and fails every folder a cut listing does not cover', () => {
    const seen: string[] = []
    const v = {
      dir: (p: string) => seen.push(`dir ${p}`),
      entry: (name: string, t: number) => seen.push(`${String.fromCharCode(t)} ${name}`),
      failed: (p: string, code: string) => seen.push(`failed ${p} ${code}`),
      back: (p: string, own: boolean) => seen.push(`back ${p} ${own}`),
    }
    readListing(['/a', '/b', '/c', '/d', '/e'], 'fx\0/\0/13\0/EPERM\0dy\0', v)
    expect(seen).toEqual(
      [
        'dir /a',
        'f x',
        '/',
        'failed /b EACCES',
        'failed /c EPERM',
        'dir /d',
        'd y',
        'failed /e EIO',
      ].filter((x) => x !== '/'),
    )
  })
})

describe('roots', () => {
  it('deduplicates roots and drops a root inside another', () => {
    const d = join(base, 'roots')
    mkdirSync(join(d, 'a', 'b'), { recursive: true })
    expect(normaliseRoots([join(d, 'a', 'b'), join(d, 'a'), join(d, 'a') + '/'])).toEqual([
      join(d, 'a'),
    ])
  })
})
