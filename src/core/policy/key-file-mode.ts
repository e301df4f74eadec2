import { isAbsolute } from 'node:path'
import type { PolicyEvaluator } from './types'

const octal = (m: number): string => m.toString(8).padStart(3, '0')

/**
 * Maximum permissions of files holding AI keys (POSIX only: Windows has ACLs, not mode bits).
 * One finding per file, however many keys it holds.
 */
export const KEY_FILE_MODE_POLICY: PolicyEvaluator<'key-file-mode'> = {
  type: 'key-file-mode',
  ruleId: 'policy.key-file-mode',
  *evaluate(rule, ctx) {
    if (ctx.platform === 'win32') return
    const max = parseInt(rule.maxMode, 8)
    const seen = new Set<string>()
    for (const a of ctx.assets('secret')) {
      if (!isAbsolute(a.path) || seen.has(a.path)) continue
      seen.add(a.path)
      const mode = ctx.fileMode(a.path)
      if (mode === undefined || (mode & ~max) === 0) continue
      yield {
        subject: `file:${a.path}`,
        assetId: a.id,
        path: a.path,
        message: `${a.path} holds an AI key and has mode ${octal(mode)}; the policy allows at most ${octal(max)}`,
      }
    }
  },
}
