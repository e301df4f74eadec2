import {
  mkdirSync,
  mkdtempSync,
  realpathSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createDirBudget } from '../../../src/core/watch/budget'
import { listTreeDirs } from '../../../src/core/watch/tree-dirs'
import { watchTree } from '../../../src/core/watch/tree-watcher'
import { waitFor } from '../../helpers/wait'

const noSkip = (): boolean => false

describe('tree watcher and symlinks', () => {
  // A reviewer's repro: `mv work/a work/a.old; ln -s / work/a` made the watcher follow the link
  // (chokidar's watch of the old inode re-reads the path `a`), 8,153 watches on / and /proc.
  it('never watches a folder outside the root when a watched folder is replaced by a symlink', async () => {
    const base = realpathSync(mkdtempSync(join(tmpdir(), 'tw-link-')))
    const root = join(base, 'work')
    const outside = join(base, 'outside')
    mkdirSync(join(root, 'a', 'inner'), { recursive: true })
    for (let i = 0; i < 40; i++) mkdirSync(join(outside, `d${i}`, 'sub'), { recursive: true })
    const budget = createDirBudget(1000)
    const owner = 'root'
    const dirs = listTreeDirs(root, { limit: budget.limit, skipDir: noSkip }).dirs
    expect(budget.admitAll(owner, dirs)).toBe(true)
    const errors: Error[] = []
    const w = await watchTree(
      { path: root, reason: 'root', source: 'test' },
      {
        budget,
        owner,
        skipDir: noSkip,
        onTouch: () => {},
        onOverflow: () => {},
        onError: (e) => errors.push(e),
      },
    )
    try {
      expect(budget.has(join(root, 'a', 'inner'))).toBe(true)
      renameSync(join(root, 'a'), join(root, 'a.old'))
      symlinkSync(outside, join(root, 'a'))
      // The replaced folder is treated as removed: its watches are given back.
      await waitFor(() => !budget.has(join(root, 'a')), 'the replaced folder released')
      // Activity in the renamed folder: a watch left on its old inode would read `a` again.
      writeFileSync(join(root, 'a.old', 'poke'), 'x')
      mkdirSync(join(root, 'a.old', 'poke-dir'))
      await waitFor(() => budget.has(join(root, 'a.old', 'poke-dir')), 'a.old watched afresh')
      // A folder created afterwards is admitted: the watcher has processed what came before.
      mkdirSync(join(root, 'later'))
      await waitFor(() => budget.has(join(root, 'later')), 'the new folder admitted')
      const held = [...budget.dirs()]
      const escaped = held.filter((d) => {
        let real: string
        try {
          real = realpathSync(d)
        } catch {
          return false
        }
        return real !== d || !(d === root || d.startsWith(root + sep))
      })
      expect(escaped).toEqual([])
      expect(held.some((d) => d.startsWith(join(root, 'a') + sep))).toBe(false)
      expect(budget.used()).toBeLessThan(10)
    } finally {
      await w.close()
    }
    expect(errors).toEqual([])
  })
})
