import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scan } from '../../../src/core/engine/scan'
import { openDb } from '../../../src/core/storage/db'
import { maliciousPickle, safetensors, write } from '../../fixtures/generators/fake-home'
import { repeatedFilterTemplate } from '../../fixtures/generators/structured/templates'

const WORKER = resolve(__dirname, '../../../out/cli/analysis-worker.js')
const dir = mkdtempSync(join(tmpdir(), 'aiscout-hostile-template-'))

beforeAll(() => {
  if (!existsSync(WORKER))
    throw new Error('out/cli/analysis-worker.js is missing: run `npm run build`')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/**
 * Issue 15 item 7, as a user met it: a chat_template.jinja of millions of repeated filters in the
 * home used to exhaust the heap inside `aiscout scan`, end the scan with its row left `running`,
 * and hide a malicious pickle elsewhere. Now the template is that file's finding and the scan
 * completes.
 */
describe('a hostile chat template inside a scan', () => {
  it('is its own high finding; the scan completes and still reports the malicious pickle', async () => {
    const home = join(dir, 'home')
    const template = join(home, 'models', 'tiny', 'chat_template.jinja')
    const evil = join(home, 'Downloads', 'evil.pkl')
    // A model folder (the crawl reads chat templates only beside a model's config or weights).
    write(join(home, 'models', 'tiny', 'config.json'), '{"model_type": "llama"}\n')
    write(join(home, 'models', 'tiny', 'model.safetensors'), safetensors())
    write(template, repeatedFilterTemplate(8_000_000)) // 40 MB of `|trim`
    write(evil, maliciousPickle())
    const db = openDb(join(dir, 'inv.db'))
    try {
      const r = await scan(db, {
        home,
        env: { HOME: home },
        platform: 'linux',
        locators: [],
        hash: false,
        analysisWorker: WORKER,
      })
      expect(r.status).toBe('complete')
      expect(db.prepare(`SELECT status FROM scans`).all()).toEqual([{ status: 'complete' }])
      const rules = (path: string) =>
        (
          db
            .prepare(`SELECT rule_id, severity FROM findings WHERE path = ? AND status = 'open'`)
            .all(path) as { rule_id: string; severity: string }[]
        ).map((f) => `${f.rule_id}:${f.severity}`)
      expect(rules(evil)).toContain('pickle.dangerous-callable:critical')
      const onTemplate = rules(template)
      // Judged within the analyser's budgets (or, failing that, the worker's cap): never silent.
      expect(
        onTemplate.some(
          (f) =>
            f === 'chat-template.not-fully-analysed:high' || f === 'engine.analysis-failed:high',
        ),
        onTemplate.join(', '),
      ).toBe(true)
    } finally {
      db.close()
    }
  })
})
