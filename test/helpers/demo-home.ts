import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeFakeHome, maliciousPickle, write } from '../fixtures/generators/fake-home'
import { truncatedGgufBytes } from '../fixtures/generators/homes/stores-files'
import { buildStoresHome } from '../fixtures/generators/homes/stores-home'
import { makePlatformHome, makePythonHome } from '../fixtures/generators/homes/system-home'
import { buildAgentsHome } from '../fixtures/generators/homes/tools-agents-home'
import { buildAppsHome } from '../fixtures/generators/homes/tools-apps-home'
import { buildMcpHome } from '../fixtures/generators/homes/tools-mcp-home'

export type DemoHome = Readonly<{
  home: string
  /** Key values planted in the home: none may ever cross IPC or reach the DOM. */
  planted: readonly string[]
  /** The OpenAI key planted in ~/proj/.env. */
  key: string
  paths: ReturnType<typeof makeFakeHome>['paths']
  /** Environment for a scan of this home (PATH points at its tool folders). */
  env: Readonly<Record<string, string>>
  remove(): void
}>

/**
 * A Linux-layout developer home with something of every kind the app shows: model stores
 * (Ollama, Hugging Face cache), a malicious pickle behind `.safetensors`, a truncated GGUF,
 * notebooks, planted keys, AI tools and apps, IDE extensions, MCP and agent configs, Python
 * environments and AI platform logins. Built from the repository's fixture generators.
 */
export function makeDemoHome(): DemoHome {
  const work = mkdtempSync(join(tmpdir(), 'aiscout-demo-'))
  const home = join(work, 'home')
  const stores = buildStoresHome('linux')
  const apps = buildAppsHome('linux')
  const mcp = buildMcpHome('linux')
  const agents = buildAgentsHome('linux')
  const py = makePythonHome('linux')
  const platforms = makePlatformHome('linux')
  const basic = makeFakeHome()
  const parts = [stores.home, apps.home, mcp.home, agents.home, py.home, platforms.home, basic.home]
  for (const h of parts) {
    cpSync(h, home, { recursive: true, verbatimSymlinks: true, force: false, errorOnExist: false })
  }
  write(join(home, 'web', 'node_modules', 'pkg', 'evil.pkl'), maliciousPickle())
  write(join(home, 'Downloads', 'broken.gguf'), truncatedGgufBytes())
  const PATH = (apps.env.PATH ?? '')
    .split(':')
    .map((p) => p.replace(apps.home, home))
    .join(':')
  const paths = Object.fromEntries(
    Object.entries(basic.paths).map(([k, v]) => [k, v.replace(basic.home, home)]),
  ) as DemoHome['paths']
  return {
    home,
    planted: [...mcp.plantedValues, basic.key],
    key: basic.key,
    paths,
    env: { PATH, HOME: home },
    remove() {
      for (const p of [work, ...parts]) rmSync(p, { recursive: true, force: true })
    },
  }
}
