import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { binariesLocator, searchDirs } from '../../../../src/core/discovery/tools/apps/binaries'
import { TOOL_LOCATORS } from '../../../../src/core/discovery/tools/index'
import { runVersionCommand } from '../../../../src/core/discovery/tools/apps/version-command'
import { buildAppsHome } from '../../../fixtures/generators/homes/tools-apps-home'
import { makeRoot, put } from '../../../fixtures/generators/homes/tools-common'
import { makeTestContext } from '../../../helpers/discovery-context'
import { PLATFORMS } from './helpers'

async function runAll(platform: (typeof PLATFORMS)[number], runVersionCommands = false) {
  const h = buildAppsHome(platform)
  const t = makeTestContext({ home: h.home, platform, env: h.env, runVersionCommands })
  for (const l of TOOL_LOCATORS) await l.locate(t.ctx)
  return { h, ...t }
}

const versions = (
  assets: readonly { kind: string; name?: string; version?: string }[],
  kind: string,
) =>
  Object.fromEntries(assets.filter((a) => a.kind === kind).map((a) => [a.name, a.version ?? null]))

describe('AI tools on PATH and in package managers', () => {
  it('linux: versions come from metadata and nothing is executed', async () => {
    const { h, assets } = await runAll('linux')
    expect(versions(assets, 'tool')).toEqual({
      'Claude Code': '1.0.42',
      'OpenAI Codex CLI': '0.31.0',
      '@modelcontextprotocol/server-filesystem': '2025.8.21',
      aider: '0.86.1',
      Ollama: null,
      'llama.cpp (llama-server)': null,
      'gh copilot': '1.1.1',
      // Known by its traces: Cursor's extensions folder, with no Cursor app in this layout.
      Cursor: null,
    })
    expect(assets.find((a) => a.name === 'Cursor')?.source).toBe('traces')
    const claude = assets.find((a) => a.name === 'Claude Code')!
    expect(claude.details?.installMethod).toBe('native')
    expect(claude.details?.binPath).toBe(join(h.home, '.local/bin/claude'))
    // The PATH probe merged into the package-manager assets instead of duplicating them.
    expect(assets.filter((a) => a.name === 'OpenAI Codex CLI')).toHaveLength(1)
    expect(assets.filter((a) => a.name === 'aider')).toHaveLength(1)
    // Planted binaries write a marker if run: discovery must never run them by default.
    expect(existsSync(h.marker)).toBe(false)
    // A PATH entry outside a --home fake home is not probed.
    expect(assets.some((a) => a.name === 'Gemini CLI')).toBe(false)
    expect(JSON.stringify(assets)).not.toContain('left-pad')
    expect(JSON.stringify(assets)).not.toContain('gh-dash')
  })

  it('linux: --run-versions runs `--version` (no shell, no stdin) only for tools without metadata', async () => {
    const { h, assets } = await runAll('linux', true)
    expect(assets.find((a) => a.name === 'Ollama')?.version).toBe('0.9.1')
    expect(assets.find((a) => a.name === 'Ollama')?.details?.versionSource).toBe('command')
    expect(assets.find((a) => a.name === 'Claude Code')?.version).toBe('1.0.42')
    expect(existsSync(h.marker)).toBe(true)
  })

  it('win32: ;-separated PATH, npm shims and install dirs', async () => {
    const { h, assets } = await runAll('win32')
    const tools = versions(assets, 'tool')
    expect(tools.Ollama).toBeNull()
    expect(tools['Gemini CLI']).toBe('0.4.1')
    expect(assets.filter((a) => a.name === 'Gemini CLI')).toHaveLength(1)
    expect(tools['gh copilot']).toBe('1.1.1')
    expect(assets.find((a) => a.kind === 'tool' && a.name === 'Ollama')?.details?.binPath).toBe(
      join(h.home, 'AppData/Local/Programs/Ollama/ollama.exe'),
    )
    expect(
      searchDirs(makeTestContext({ home: h.home, platform: 'win32', env: h.env }).ctx),
    ).not.toContain(join(h.outside, 'bin'))
  })

  it('darwin: same relative layout as linux for CLIs', async () => {
    const { h, assets } = await runAll('darwin')
    expect(versions(assets, 'tool')['Claude Code']).toBe('1.0.42')
    expect(existsSync(h.marker)).toBe(false)
  })

  it('a missing home and an empty env are fine', async () => {
    const t = makeTestContext({ home: '/nonexistent/aiscout-home', platform: 'linux', env: {} })
    for (const l of TOOL_LOCATORS) await expect(l.locate(t.ctx)).resolves.toBeUndefined()
    expect(t.assets).toEqual([])
    await binariesLocator.locate(t.ctx)
    expect(t.skipped).toEqual([])
  })
})

describe('AI desktop apps', () => {
  it('darwin: Info.plist XML version; binary plists recorded without one', async () => {
    const { assets } = await runAll('darwin')
    expect(versions(assets, 'app')).toEqual({ Claude: '0.12.3', Cursor: null })
    expect(assets.find((a) => a.name === 'Claude')?.details?.bundleId).toBe(
      'com.anthropic.claudefordesktop',
    )
    expect(assets.find((a) => a.name === 'Cursor')?.details?.plist).toBe('binary')
  })

  it('linux: AppImage names and .desktop entries', async () => {
    const { assets } = await runAll('linux')
    expect(versions(assets, 'app')).toEqual({ 'LM Studio': '0.3.20-4', Jan: null })
  })

  it('win32: %LOCALAPPDATA% installs, Squirrel app-<ver> and resources/app/package.json', async () => {
    const { assets } = await runAll('win32')
    expect(versions(assets, 'app')).toEqual({ Claude: '0.12.3', Cursor: '1.5.0', Ollama: null })
  })
})

describe('IDE AI extensions', () => {
  it.each(PLATFORMS)('VS Code forks and JetBrains plugins, AI only (%s)', async (platform) => {
    const { assets } = await runAll(platform)
    const exts = assets.filter((a) => a.kind === 'ide-extension')
    const rows = exts.map((e) => `${e.source}|${e.details?.extensionId}|${e.version ?? ''}`).sort()
    expect(rows).toEqual(
      [
        'vscode|github.copilot|1.250.0',
        'cursor|saoudrizwan.claude-dev|3.20.0',
        'vscode-server|continue.continue|1.0.0',
        'windsurf|codeium.codeium|1.9.0',
        'jetbrains|com.intellij.ml.llm|242.21829',
        'jetbrains|com.github.copilot|1.5.29',
      ].sort(),
    )
    // Localisation placeholders are replaced by the table's product name.
    expect(exts.find((e) => e.details?.extensionId === 'saoudrizwan.claude-dev')?.name).toBe(
      'Cline',
    )
    expect(
      exts.find((e) => e.details?.extensionId === 'saoudrizwan.claude-dev')?.details?.target,
    ).toBe('darwin-arm64')
    expect(exts.find((e) => e.source === 'jetbrains')?.details?.editor).toBe('PyCharm')
    expect(JSON.stringify(exts)).not.toMatch(/ms-python|rainbow/)
  })
})

describe('runVersionCommand (the --run-versions opt-in)', () => {
  it('closes stdin, uses no shell and kills a binary that hangs', async () => {
    const { home } = makeRoot('version-cmd')
    // Reads stdin first: with stdin left open this would block until the timeout.
    const reader = put(
      home,
      'bin/reader',
      '#!/bin/sh\nread line\necho "reader v2.3.4 $line"\n',
      0o755,
    )
    expect(await runVersionCommand(reader)).toBe('2.3.4')
    // The argument reaches the program verbatim (no shell expansion).
    const echo = put(home, 'bin/echoer', '#!/bin/sh\necho "$1"\n', 0o755)
    const marker = join(home, 'EXPANDED')
    await runVersionCommand(echo, `$(touch ${marker})`)
    expect(existsSync(marker)).toBe(false)
    expect(await runVersionCommand(echo, '1.0.0;')).toBe('1.0.0')
    const hang = put(home, 'bin/hang', '#!/bin/sh\nsleep 30\necho 1.2.3\n', 0o755)
    expect(await runVersionCommand(hang)).toBeUndefined()
    expect(await runVersionCommand(join(home, 'bin/missing'))).toBeUndefined()
  })
})
