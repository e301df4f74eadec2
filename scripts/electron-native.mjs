// Builds better-sqlite3 for Electron's ABI into native/electron-abi<N>/ WITHOUT touching
// node_modules (which stays built for Node: CLI, tests, server). Developer machines only: it needs
// prebuilt binaries or Electron headers from the internet. See README "Desktop app".
import { execFileSync } from 'node:child_process'
import {
  cpSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

// The machine's npmrc may set nodedir=/usr: node-gyp would then silently build against Node's
// headers and produce a wrong-ABI binary that looks fine.
for (const k of Object.keys(process.env))
  if (k.toLowerCase() === 'npm_config_nodedir') delete process.env[k]

const require = createRequire(import.meta.url)
const electronDir = dirname(require.resolve('electron/package.json'))
const electronVersion = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version
const abi = readFileSync(join(electronDir, 'abi_version'), 'utf8').trim()
const outDir = join(process.cwd(), 'native', `electron-abi${abi}`)
const outFile = join(outDir, 'better_sqlite3.node')
if (existsSync(outFile)) {
  console.log(`${outFile} already built`)
  process.exit(0)
}
const bsqDir = dirname(require.resolve('better-sqlite3/package.json'))
const scratch = mkdtempSync(join(tmpdir(), 'aiscout-native-'))
const modDir = join(scratch, 'node_modules', 'better-sqlite3')
cpSync(bsqDir, modDir, { recursive: true, filter: (s) => !s.startsWith(join(bsqDir, 'build')) })
try {
  try {
    execFileSync(
      process.execPath,
      [
        require.resolve('prebuild-install/bin.js'),
        '--runtime=electron',
        `--target=${electronVersion}`,
      ],
      { cwd: modDir, stdio: 'inherit' },
    )
  } catch {
    execFileSync(
      'npx',
      [
        '--yes',
        'node-gyp',
        'rebuild',
        `--target=${electronVersion}`,
        '--dist-url=https://electronjs.org/headers',
        '--runtime=electron',
      ],
      { cwd: modDir, stdio: 'inherit' },
    )
  }
  const built = join(modDir, 'build', 'Release', 'better_sqlite3.node')
  if (!readFileSync(built).includes(Buffer.from(`node_register_module_v${abi}`))) {
    throw new Error(`built binary is not for Electron ABI ${abi}`)
  }
  mkdirSync(outDir, { recursive: true })
  copyFileSync(built, outFile)
  console.log(`built ${outFile}`)
} catch (e) {
  console.error(`could not build better-sqlite3 for Electron ${electronVersion}: ${e.message}`)
  process.exitCode = 1
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
