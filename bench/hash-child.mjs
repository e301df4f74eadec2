// Child process: SHA-256 of one file with the engine's hasher. Prints the digest and the time the
// hashing itself took (Node start-up and module loading are excluded: openssl has neither).
import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const core = require('../out/core/index.js')
const t0 = process.hrtime.bigint()
const digest = await core.sha256File(process.argv[2])
const seconds = Number(process.hrtime.bigint() - t0) / 1e9
process.stdout.write(JSON.stringify({ digest, seconds }) + '\n')
