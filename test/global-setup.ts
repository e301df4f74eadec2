import { execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Every test writes its fake homes and databases under one temporary folder for the run (TMPDIR
 * is inherited by the test workers), removed at the end so runs leave nothing in /tmp.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'aiscout-tests-'))
  // Traversable by other users: one test scans as `nobody` to meet a real permission error.
  chmodSync(dir, 0o755)
  process.env.TMPDIR = dir
  return () => {
    // Long-path fixtures cannot be removed through absolute paths; rm -rf descends relatively.
    execFileSync('rm', ['-rf', dir])
  }
}
