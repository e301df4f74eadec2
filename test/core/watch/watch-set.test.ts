import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { planWatchSet } from '../../../src/core/watch'

function home(): string {
  const h = mkdtempSync(join(tmpdir(), 'plan-home-'))
  for (const d of [
    'Downloads',
    '.cache/huggingface/hub',
    '.cursor',
    'code/proj/checkpoints',
    'code/proj/node_modules/pkg',
    'models',
    'extra-root/sub',
  ])
    mkdirSync(join(h, d), { recursive: true })
  writeFileSync(join(h, 'code/proj/checkpoints/ep1.pt'), 'x')
  writeFileSync(join(h, 'code/proj/node_modules/pkg/w.pt'), 'x')
  writeFileSync(join(h, 'models/a.gguf'), 'x')
  writeFileSync(join(h, 'Downloads/b.gguf'), 'x')
  return h
}

describe('watch plan', () => {
  it('orders targets by priority and maps locations, drop folders, model folders and roots', () => {
    const h = home()
    const plan = planWatchSet({
      home: h,
      roots: [join(h, 'extra-root')],
      locations: [
        { path: join(h, '.cache/huggingface/hub'), how: 'tree', source: 'huggingface' },
        { path: join(h, '.cursor/mcp.json'), how: 'absent', source: 'cursor' },
        // The folder does not exist: its nearest existing parent (the home) is watched alone.
        { path: join(h, '.codeium/windsurf/mcp_config.json'), how: 'absent', source: 'windsurf' },
        { path: '/proc/cpuinfo', how: 'absent', source: 'compute' },
      ],
      modelFiles: [
        join(h, 'code/proj/checkpoints/ep1.pt'),
        join(h, 'models/a.gguf'),
        join(h, 'Downloads/b.gguf'),
        join(h, 'code/proj/node_modules/pkg/w.pt'),
      ],
    })
    expect(plan.map((t) => [t.reason, t.path.slice(h.length) || '~', t.depth])).toEqual([
      ['location', '~', 0],
      ['location', '/.cache/huggingface/hub', undefined],
      ['location', '/.cursor', 0],
      ['drop-folder', '/Downloads', 1],
      ['model-folder', '/code/proj/checkpoints', 1],
      ['model-folder', '/models', 1],
      ['root', '/extra-root', undefined],
    ])
  })

  it('drops targets a better one covers, and keeps one only a lower-priority tree covers', () => {
    const h = home()
    const plan = planWatchSet({
      home: h,
      roots: [h],
      dropFolders: [],
      locations: [
        { path: join(h, 'models'), how: 'tree', source: 'store' },
        { path: join(h, 'models/a.gguf'), how: 'dir', source: 'store file' },
      ],
      modelFiles: [join(h, 'models/a.gguf'), join(h, 'code/proj/checkpoints/ep1.pt')],
    })
    expect(plan.map((t) => [t.reason, t.path.slice(h.length) || '~'])).toEqual([
      ['location', '/models'],
      ['model-folder', '/code/proj/checkpoints'],
      ['root', '~'],
    ])
  })

  it('leaves out missing drop folders and roots', () => {
    const h = mkdtempSync(join(tmpdir(), 'plan-empty-'))
    expect(planWatchSet({ home: h, roots: [join(h, 'nope')] })).toEqual([])
  })
})
