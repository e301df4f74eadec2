import type { AppInfo, Overview, ScanState, SettingsView } from '../shared/ipc'

/**
 * The "copy diagnostics" text for a bug report: versions, where things are, what the inventory
 * holds in counts, the settings in effect and the last errors. Never a key value or a file's
 * content: only counts, paths AI Scout owns or the user configured, and error messages.
 */
export function buildDiagnostics(
  d: Readonly<{ info: AppInfo; overview?: Overview; settings?: SettingsView; scan: ScanState }>,
): string {
  const { info, overview, settings } = d
  const lines = [
    `AI Scout ${info.version} (${info.platform}/${info.arch})`,
    `node ${info.versions.node}${info.versions.electron ? `, electron ${info.versions.electron}` : ''}${info.versions.chrome ? `, chrome ${info.versions.chrome}` : ''}${info.versions.sqlite ? `, sqlite ${info.versions.sqlite}` : ''}`,
    `inventory: ${info.dbPath}${info.dbSizeBytes !== undefined ? ` (${info.dbSizeBytes} bytes)` : ''}`,
    `log: ${info.logPath}`,
  ]
  if (overview) {
    const s = overview.lastScan
    lines.push(
      `last complete scan: ${s ? `${s.finishedAt ?? s.startedAt}, ${s.durationMs ?? '?'} ms, ${s.roots.length} root(s), ${s.stats?.filesSeen ?? '?'} files, ${s.stats?.skipped ?? '?'} skipped` : 'none'}`,
      `assets: ${overview.totalAssets} (${Object.entries(overview.assetsByKind)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')})`,
      `open findings: ${Object.entries(overview.openBySeverity)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}; accepted ${overview.accepted}`,
    )
    if (overview.lastAttempt)
      lines.push(
        `last unfinished scan: ${overview.lastAttempt.status} ${overview.lastAttempt.startedAt}`,
      )
  }
  lines.push(`scan running: ${d.scan.running ? 'yes' : 'no'}`)
  if (settings) {
    const s = settings.settings
    lines.push(
      `settings: ${s.scan.roots.length} extra root(s), ${s.scan.exclude.length} exclusion(s), hashing ${s.scan.hash ? 'on' : 'off'}, verify digests ${s.scan.verifyDigests ? 'on' : 'off'}`,
      `probes: versions ${onOff(s.probes.runVersions)}, server identification ${onOff(s.probes.identifyServers)}, source files ${onOff(s.probes.scanSource)}, environment ${onOff(s.probes.scanEnv)}`,
    )
    if (settings.missingRoots.length) lines.push(`missing roots: ${settings.missingRoots.length}`)
  }
  lines.push(`recent errors: ${info.recentErrors.length}`)
  for (const e of info.recentErrors.slice(0, 10)) lines.push(`  ${e.at} ${e.where}: ${e.message}`)
  return lines.join('\n') + '\n'
}

const onOff = (b: boolean): string => (b ? 'on' : 'off')
