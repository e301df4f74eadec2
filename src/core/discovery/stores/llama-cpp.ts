import { basename, join } from 'node:path'
import type { Locator } from '../types'
import { baseDirs, envPath } from '../paths'
import { scanFolderStore } from './folder-store'
import { ABSENT_ONLY, isDir, listDir } from '../../util/fs'
import { scanHubCache } from './huggingface/hub-cache'
import { claimedOrUnder, guard, uniq } from './store-kit'

/** `manifest=<org>=<repo>=<tag>.json` names the repos the flat cache holds files of. */
const MANIFEST = /^manifest=([^=]+)=([^=]+)=(.+)\.json$/

/**
 * llama.cpp `-hf` download cache: `LLAMA_CACHE`, else `~/Library/Caches/llama.cpp` (macOS),
 * `~/.cache/llama.cpp` (Linux), `%LOCALAPPDATA%\llama.cpp` (Windows). Flat
 * `<org>_<repo>_<file>.gguf` files; newer builds may use the hub-cache layout inside it.
 */
export const LLAMA_CPP_LOCATOR: Locator = {
  id: 'llama-cpp',
  title: 'llama.cpp download cache',
  async locate(ctx) {
    const b = baseDirs(ctx)
    const env = envPath(ctx, 'LLAMA_CACHE')
    for (const dir of uniq([
      ...(env ? [env] : []),
      join(b.cache, 'llama.cpp'),
      join(b.dotCache, 'llama.cpp'),
    ]))
      await guard(ctx, dir, async () => {
        if (claimedOrUnder(ctx, dir) || !(await isDir(dir))) return
        const entries = await listDir(ctx, dir, ABSENT_ONLY)
        const repos = entries
          .map((e) => MANIFEST.exec(e.name))
          .filter((m): m is RegExpExecArray => m !== null)
          .map((m) => ({ org: m[1] ?? '', repo: m[2] ?? '', tag: m[3] ?? '' }))
        await scanFolderStore(ctx, {
          root: dir,
          source: 'llama-cpp',
          maxDepth: 0,
          // Claimed below, after the hub-layout part (which checks claims) has been read.
          claim: false,
          detailsOf: (f) => {
            const r = repos.find((x) => basename(f.path).startsWith(`${x.org}_${x.repo}_`))
            return r
              ? {
                  repoId: `${r.org}/${r.repo}`,
                  tag: r.tag,
                  purl: `pkg:huggingface/${r.org}/${r.repo}`,
                }
              : {}
          },
        })
        if (entries.some((e) => e.isDirectory() && e.name.startsWith('models--')))
          await scanHubCache(ctx, dir)
        ctx.claimDir(dir)
      })
  },
}
