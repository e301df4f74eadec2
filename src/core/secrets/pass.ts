import { createHash } from 'node:crypto'
import type { FileMemo } from '../storage/file-memo'
import { NO_MEMO } from '../storage/file-memo'
import type { NewAsset, NewFinding, SkippedEntry } from '../types'
import { isFixturePath } from './decoys'
import { secretAssetFromHit, secretAssetIdentity, secretFindingFromHit } from './hit-records'
import { createGitContext } from './git-context'
import type { GitStatus } from './git-context'
import { readText } from './read-bounded'
import { keyReuseFindings } from './reuse'
import { RULES_VERSION } from '../rules'
import { SECRET_RULE_DEFS } from './rules'
import type { InternalScanner, SecretScanner } from './scanner'
import { createSecretScanner } from './scanner'
import type { SecretFileKind, SecretHit } from './types'

export type SecretFileResult = {
  assets: NewAsset[]
  findings: NewFinding[]
  /** For each finding, the identity of the secret asset it is about (the engine sets `assetId`). */
  findingAssets: (string | undefined)[]
  /** Why the file was not (fully) read, when it was not. */
  skipped: SkippedEntry[]
}

export type SecretsPass = Readonly<{
  analyzeFile(path: string, kind: SecretFileKind): Promise<SecretFileResult>
  /** Cross-file checks at the end of the scan (same key in several places). */
  finish(): { findings: NewFinding[]; findingAssets: (string | undefined)[] }
}>

/**
 * Version of remembered secret hits (see storage/file-memo.ts): the rules version, and a digest
 * of the secret rule definitions (patterns, keywords, entropy), which change without touching
 * the rule table.
 */
export const SECRET_HITS_STAMP = `${RULES_VERSION}.${createHash('sha256')
  .update(JSON.stringify(SECRET_RULE_DEFS))
  .digest('hex')
  .slice(0, 12)}`

/** Template .env files are meant to be committed. */
function isEnvTemplate(path: string): boolean {
  return isFixturePath(path) || /\.(dist|defaults?|sample|template|example)$/i.test(path)
}

function describe(hits: readonly SecretHit[]): string {
  const providers = [...new Set(hits.map((h) => h.provider))].join(', ')
  const previews = hits
    .slice(0, 3)
    .map((h) => h.redacted)
    .join(', ')
  const more = hits.length > 3 ? ` and ${hits.length - 3} more` : ''
  return `${hits.length} ${providers} key${hits.length === 1 ? '' : 's'} (${previews}${more})`
}

export function createSecretsPass(opts: {
  fingerprintKey: Uint8Array
  home: string
  scanner?: SecretScanner
  /** Hits of unchanged files from earlier scans (the files are then not read again). */
  memo?: FileMemo
}): SecretsPass {
  const memo = opts.memo ?? NO_MEMO
  const scanner = (opts.scanner ?? createSecretScanner(opts)) as SecretScanner &
    Partial<InternalScanner>
  const git = createGitContext(opts.home)
  /** fingerprint -> places (path, line, identity, provider, redacted). */
  const places = new Map<
    string,
    { path: string; line: number; identity: string; provider: string; redacted: string }[]
  >()
  const posix = process.platform !== 'win32'

  const scanChunk = (text: string, path: string, kind: SecretFileKind, lineOffset: number) => {
    if (kind === 'notebook') return scanner.scanNotebook(text, path)
    if (scanner.scanTextAt) return scanner.scanTextAt(text, { path, kind, lineOffset })
    return scanner.scanText(text, { path, kind }).map((h) => ({ ...h, line: h.line + lineOffset }))
  }

  async function analyze(path: string, kind: SecretFileKind): Promise<SecretFileResult> {
    const result: SecretFileResult = { assets: [], findings: [], findingAssets: [], skipped: [] }
    // The bytes decide the hits (remembered for an unchanged file); mode bits and git state are
    // checked fresh every scan, since chmod or a new .gitignore rule leaves the mtime alone.
    const remembered = await memo.remember(
      path,
      { ns: `secret-hits:${kind}`, version: SECRET_HITS_STAMP },
      async (): Promise<{ hits: SecretHit[]; mode: number } | undefined> => {
        const read = await readText(path, kind === 'notebook')
        if (!read.ok) {
          if (read.skipped) result.skipped.push(read.skipped)
          return undefined
        }
        const found: SecretHit[] = []
        for (const c of read.chunks) found.push(...scanChunk(c.text, path, kind, c.lineOffset))
        return { hits: found, mode: read.mode }
      },
    )
    if (remembered.value === undefined) return result
    const hits = remembered.value.hits
    const mode = remembered.cached
      ? (remembered.mode ?? remembered.value.mode)
      : remembered.value.mode

    for (const h of hits) {
      const identity = secretAssetIdentity(h, path)
      result.assets.push(secretAssetFromHit(h, path, 'secrets'))
      result.findings.push(secretFindingFromHit(h, path))
      result.findingAssets.push(identity)
      const list = places.get(h.fingerprint) ?? []
      list.push({ path, line: h.line, identity, provider: h.provider, redacted: h.redacted })
      places.set(h.fingerprint, list)
    }

    const first = hits[0]
    const firstId = first ? secretAssetIdentity(first, path) : undefined
    const posture = (f: NewFinding): void => {
      result.findings.push(f)
      result.findingAssets.push(firstId)
    }
    if (first) {
      const loose = mode & 0o077
      if (posix && loose) {
        posture({
          ruleId: 'posture.key-file-permissions',
          severity: mode & 0o004 ? 'high' : 'medium',
          message: `${path} holds ${describe(hits)} and is readable by ${mode & 0o004 ? 'all users' : 'its group'} (mode ${(mode & 0o777).toString(8).padStart(4, '0')})`,
          path,
          line: first.line,
        })
      }
      if (kind === 'shell-history') {
        posture({
          ruleId: 'posture.key-in-shell-history',
          message: `Shell history ${path} holds ${describe(hits)}`,
          path,
          line: first.line,
        })
      }
    }
    const needGit = first !== undefined || (kind === 'dotenv' && !isEnvTemplate(path))
    const st: GitStatus | undefined = needGit ? await git.status(path) : undefined
    if (st && first && st.tracked === true) {
      posture({
        ruleId: 'posture.key-committed-to-git',
        message: `${path} is tracked by git in ${st.repo.root} and holds ${describe(hits)}`,
        path,
        line: first.line,
      })
    }
    if (st && kind === 'dotenv' && !isEnvTemplate(path) && !st.ignored) {
      posture({
        ruleId: 'posture.env-not-gitignored',
        severity: first ? 'medium' : 'low',
        message: `${path} is inside the git working tree ${st.repo.root} and no .gitignore rule covers it${st.tracked ? ' (it is already tracked)' : ''}${first ? `; it holds ${describe(hits)}` : ''}`,
        path,
      })
    }
    return result
  }

  return {
    async analyzeFile(path, kind) {
      try {
        return await analyze(path, kind)
      } catch (err) {
        // Never throw into the engine: one bad file must not abort a scan.
        const message = err instanceof Error ? err.message : String(err)
        return {
          assets: [],
          findings: [],
          findingAssets: [],
          skipped: [{ path, reason: 'error', message }],
        }
      }
    },
    finish() {
      const found = keyReuseFindings(
        [...places.values()].map((list) => list.map((p) => ({ ...p, ref: p.identity }))),
      )
      return { findings: found.map((f) => f.finding), findingAssets: found.map((f) => f.ref) }
    },
  }
}
