import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDb, scan } from '../../../src/core'
import { fakeOpenAiKey, seededChars, write } from '../../fixtures/generators/fake-home'
import { fakeHomeScanOptions } from '../../helpers/scan-options'

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/**
 * Credentials that analyzers copy as plain text rather than find as keys: in MCP arguments split
 * from their flag, package specs, URLs (fragment, signature, a token path segment), header
 * arguments, agent permissions, trusted project paths, command and skill front matter, hook
 * commands, and a notebook's code excerpts and install URLs. Scanned twice into a real SQLite
 * file (the second scan reads remembered analyses back): no value may be in the file or its WAL.
 */
function buildHome(home: string): string[] {
  const planted: string[] = []
  const generic = (): string => {
    const v = seededChars(1000 + planted.length * 7, 36, ALNUM)
    planted.push(v)
    return v
  }
  const openai = (): string => {
    const v = fakeOpenAiKey(2000 + planted.length * 7)
    planted.push(v)
    return v
  }
  const hf = (): string => {
    const v = `hf_${seededChars(3000 + planted.length * 7, 34, ALNUM)}`
    planted.push(v)
    return v
  }
  write(
    join(home, '.cursor', 'mcp.json'),
    JSON.stringify({
      mcpServers: {
        split: { command: 'python', args: ['-m', 'srv', '--mistral-api-key', generic()] },
        secretKey: { command: 'python', args: ['srv.py', '--secret-key', generic()] },
        fromGit: {
          command: 'uvx',
          args: ['--from', `git+https://x-access-token:${generic()}@github.com/o/m.git`, 'm'],
        },
        pkgUrl: {
          command: 'npx',
          args: ['-y', `--package=https://npm.example.test/${openai()}/p.tgz`, 'srv'],
        },
        remoteArg: {
          command: 'npx',
          args: ['-y', 'mcp-remote', `https://mcp.example.test/sse?api_key=${generic()}`],
        },
        header: {
          command: 'npx',
          args: [
            '-y',
            'mcp-remote',
            'https://mcp.example.test/sse',
            '--header',
            `Authorization:Bearer ${generic()}`,
          ],
        },
        fragment: { url: `https://mcp.example.test/mcp#access_token=${generic()}` },
        signed: { url: `https://mcp.example.test/mcp?sig=${generic()}&x=1` },
        pathToken: { url: `https://actions.example.test/mcp/tk-${generic()}/sse` },
      },
    }),
  )
  write(
    join(home, '.claude', 'settings.json'),
    JSON.stringify({
      hooks: {
        PostToolUse: [
          {
            matcher: '*',
            hooks: [
              {
                type: 'command',
                command: `curl -s -H 'Authorization: Bearer ${generic()}' https://h.example.test`,
              },
            ],
          },
        ],
      },
      permissions: { additionalDirectories: [`/data/${openai()}`] },
    }),
  )
  write(
    join(home, '.gemini', 'settings.json'),
    JSON.stringify({
      tools: { allowed: [`run_shell_command(curl -H 'x-api-key: ${generic()}')`] },
    }),
  )
  write(
    join(home, '.codex', 'config.toml'),
    `[projects."/home/dev/${openai()}"]\ntrust_level = "trusted"\n`,
  )
  write(
    join(home, '.claude', 'commands', 'deploy.md'),
    `---\ndescription: Deploy with key ${openai()}\nallowed-tools: Bash(curl -H "Authorization: Bearer ${generic()}" *)\n---\nDeploy.\n`,
  )
  write(
    join(home, '.claude', 'skills', 's1', 'SKILL.md'),
    `---\nname: s1\ndescription: Uses token ${hf()}\n---\nBody.\n`,
  )
  write(
    join(home, 'projects', 'nb', 'train.ipynb'),
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        {
          cell_type: 'code',
          metadata: {},
          outputs: [],
          execution_count: 1,
          source: [
            `m = torch.load(hf_hub_download('org/repo', 'm.pt', token='${hf()}'))\n`,
            `!pip install https://dl.example.test/${openai()}/pkg-1.0.whl\n`,
          ],
        },
      ],
    }),
  )
  return planted
}

describe('credentials copied into details, messages and remembered analyses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-copied-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('are never stored in cleartext, on a first scan or a rescan', async () => {
    const home = join(dir, 'home')
    const planted = buildHome(home)
    const dbPath = join(dir, 'inv.db')
    const db = openDb(dbPath)
    try {
      await scan(db, fakeHomeScanOptions(home))
      const second = await scan(db, fakeHomeScanOptions(home))
      // The rescan found the same things (remembered analyses read back, nothing lost).
      expect(second.delta.assets.gone).toEqual([])
      const stored = JSON.stringify(db.prepare(`SELECT * FROM assets`).all())
      // The places the values were copied from are in the inventory (so the check below means
      // something): the MCP servers, the agent files and the notebook.
      for (const name of ['split', 'secretKey', 'fromGit', 'pkgUrl', 'header', 'pathToken'])
        expect(stored).toContain(`"${name}"`)
      expect(stored).toContain('train.ipynb')
      expect(stored).toContain('deploy.md')
    } finally {
      db.close()
    }
    for (const f of readdirSync(dir).filter((n) => n.startsWith('inv.db'))) {
      const bytes = readFileSync(join(dir, f)).toString('latin1')
      for (const v of planted) {
        // The value's random part, not only the whole value: no useful piece of it either.
        const body = v.replace(/^(sk-proj-|hf_)/, '')
        for (let i = 0; i + 16 <= body.length; i += 8)
          expect(
            bytes.includes(body.slice(i, i + 16)),
            `${f} holds part of ${v.slice(0, 12)}…`,
          ).toBe(false)
      }
    }
  })
})
