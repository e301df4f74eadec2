import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SYSTEM_ANALYZERS } from '../../../../src/core/discovery/system/analyzers'
import { PYTHON_LOCATORS } from '../../../../src/core/discovery/system/python/locators'
import type { Platform } from '../../../../src/core/discovery/types'
import { makeTestContext } from '../../../helpers/discovery-context'
import { makePythonHome } from '../../../fixtures/generators/homes/system-home'

async function scan(platform: Platform) {
  const fake = makePythonHome(platform)
  const base = makeTestContext({ home: fake.home, platform })
  // Count every emission, so a duplicate report is visible even though the store would merge it.
  const emitted: string[] = []
  const ctx = {
    ...base.ctx,
    emitAsset: (a: Parameters<typeof base.ctx.emitAsset>[0]) => {
      emitted.push(`${a.kind}:${a.path}`)
      return base.ctx.emitAsset(a)
    },
  }
  const t = { ...base, ctx, emitted }
  for (const l of PYTHON_LOCATORS) await l.locate(t.ctx)
  // What the crawl would do for the project venv it finds.
  const analyzer = SYSTEM_ANALYZERS.find((a) => a.names?.includes('pyvenv.cfg'))
  for (const cfg of [
    join(fake.paths.venv as string, 'pyvenv.cfg'),
    join(fake.paths.plainVenv as string, 'pyvenv.cfg'),
    join(fake.paths.pipx as string, 'pyvenv.cfg'),
  ])
    if (!t.ctx.isClaimed(cfg)) await analyzer?.analyze(cfg, t.ctx)
  return { fake, ...t }
}

const envs = (a: { kind: string; path: string }[]) =>
  a
    .filter((x) => x.kind === 'python-environment')
    .map((x) => x.path)
    .sort()

describe.each(['linux', 'darwin', 'win32'] as const)(
  'python environments (%s layout)',
  (platform) => {
    it('finds conda, pyenv, pipx, uv tool, user-site and project venvs with AI packages', async () => {
      const { fake, assets } = await scan(platform)
      const p = fake.paths
      expect(envs(assets)).toEqual(
        [p.venv, p.conda, p.condaEnv, p.pyenv, p.pipx, p.uvTool, p.userSite].map(String).sort(),
      )
      // Environments without AI packages are not part of an AI inventory.
      expect(envs(assets)).not.toContain(p.plainVenv)
      const byPath = new Map(assets.map((a) => [a.path, a]))
      expect(byPath.get(p.pipx as string)?.source).toBe('pipx')
      expect(byPath.get(p.pipx as string)?.details?.manager).toBe('pipx')
      expect(byPath.get(p.uvTool as string)?.details?.manager).toBe('uv-tool')
      expect(byPath.get(p.venv as string)?.details?.manager).toBe('venv')
      expect(byPath.get(p.venv as string)?.name).toBe('app')
      expect(byPath.get(p.conda as string)?.name).toBe('base')
      expect(byPath.get(p.userSite as string)?.name).toBe('user site (Python 3.10)')
      expect(byPath.get(p.userSite as string)?.version).toBe('3.10')
      // From lib/python3.11 on POSIX, from conda-meta/python-3.11.5-*.json on Windows.
      expect(byPath.get(p.condaEnv as string)?.version).toBe('3.11')
      const condaPkgs = (byPath.get(p.conda as string)?.details?.aiPackages ?? []) as {
        name: string
        version: string
      }[]
      expect(condaPkgs).toContainEqual(
        expect.objectContaining({ name: 'pytorch', version: '2.1.0' }),
      )
    })

    it('emits one package asset per AI package, linked to its environment, with PEP 503 names', async () => {
      const { fake, assets } = await scan(platform)
      const pkgs = assets.filter((a) => a.kind === 'package')
      const venvPkgs = pkgs
        .filter((a) => a.details?.environment === fake.paths.venv)
        .map((a) => `${a.name}@${a.version}`)
        .sort()
      // requests is not AI; transformers has a garbage METADATA and falls back to its directory name.
      expect(venvPkgs).toEqual([
        'llama-cpp-python@0.2.71',
        'torch@2.5.1+cu121',
        'transformers@4.38.0',
      ])
      const venvId = assets.find(
        (a) => a.kind === 'python-environment' && a.path === fake.paths.venv,
      )?.id
      for (const p of pkgs.filter((a) => a.details?.environment === fake.paths.venv))
        expect(p.links).toEqual([{ to: venvId, relation: 'installed-in' }])
      const aider = pkgs.find((a) => a.name === 'aider-chat')
      expect(aider?.details?.purl).toBe('pkg:pypi/aider-chat@0.86.1')
    })

    it('flags vulnerable versions and not fixed ones', async () => {
      const { fake, findings, assets } = await scan(platform)
      const vuln = findings.filter((f) => f.ruleId === 'package.vulnerable')
      const msg = (s: string) => vuln.filter((f) => f.message.includes(s))
      // CVE-2025-32434 (torch.load weights_only bypass): venv torch 2.5.1+cu121 and conda pytorch 2.1.0.
      expect(
        msg('CVE-2025-32434')
          .map((f) => f.path)
          .sort(),
      ).toEqual(
        [
          fake.paths.venvTorch as string,
          join(
            fake.paths.conda as string,
            'conda-meta',
            'pytorch-2.1.0-py3.11_cuda12.1_cudnn8_0.json',
          ),
        ].sort(),
      )
      // CVE-2024-34359 (llama-cpp-python SSTI): 0.2.71 in the venv only; 0.2.72 in the user site is fixed.
      expect(msg('CVE-2024-34359')).toHaveLength(1)
      expect(msg('CVE-2024-34359')[0]?.severity).toBe('critical')
      expect(msg('CVE-2025-47277').map((f) => f.path)).toEqual([fake.paths.condaVllm])
      expect(vuln.some((f) => f.path === fake.paths.userTorch)).toBe(false)
      for (const f of vuln) expect(assets.find((a) => a.id === f.assetId)?.kind).toBe('package')
    })

    it('reports each environment once even when a locator and the crawl both see it', async () => {
      const { assets } = await scan(platform)
      const paths = assets.filter((a) => a.kind === 'python-environment').map((a) => a.path)
      expect(new Set(paths).size).toBe(paths.length)
    })
  },
)
