// Builds the crawl's directory reader (src/core/engine/walker/dir-reader.c) into
// out/addons/dir-reader.node. A Node-API addon needs only Node's API headers and a C compiler (no
// node-gyp, no download), and the same file loads in Node and in Electron (Node-API is ABI-stable).
// Where it cannot be built (Windows, no compiler, no headers) the crawl uses its JavaScript reader;
// this script says so, removes any stale build, and succeeds, unless AISCOUT_REQUIRE_ADDON=1 (CI)
// makes that an error.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const SRC = join(ROOT, 'src/core/engine/walker/dir-reader.c')
const OUT = join(ROOT, 'out/addons/dir-reader.node')
const required = process.env.AISCOUT_REQUIRE_ADDON === '1'

/** True when `file` is a Node-API addon this Node loads, with the reader's three functions. */
function loads(file) {
  try {
    const m = { exports: {} }
    process.dlopen(m, file)
    return ['readDirs', 'start', 'take'].every((f) => typeof m.exports[f] === 'function')
  } catch {
    return false
  }
}

function giveUp(why) {
  // A build from other sources, or for another platform, must not be loaded instead.
  rmSync(OUT, { force: true })
  const msg = `dir-reader addon not built (${why}); the crawl will use its JavaScript reader`
  if (required) {
    console.error(`build-native: ${msg}`)
    process.exit(1)
  }
  console.warn(`build-native: ${msg}`)
  process.exit(0)
}

if (process.platform === 'win32') giveUp('Windows builds are not supported yet')

// Up to date: newer than its source, and it loads here (not a copy built for another machine).
if (existsSync(OUT) && statSync(OUT).mtimeMs >= statSync(SRC).mtimeMs && loads(OUT)) process.exit(0)

// Node's API headers: beside the running node, or where npm was told they are.
const headerDirs = [
  join(dirname(process.execPath), '..', 'include', 'node'),
  process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'),
  '/usr/include/node',
  '/usr/local/include/node',
].filter(Boolean)
const include = headerDirs.find((d) => existsSync(join(d, 'node_api.h')))
if (!include) giveUp(`no node_api.h in ${headerDirs.join(', ')}`)

// CC may carry arguments ("ccache cc", "gcc -m64"), as make and node-gyp allow.
const [cc, ...ccArgs] = (process.env.CC || 'cc').trim().split(/\s+/)
const tmp = `${OUT}.${process.pid}.tmp`
const flags = [
  ...ccArgs,
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
  tmp,
]
mkdirSync(dirname(OUT), { recursive: true })
try {
  execFileSync(cc, flags, { stdio: ['ignore', 'inherit', 'inherit'] })
} catch (e) {
  rmSync(tmp, { force: true })
  giveUp(`${cc} failed: ${e.message.split('\n')[0]}`)
}
if (!loads(tmp)) {
  rmSync(tmp, { force: true })
  giveUp('the built file does not load in this Node')
}
renameSync(tmp, OUT)
