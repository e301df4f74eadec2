import type { PolicyEvaluator } from './types'

/** MCP servers launched through a package runner (npx, uvx, ...) without an exact version. */
export const UNPINNED_PACKAGE_POLICY: PolicyEvaluator<'unpinned-package'> = {
  type: 'unpinned-package',
  ruleId: 'policy.unpinned-package',
  *evaluate(rule, ctx) {
    const runners = rule.runners ? new Set<string>(rule.runners) : undefined
    for (const a of ctx.assets('mcp-server')) {
      const pr = a.details.packageRunner
      if (typeof pr !== 'object' || pr === null || Array.isArray(pr)) continue
      const { runner, package: pkg, pinned } = pr as Readonly<Record<string, unknown>>
      if (pinned !== false || typeof runner !== 'string') continue
      if (runners && !runners.has(runner)) continue
      yield {
        subject: a.id,
        assetId: a.id,
        path: a.path,
        ...(typeof a.details.line === 'number' ? { line: a.details.line } : {}),
        message: `MCP server "${a.name ?? '?'}" runs \`${runner} ${String(pkg)}\` without a pinned version, which the policy forbids`,
      }
    }
  },
}
