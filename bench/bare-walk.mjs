// Reference for the crawl figure: the least a Node walk can do (readdirSync with file types, the
// same pruned names, no classification, one thread). Prints the number of files it saw.
// usage: node bench/bare-walk.mjs ROOT NAME...
import { walkBare } from './walk-bare.mjs'

const [root, ...pruned] = process.argv.slice(2)
process.stdout.write(`${walkBare([root], new Set(pruned))}\n`)
