// Child process: SHA-256 of one file with the engine's hasher.
import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const core = require('../out/core/index.js')
const digest = await core.sha256File(process.argv[2])
process.stdout.write(digest + '\n')
