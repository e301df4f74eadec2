import { assetIdFor } from '../../src/core/engine/asset-id'
import { addedModel, modelRecords } from '../../src/core/engine/model-files'
import { modelPart } from '../../src/core/engine/model-asset'
import type {
  AddModelOptions,
  AddedModel,
  DiscoveryContext,
  ListeningSocket,
  ModelPartOptions,
  Platform,
  ScannedPart,
  SystemInfoPort,
} from '../../src/core/discovery/types'
import { scanModelFile } from '../../src/core/scanners/scan-file'
import type { FileMemo } from '../../src/core/storage/file-memo'
import { NO_MEMO } from '../../src/core/storage/file-memo'
import type { SecretScanner } from '../../src/core/secrets/index'
import type { NewAsset, NewFinding, SkippedEntry } from '../../src/core/types'

export type CollectedAsset = NewAsset & { id: string }

/**
 * A real DiscoveryContext for tests that collects what locators emit in arrays (the engine
 * streams the same calls into SQLite). Model files go through the real static scanner.
 */
export function makeTestContext(opts: {
  home: string
  platform: Platform
  env?: Record<string, string | undefined>
  systemInfo?: SystemInfoPort
  sockets?: readonly ListeningSocket[]
  secrets?: SecretScanner
  runVersionCommands?: boolean
  memo?: FileMemo
}) {
  const assets: CollectedAsset[] = []
  const findings: NewFinding[] = []
  const skipped: SkippedEntry[] = []
  const claimedDirs = new Set<string>()
  const claimedFiles = new Set<string>()
  const noSecrets: SecretScanner = {
    scanText: () => [],
    scanNotebook: () => [],
    scanNamedValue: () => [],
    scanPrivateKey: () => undefined,
  }
  const emitAsset = (a: NewAsset): string => {
    const id = assetIdFor(a.kind, a.identity ?? a.path)
    const i = assets.findIndex((x) => x.id === id)
    if (i >= 0) assets[i] = { ...a, id }
    else assets.push({ ...a, id })
    return id
  }
  const ctx: DiscoveryContext = {
    home: opts.home,
    platform: opts.platform,
    env: opts.env ?? {},
    runVersionCommands: opts.runVersionCommands ?? false,
    identifyServers: false,
    verifyDigests: false,
    hash: true,
    emitAsset,
    emitFinding: (f) => findings.push(f),
    emitSkipped: (s) => skipped.push(s),
    claimDir: (p) => claimedDirs.add(p),
    claimFile: (p) => claimedFiles.add(p),
    isClaimed: (p) =>
      claimedFiles.has(p) || [...claimedDirs].some((d) => p === d || p.startsWith(d + '/')),
    async addModel(path: string, o: AddModelOptions): Promise<AddedModel> {
      const report = await scanModelFile(path, { knownSha256: o.knownSha256, fileName: o.fileName })
      const records = modelRecords(path, report, o)
      const assetId = emitAsset(records.asset)
      findings.push(...records.findings(assetId))
      claimedFiles.add(path)
      return addedModel(assetId, report)
    },
    async scanModelPart(path: string, o: ModelPartOptions): Promise<ScannedPart> {
      const report = await scanModelFile(path, { knownSha256: o.knownSha256, fileName: o.fileName })
      claimedFiles.add(path)
      return modelPart(report)
    },
    secrets: opts.secrets ?? noSecrets,
    memo: opts.memo ?? NO_MEMO,
    systemInfo: opts.systemInfo ?? {
      graphics: async () => ({ controllers: [] }),
      cpu: async () => ({ brand: 'Test CPU', cores: 4 }),
      mem: async () => ({ total: 8 * 1024 ** 3 }),
      osInfo: async () => ({ platform: opts.platform }),
    },
    sockets: { listening: async () => opts.sockets ?? [] },
  }
  return { ctx, assets, findings, skipped, claimedDirs, claimedFiles }
}
