import type { RepositoryReport } from './analyze-repo'

/** The JSON shape of a repository report (`aiscout scan-model --format json`, `repositories[]`). */
export function repositoryJson(r: RepositoryReport) {
  return {
    path: r.root,
    verdict: r.verdict,
    trustRemoteCode: r.needsTrustRemoteCode,
    customCode: r.customCode.map((c) => ({
      file: c.file,
      present: c.present,
      referencedBy: c.referencedBy,
      ...(c.remoteRepo !== undefined ? { remoteRepo: c.remoteRepo } : {}),
    })),
    codeFilesChecked: r.codeFilesChecked,
    configsChecked: r.configsChecked,
    findings: r.findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      file: f.file,
      ...(f.line !== undefined ? { line: f.line } : {}),
      ...(f.callable !== undefined ? { callable: f.callable } : {}),
    })),
  }
}

/** Asset details a repository report adds to the repository's model asset. */
export function repositoryDetails(r: RepositoryReport): Record<string, boolean | string[]> {
  return {
    trustRemoteCode: r.needsTrustRemoteCode,
    ...(r.customCode.length > 0
      ? { customCodeFiles: r.customCode.map((c) => c.file).slice(0, 50) }
      : {}),
  }
}
