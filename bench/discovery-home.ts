// Builds a complete fake developer home (every discovery area's planted assets, Linux layout) plus
// filler files, for the "fake home of a few thousand files scans in under 1 s" figure.
// Bundled and run by bench/discovery-bench.mjs.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { makeFakeHome } from '../test/fixtures/generators/fake-home'
import { buildStoresHome } from '../test/fixtures/generators/homes/stores-home'
import { makePlatformHome, makePythonHome } from '../test/fixtures/generators/homes/system-home'
import { buildAgentsHome } from '../test/fixtures/generators/homes/tools-agents-home'
import { buildAppsHome } from '../test/fixtures/generators/homes/tools-apps-home'
import { buildMcpHome } from '../test/fixtures/generators/homes/tools-mcp-home'

export function buildDiscoveryHome(
  home: string,
  fillerFiles: number,
): { files: number; path: string } {
  rmSync(home, { recursive: true, force: true })
  mkdirSync(home, { recursive: true })
  const apps = buildAppsHome('linux')
  const parts = [
    buildStoresHome('linux').home,
    apps.home,
    buildMcpHome('linux').home,
    buildAgentsHome('linux').home,
    makePythonHome('linux').home,
    makePlatformHome('linux').home,
    makeFakeHome().home,
  ]
  for (const p of parts) {
    cpSync(p, home, { recursive: true, verbatimSymlinks: true, force: false, errorOnExist: false })
    rmSync(p, { recursive: true, force: true })
  }
  for (let i = 0; i < fillerFiles; i++) {
    const d = join(home, 'code', `proj${i % 20}`, `src${i % 50}`)
    mkdirSync(d, { recursive: true })
    writeFileSync(join(d, `file${i}.ts`), `export const x${i} = ${i}\n`)
  }
  const PATH = (apps.env.PATH ?? '')
    .split(':')
    .map((p) => p.replace(apps.home, home))
    .join(':')
  return { files: fillerFiles, path: PATH }
}
