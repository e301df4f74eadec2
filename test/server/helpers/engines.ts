import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PgCluster } from '../../../scripts/pg-cluster.mjs'
import { startPgCluster } from '../../../scripts/pg-cluster.mjs'
import { openStorage } from '../../../src/server/storage/open'
import type { Storage } from '../../../src/server/storage/open'

/** Every storage-facing test runs on both engines: the embedded SQLite and a real PostgreSQL 15. */
export const ENGINES = ['sqlite', 'postgres'] as const
export type EngineName = (typeof ENGINES)[number]

let cluster: Promise<PgCluster> | undefined
let counter = 0

/** One throwaway cluster per test file, started on first use; stopPg() in afterAll. */
export function pgCluster(): Promise<PgCluster> {
  cluster ??= startPgCluster()
  return cluster
}

export async function stopPg(): Promise<void> {
  if (!cluster) return
  const c = await cluster
  cluster = undefined
  c.stop()
}

export type StorageTarget = Readonly<{ dataDir?: string; databaseUrl?: string }>

/** A fresh, empty storage location on the engine (a new data dir or a new database). */
export async function freshTarget(engine: EngineName): Promise<StorageTarget> {
  if (engine === 'sqlite') return { dataDir: mkdtempSync(join(tmpdir(), 'aiscout-server-')) }
  const c = await pgCluster()
  return { databaseUrl: c.createDatabase(`t${process.pid}_${++counter}`) }
}

export async function openFresh(engine: EngineName): Promise<Storage> {
  return openStorage(await freshTarget(engine))
}
