#!/usr/bin/env node
import { main } from './index'

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    process.stderr.write(`aiscout: ${(e as Error).message ?? String(e)}\n`)
    process.exitCode = 2
  },
)
