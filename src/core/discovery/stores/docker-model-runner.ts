import { basename, join } from 'node:path'
import type { Locator } from '../types'
import { scanFolderStore } from './folder-store'
import { isScannableModelFile } from './weight-files'

const SHA256_HEX = /^(?:sha256[-:])?([0-9a-f]{64})$/

/**
 * Docker Model Runner keeps pulled models as OCI artifacts. The on-disk store is not documented;
 * `~/.docker/models` is the likely location ([k], unverified). Content-addressed blobs have no
 * extension, so any file named by a SHA-256 is scanned (the scanner decides the format) and its
 * name is passed as the known digest.
 */
export const DOCKER_MODEL_RUNNER_LOCATOR: Locator = {
  id: 'docker-model-runner',
  title: 'Docker Model Runner models',
  async locate(ctx) {
    await scanFolderStore(ctx, {
      root: join(ctx.home, '.docker', 'models'),
      source: 'docker-model-runner',
      maxDepth: 5,
      accept: (f) =>
        isScannableModelFile(f.path) ||
        (SHA256_HEX.test(basename(f.path)) && f.size >= 1024 * 1024),
      knownSha256Of: (f) =>
        ctx.verifyDigests ? undefined : SHA256_HEX.exec(basename(f.path))?.[1],
    })
  },
}
