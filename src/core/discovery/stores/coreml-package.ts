import { basename, dirname } from 'node:path'
import type { FileAnalyzer } from '../types'

/**
 * A Core ML `.mlpackage` is a folder: its `Manifest.json` names the model spec and weights. The
 * package is one model asset (identity: the package folder), scanned through its manifest.
 */
export const COREML_PACKAGE_ANALYZER: FileAnalyzer = {
  id: 'coreml-package',
  names: ['Manifest.json'],
  accepts: (path) => dirname(path).endsWith('.mlpackage'),
  async analyze(path, ctx) {
    const pkg = dirname(path)
    await ctx.addModel(path, {
      source: 'coreml',
      name: basename(pkg),
      identity: pkg,
      details: { package: pkg, framework: 'coreml' },
    })
    ctx.claimDir(pkg)
  },
}
