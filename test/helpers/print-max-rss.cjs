// Preloaded with `node -r` by memory tests: prints the process's peak resident set (KiB) on exit.
process.on('exit', () => {
  process.stderr.write(`maxRSS=${process.resourceUsage().maxRSS}\n`)
})
