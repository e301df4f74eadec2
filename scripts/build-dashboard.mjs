// Builds the fleet dashboard (src/dashboard, React) with Vite into out/dashboard, which
// `aiscout server start` serves (@fastify/static) next to the bundled CLI.
import { resolve } from 'node:path'
import { build } from 'vite'
import react from '@vitejs/plugin-react'

const root = resolve(import.meta.dirname, '..')
await build({
  configFile: false,
  root: resolve(root, 'src/dashboard'),
  base: '/',
  logLevel: 'warn',
  plugins: [react()],
  build: {
    outDir: resolve(root, 'out/dashboard'),
    emptyOutDir: true,
    minify: true,
    // No inline scripts or styles: the server's CSP allows only 'self'.
    assetsInlineLimit: 0,
  },
})
