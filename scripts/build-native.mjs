// Builds the crawl's directory reader (src/core/engine/walker/dir-reader.c) into
// out/addons/dir-reader.node. A Node-API addon needs only Node's API headers and a C compiler (no
// node-gyp, no download), and the same file loads in Node and in Electron (Node-API is ABI-stable).
// Where it cannot be built (Windows, no compiler, no headers) the crawl uses its JavaScript reader;
// this script says so and succeeds, unless AISCOUT_REQUIRE_ADDON=1 (CI) makes that an error.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const SRC = join(ROOT, 'src/core/engine/walker/dir-reader.c')
const OUT = join(ROOT, 'out/addons/dir-reader.node')
const required = process.env.AISCOUT_REQUIRE_ADDON === '1'

function giveUp(why) {
  const msg = `dir-reader addon not built (${why}); the crawl will use its JavaScript reader`
  if (required) {
    console.error(`build-native: ${msg}`)
    process.exit(1)
  }
  console.warn(`build-native: ${msg}`)
  process.exit(0)
}

if (process.platform === 'win32') giveUp('Windows builds are not supported yet')

if (existsSync(OUT) && statSync(OUT).mtimeMs >= statSync(SRC).mtimeMs) process.exit(0)

// Node's API headers: beside the running node, or where npm was told they are.
const headerDirs = [
  join(dirname(process.execPath), '..', 'include', 'node'),
  process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'),
  '/usr/include/node',
  '/usr/local/include/node',
].filter(Boolean)
const include = headerDirs.find((d) => existsSync(join(d, 'node_api.h')))
if (!include) giveUp(`no node_api.h in ${headerDirs.join(', ')}`)

const cc = process.env.CC || 'cc'
const flags = [
  '-O2',
  '-std=c11',
  '-Wall',
  '-Wextra',
  '-fPIC',
  '-fvisibility=hidden',
  '-DNAPI_VERSION=8',
  `-I${include}`,
  ...(process.platform === 'darwin' ? ['-bundle', '-undefined', 'dynamic_lookup'] : ['-shared']),
  SRC,
  '-o',
  OUT,
]
mkdirSync(dirname(OUT), { recursive: true })
try {
  execFileSync(cc, flags, { stdio: ['ignore', 'inherit', 'inherit'] })
} catch (e) {
  giveUp(`${cc} failed: ${e.message.split('\n')[0]}`)
}
