import { dirname } from 'node:path'
import type { DiscoveryContext, FileAnalyzer } from '../../types'
import { reportEnvironment, type EnvManager } from './environment'
import { readConfig } from '../../../util/fs'

/** pyvenv.cfg is a few lines; anything bigger is not one. */
const PYVENV_CAP = 64 * 1024

export type PyvenvCfg = Readonly<{ pythonVersion?: string; manager: EnvManager; prompt?: string }>

/** Parses `key = value` lines of pyvenv.cfg (written by venv, virtualenv and uv). */
export function parsePyvenvCfg(text: string): PyvenvCfg {
  const kv = new Map<string, string>()
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf('=')
    if (i <= 0) continue
    kv.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim())
  }
  const version = kv.get('version_info') ?? kv.get('version')
  const m = version ? /^(\d+\.\d+(?:\.\d+)?)/.exec(version) : null
  const manager: EnvManager = kv.has('uv') ? 'uv' : kv.has('virtualenv') ? 'virtualenv' : 'venv'
  const prompt = kv.get('prompt')?.replace(/^['"]|['"]$/g, '')
  return {
    pythonVersion: m?.[1],
    manager,
    prompt: prompt && prompt.length <= 100 ? prompt : undefined,
  }
}

/** Reports the virtual environment that owns a pyvenv.cfg. */
export async function analyzePyvenv(
  path: string,
  ctx: DiscoveryContext,
  source = 'venv',
  manager?: EnvManager,
  name?: string,
): Promise<void> {
  const text = await readConfig(ctx, path, PYVENV_CAP)
  if (text === undefined) return
  const cfg = parsePyvenvCfg(text)
  await reportEnvironment(ctx, {
    dir: dirname(path),
    manager: manager ?? cfg.manager,
    source,
    name: name ?? cfg.prompt,
    pythonVersion: cfg.pythonVersion,
  })
}

/** Venvs the crawl finds in projects (`.venv`, `venv`, `env`, ...), recognised by pyvenv.cfg. */
export const PYVENV_ANALYZER: FileAnalyzer = {
  id: 'pyvenv',
  names: ['pyvenv.cfg'],
  analyze: (path, ctx) => analyzePyvenv(path, ctx),
}
