import { readdirSync } from 'node:fs'

/**
 * The least a Node walk does (the references bench/bare-walk.mjs and bench/node-floor.mjs):
 * readdirSync with file types, depth-first from `stack`, pruned names skipped, no classification.
 * Folders past `budget` go to `left` unread. Returns the number of regular files seen.
 */
export function walkBare(stack, prune, budget = Infinity, left = []) {
  let files = 0
  while (stack.length > 0) {
    const dir = stack.pop()
    let entries
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      continue
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!prune.has(e.name)) (budget-- > 0 ? stack : left).push(`${dir}/${e.name}`)
      } else if (e.isFile()) files++
    }
  }
  return files
}
