#!/usr/bin/env node
// Fleet query benchmark: a generated fleet (10,000 devices x 500 assets by default) in the
// server's SQLite storage (kept under bench/.work between runs) and in a throwaway PostgreSQL 15
// cluster, then each dashboard question timed (first run and median of five). Target: < 1 s on
// both engines. Prints figures; asserts nothing.
//
//   node bench/fleet-bench.mjs [--quick] [--devices 10000] [--assets 500] [--engines sqlite,postgres]
import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { startPgCluster } from '../scripts/pg-cluster.mjs'
import { bundle, WORK, workDir } from './lib.mjs'

const argv = process.argv.slice(2)
const quick = argv.includes('--quick')
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 ? argv[i + 1] : def
}
const devices = Number(opt('devices', quick ? '1000' : '10000'))
const assets = Number(opt('assets', '500'))
const engines = opt('engines', 'sqlite,postgres').split(',')

const lib = createRequire(import.meta.url)(
  bundle('bench/server-fleet.ts', join(WORK, 'server-fleet.cjs'), { packages: 'external' }),
)

function print(engine, gen, timings) {
  console.log(
    `\n  ${engine}: ${devices} devices x ${assets} assets${gen ? ` (generated ${gen.assets} assets, ${gen.findings} findings in ${gen.seconds.toFixed(0)} s)` : ''}`,
  )
  for (const t of timings) {
    const ok = t.medianMs < 1000 && t.firstMs < 1000
    console.log(
      `${ok ? 'PASS' : 'MISS'}  ${t.name.padEnd(58)} first ${t.firstMs.toFixed(1).padStart(7)} ms, median ${t.medianMs.toFixed(1).padStart(7)} ms  (${t.result})  < 1 s`,
    )
  }
}

async function runEngine(engine) {
  let storage
  let cluster
  let gen
  if (engine === 'sqlite') {
    const dir = workDir(`fleet-sqlite-${devices}x${assets}`)
    const done = join(dir, 'generated')
    if (!existsSync(done)) {
      rmSync(join(dir, 'server.db'), { force: true })
      rmSync(join(dir, 'server.db-wal'), { force: true })
      storage = await lib.openStorage({ dataDir: dir })
      const t0 = Date.now()
      gen = {
        ...(await lib.generateFleet(storage, devices, assets, console.log)),
        seconds: (Date.now() - t0) / 1000,
      }
      writeFileSync(done, JSON.stringify(gen))
      await storage.close()
    }
    storage = await lib.openStorage({ dataDir: dir })
  } else {
    cluster = await startPgCluster({ parent: workDir('pg'), durable: true })
    const url = cluster.createDatabase('fleet')
    storage = await lib.openStorage({ databaseUrl: url })
    const t0 = Date.now()
    gen = {
      ...(await lib.generateFleet(storage, devices, assets, console.log)),
      seconds: (Date.now() - t0) / 1000,
    }
  }
  try {
    print(engine, gen, await lib.measureQueries(storage, devices))
  } finally {
    await storage.close()
    cluster?.stop()
  }
}

console.log(`fleet queries (machine shared with other work: figures are noisy)`)
for (const e of engines) await runEngine(e)
