import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Fresh temp dir (name avoids fixture words, which the engine treats as decoy fixtures). */
export function tempDir(tag: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `aiscout-sec-${tag}-`))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** All regular files under `root` (no symlink following). */
export function walk(root: string): string[] {
  const out: string[] = []
  const stack = [root]
  while (stack.length > 0) {
    const d = stack.pop()!
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) stack.push(p)
      else if (e.isFile()) out.push(p)
    }
  }
  return out.sort()
}

export const KEY = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff)
