import { describe, expect, it } from 'vitest'
import { describeTargetState } from '../../../src/core/watch'
import type { WatchTarget } from '../../../src/core/watch'

const t: WatchTarget = { path: '/home/u/big', reason: 'root', source: 'a root' }

describe('describeTargetState', () => {
  it('says nothing about a watched target', () => {
    expect(describeTargetState(t, { kind: 'watched', dirs: 3 })).toBeUndefined()
  })

  it('names each reason a target is rescanned instead of watched, and how often', () => {
    expect(
      describeTargetState(t, {
        kind: 'degraded',
        dirs: 9000,
        everyMs: 30 * 60_000,
        why: 'over-budget',
      }),
    ).toBe('/home/u/big is too big for the watch budget: rescanned every 30 minutes instead')
    expect(
      describeTargetState(t, { kind: 'degraded', dirs: 9, everyMs: 60_000, why: 'grew' }),
    ).toBe('/home/u/big grew past the watch budget: also rescanned every 1 minute')
    expect(
      describeTargetState(t, { kind: 'degraded', dirs: 9, everyMs: 5_000, why: 'os-limit' }),
    ).toMatch(
      /^\/home\/u\/big could not be watched fully \(the system's limit .*\): also rescanned every 5 seconds$/,
    )
  })

  it('says why a folder cannot be watched, with the path as the caller shows it', () => {
    expect(
      describeTargetState(t, { kind: 'failed', message: 'permission denied' }, (p) =>
        p.replace('/home/u', '~'),
      ),
    ).toBe('~/big cannot be watched: permission denied')
  })
})
