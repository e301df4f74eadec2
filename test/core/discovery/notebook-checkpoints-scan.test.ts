import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Platform } from '../../../src/core/discovery/types'
import { scan } from '../../../src/core/engine/scan'
import { openDb } from '../../../src/core/storage/db'
import { openInventoryReader } from '../../../src/core/storage/inventory-reader'
import { write } from '../../fixtures/generators/fake-home'
import { codeCell, notebookJson } from '../../fixtures/generators/homes/stores-notebooks'
import { KEY_MAKERS, makeRng } from '../../fixtures/generators/secrets/keys'

const root = mkdtempSync(join(tmpdir(), 'aiscout-ckpt-scan-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** Where each layout's users keep notebooks (Jupyter's default notebook folder on Windows and macOS). */
const LAB: Readonly<Record<Platform, readonly string[]>> = {
  linux: ['lab'],
  darwin: ['Documents', 'lab'],
  win32: ['OneDrive', 'Documents', 'lab'],
}

describe.each(['linux', 'darwin', 'win32'] as const)(
  'Jupyter checkpoints in a full scan (%s layout)',
  (platform) => {
    it('reports each key once: a key only the checkpoint holds at the checkpoint, linked to the notebook; other checkpointed files are read too', async () => {
      const home = join(root, platform, 'home')
      const lab = join(home, ...LAB[platform])
      const kept = KEY_MAKERS['anthropic-api']!(makeRng(11))
      const deleted = KEY_MAKERS['anthropic-api']!(makeRng(12))
      const inConfig = KEY_MAKERS['groq']!(makeRng(13))
      const nb = join(lab, 'agent.ipynb')
      const cp = join(lab, '.ipynb_checkpoints', 'agent-checkpoint.ipynb')
      const cfg = join(lab, '.ipynb_checkpoints', 'settings-checkpoint.json')
      write(nb, notebookJson([codeCell([`key = "${kept}"`])]))
      write(cp, notebookJson([codeCell([`key = "${kept}"`, `old = "${deleted}"`])]))
      write(cfg, JSON.stringify({ GROQ_API_KEY: inConfig }))
      const db = openDb(join(root, platform, 'inv.db'))
      await scan(db, { home, env: {}, platform })
      const inv = openInventoryReader(db)
      const assets = [...inv.assets()]
      const secrets = assets.filter((a) => a.kind === 'secret')
      expect(secrets.map((s) => s.path).sort()).toEqual([cfg, cp, nb].sort())
      const notebooks = assets.filter((a) => a.kind === 'notebook')
      expect(notebooks.map((n) => n.path)).toEqual([nb])
      const cpSecret = secrets.find((s) => s.path === cp)!
      expect(notebooks[0]!.links.map((l) => l.to)).toContain(cpSecret.id)
      // A key in a notebook or its checkpoint has the notebook rule (its fix clears outputs).
      const findings = [...inv.findings()].filter((f) => f.ruleId.startsWith('secret.ai-api-key'))
      expect(findings.map((f) => f.path).sort()).toEqual([cfg, cp, nb].sort())
      db.close()
      for (const f of readdirSync(join(root, platform)).filter((n) => n.startsWith('inv.db'))) {
        const bytes = readFileSync(join(root, platform, f))
        for (const v of [kept, deleted, inConfig])
          expect(bytes.includes(Buffer.from(v))).toBe(false)
      }
    })
  },
)
