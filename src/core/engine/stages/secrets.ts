import type { NewAsset, NewFinding } from '../../types'
import { assetIdFor } from '../../util/ids'
import type { SecretFileKind } from '../integrations'
import { scanEnvironment, secretAssetFromHit } from '../integrations'
import type { ScanSession } from '../session'
import { ENVIRONMENT_UNIT } from '../units'

/** Secret assets first, then findings linked to the exact asset the pass names. */
function emitSecrets(
  s: ScanSession,
  assets: readonly NewAsset[],
  findings: readonly NewFinding[],
  findingAssets: readonly (string | undefined)[],
): void {
  for (const a of assets) s.emitAsset(a)
  findings.forEach((f, i) => {
    const identity = findingAssets[i]
    s.emitFinding(
      f.assetId || identity === undefined
        ? f
        : { ...f, assetId: assetIdFor('secret', s.real(identity)) },
    )
  })
}

/**
 * Stage 4, secrets, for one crawled file: keys (redacted, fingerprinted) and the posture checks
 * of the file (permissions, shell history, git tracking, .gitignore). A key found in several
 * files is reported by the store, which sees every file's keys, not only this scan's.
 */
export async function analyzeSecrets(
  s: ScanSession,
  path: string,
  kind: SecretFileKind,
): Promise<void> {
  s.setCurrent(path)
  if (s.isPlaceholder(path)) return
  const r = await s.secretsPass.analyzeFile(path, kind)
  for (const sk of r.skipped) s.skip(sk)
  emitSecrets(s, r.assets, r.findings, r.findingAssets)
}

/** Stage 4, secrets, scan-wide: keys in this process's environment (`--scan-env`). */
export async function checkEnvironment(s: ScanSession): Promise<void> {
  if (!s.options.scanEnvironment || !s.plan.scanWide || s.options.crawlOnly) return
  await s.units.run(ENVIRONMENT_UNIT, async () => {
    for (const hit of scanEnvironment(s.env, s.secretScanner)) {
      const path = hit.path ?? 'env'
      const assetId = s.emitAsset(secretAssetFromHit(hit, path, 'environment'))
      s.emitFinding({
        ruleId: hit.ruleId,
        severity: hit.severity,
        message: `${hit.provider} key in the environment variable ${path.replace(/^env:/, '')} (${hit.redacted})`,
        path,
        assetId,
      })
    }
  })
}
