import { parentPort, workerData } from 'node:worker_threads'
import { openDb, syncNow, writeSyncState } from '../core'
import type { Db, TokenStore } from '../core'
import type { FromSyncWorker, SyncJob } from './sync/protocol'

/**
 * Sync worker: one sync of the inventory with the central server, off Electron's main thread (the
 * planner reads the whole inventory and the client writes the outbox synchronously). The device
 * token lives in main's store; here it is held in memory for this run, and a new one (enrollment,
 * rotation) goes straight back to main to be stored.
 */
async function run(job: SyncJob): Promise<void> {
  const post = (m: FromSyncWorker): void => parentPort!.postMessage(m)
  let token = job.token
  const tokens: TokenStore = {
    read: () => token,
    write(t) {
      token = t
      post({ type: 'token', token: t })
    },
    clear() {
      token = undefined
      post({ type: 'token-clear' })
    },
  }
  let db: Db | undefined
  try {
    db = openDb(job.dbPath, { nativeBinding: job.nativeBinding })
    const opened = db
    const outcome = await syncNow(opened, {
      serverUrl: job.serverUrl,
      ...(job.enrollSecret ? { enrollSecret: job.enrollSecret } : {}),
      tokens,
      appVersion: job.appVersion,
      ...(job.env ? { env: job.env as NodeJS.ProcessEnv } : {}),
      ...(job.retry ? { retry: job.retry } : {}),
      ...(job.enrollOnly ? { enrollOnly: true } : {}),
      onEvent: (event) => {
        if (event.type === 'enrolled')
          writeSyncState(opened, { enrolledAt: new Date().toISOString() })
        post({ type: 'event', event })
      },
    })
    post({ type: 'done', outcome })
  } catch (e) {
    // The message only: a stack or a request body could name more than the user needs to see.
    post({ type: 'failed', message: e instanceof Error ? e.message.split('\n')[0]! : String(e) })
  } finally {
    db?.close()
  }
}

void run(workerData as SyncJob)
