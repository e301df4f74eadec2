import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

export default defineConfig({
  main: {
    build: {
      // TypeBox ships only ES modules: loaded with require() it goes through Node's ESM loader
      // at every start of main and of each worker (about 55 ms each); bundled it is plain code.
      // Every other dependency stays external (better-sqlite3 is rebuilt for Electron's ABI).
      externalizeDeps: { exclude: ['typebox'] },
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          'scan-worker': resolve(__dirname, 'src/main/scan-worker.ts'),
          'db-worker': resolve(__dirname, 'src/main/db/worker.ts'),
          'sync-worker': resolve(__dirname, 'src/main/sync-worker.ts'),
          'watcher-process': resolve(__dirname, 'src/main/watcher-process.ts'),
          // Model files are scanned in worker threads of the scan worker and of the watcher
          // process (each handed this path).
          'analysis-worker': resolve(__dirname, 'src/core/engine/analysis/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } } },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      minify: true,
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
    plugins: [react()],
  },
})
