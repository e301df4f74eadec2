// Reference for the crawl figure: the least a Node walk can do (readdirSync with file types, the
// same pruned names, no classification, one thread). Prints the number of files it saw.
// usage: node bench/bare-walk.mjs ROOT NAME...
import { readdirSync } from 'node:fs'

const [root, ...pruned] = process.argv.slice(2)
const prune = new Set(pruned)
const stack = [root]
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
      if (!prune.has(e.name)) stack.push(`${dir}/${e.name}`)
    } else if (e.isFile()) files++
  }
}
process.stdout.write(`${files}\n`)
