import type { DiscoveryContext, SystemInfoPort } from '../discovery/types'
import type { ScanSession } from './session'
import { addModel, scanModelPart } from './stages/models'

/**
 * What every locator and file analyzer gets: the session's options, emitters that record each
 * emission with the unit of work it belongs to, claims, the model analyzer and the ports.
 */
export function discoveryContext(s: ScanSession): DiscoveryContext {
  const o = s.options
  return {
    home: s.home,
    platform: s.platform,
    env: s.env,
    signal: s.signal,
    runVersionCommands: o.runVersionCommands === true,
    identifyServers: o.identifyServers === true,
    verifyDigests: o.verifyDigests === true,
    hash: s.hash,
    emitAsset: s.emitAsset,
    emitFinding: s.emitFinding,
    emitSkipped: s.skip,
    claimDir: (p) => {
      s.claimedDirs.add(p)
      s.units.claim(p, 'claim-dir')
    },
    claimFile: (p) => {
      s.claimedFiles.add(p)
      s.units.claim(p, 'claim-file')
    },
    isClaimed: s.isClaimed,
    addModel: (path, opts) => addModel(s, path, opts),
    scanModelPart: (path, opts) => scanModelPart(s, path, opts),
    secrets: s.secretScanner,
    memo: s.store.memo,
    // Production ports by default (systeminformation + nvidia-smi, /proc or lsof/netstat);
    // tests inject fakes.
    systemInfo: o.systemInfo ?? s.discovery?.createSystemInfoPort() ?? NO_SYSTEM_INFO,
    sockets: o.sockets ?? s.discovery?.createSocketsPort() ?? { listening: async () => [] },
  }
}

/** The discovery modules, loaded only when a scan uses them (a crawl-only run does not). */
export async function loadDiscovery() {
  const [registry, envMod, sockets, systemInfo] = await Promise.all([
    import('../discovery/registry'),
    import('../discovery/env'),
    import('../discovery/system/sockets'),
    import('../discovery/system/system-info'),
  ])
  return {
    LOCATORS: registry.LOCATORS,
    FILE_ANALYZERS: registry.FILE_ANALYZERS,
    resolveEnv: envMod.resolveEnv,
    createSocketsPort: sockets.createSocketsPort,
    createSystemInfoPort: systemInfo.createSystemInfoPort,
  }
}

/** Used only by crawl-only runs, which run no locator. */
const NO_SYSTEM_INFO: SystemInfoPort = {
  graphics: async () => ({ controllers: [] }),
  cpu: async () => ({}),
  mem: async () => ({ total: 0 }),
  osInfo: async () => ({}),
}
